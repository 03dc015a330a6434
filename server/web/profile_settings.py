"""Settings › Profile: the user's name, time zone and language (B5, issue 9 §1).

A thin view over services.profile: the same checks as PATCH /api/v1/me, shown as field
errors on the form. Saving a zone here makes it the user's own: syncs no longer replace it
with the calendar's.
"""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, refresh

from server.auth import login_required, start_session
from server.errors import ValidationFailed
from server.services import password_resets, profile
from server.web import bp, forms

LANGUAGE_LABELS = (('en', 'English'), ('zh-TW', '繁體中文 (台灣)'))


def field_messages(errors, form):
    """services.profile's field errors (English, as the API says them) in the page's language."""
    said = {
        'time_zone': lambda: gettext('Unknown time zone "%(zone)s": pick an IANA name such as '
                                     'America/New_York or Europe/Berlin.',
                                     zone=form['time_zone'].strip()),
        'language': lambda: gettext('Pick one of: %(languages)s.',
                                    languages=', '.join(label for _, label in LANGUAGE_LABELS)),
    }
    return {field: [said[field]()] if field in said else messages
            for field, messages in errors.items()}


@bp.route('/settings/profile', methods=['GET', 'POST'])
@login_required
def profile_settings():
    user, errors = g.web_user, {}
    form = {'name': user.name, 'time_zone': user.time_zone, 'language': user.language}
    if request.method == 'POST':
        form = {key: request.form.get(key, '') for key in form}
        changes = {key: value for key, value in form.items()
                   if key != 'time_zone' or value != user.time_zone
                   or user.time_zone_source == 'user'}
        try:
            g.web_user = profile.update(user, changes)
        except ValidationFailed as error:
            errors = field_messages(error.errors, form)
        else:
            refresh()  # the new language (and zone) from this message on
            flash(gettext('Your profile is saved.'), 'info')
            return redirect(url_for('web.profile_settings'), code=303)
    return _page(form, errors), 422 if errors else 200


def _page(form, errors, password_errors=None):
    user = g.web_user
    return render_template('settings/profile.html', form=form, errors=errors,
                           zones=profile.zone_names(), languages=LANGUAGE_LABELS,
                           source=user.time_zone_source, password_errors=password_errors or {})


@bp.route('/settings/profile/password', methods=['POST'])
@login_required
def change_password():
    """Change one's password (the current one first); every other session ends (issue 13)."""
    user = g.web_user
    try:
        user = password_resets.change(user, request.form.get('current_password'),
                                      request.form.get('password'), request.form.get('confirm'))
    except ValidationFailed as error:
        form = {'name': user.name, 'time_zone': user.time_zone, 'language': user.language}
        return _page(form, {}, forms.translated_errors(error.errors)), 422
    start_session(user)  # this browser stays signed in, under the new session version
    flash(gettext('Your password is changed. Every other session is signed out.'), 'info')
    return redirect(url_for('web.profile_settings'), code=303)
