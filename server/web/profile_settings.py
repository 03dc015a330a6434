"""Settings › Profile: the user's name, time zone and language (B5, issue 9 §1).

A thin view over services.profile: the same checks as PATCH /api/v1/me, shown as field
errors on the form. Saving a zone here makes it the user's own: syncs no longer replace it
with the calendar's.
"""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, refresh

from server.auth import login_required
from server.errors import ValidationFailed
from server.services import profile
from server.web import bp

LANGUAGE_LABELS = (('en', 'English'), ('zh-TW', '繁體中文 (台灣)'))


def field_messages(errors, form):
    """services.profile's field errors (English, as the API says them) in the page's language."""
    said = {
        'name': lambda: gettext('At most %(max)d characters.', max=profile.NAME_MAX),
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
    return render_template('settings/profile.html', form=form, errors=errors,
                           zones=profile.zone_names(), languages=LANGUAGE_LABELS,
                           source=user.time_zone_source), 422 if errors else 200
