"""Sign-up (issue 13 §1) when SIGNUP_OPEN: name, work e-mail, password -> a new account."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from server.auth import start_session
from server.errors import ValidationFailed
from server.services import signup
from server.web import bp, forms, magic_links, sign_in_limits

FIELDS = ('name', 'email')


def _page(errors=None, form=None, message=None):
    if message:
        errors = dict(errors or {}, _form=[message])
    return render_template('sign_up.html', form=form or {}, errors=errors or {})


@bp.route('/sign-up', methods=['GET', 'POST'])
@sign_in_limits.limited_form('sign-up')
def sign_up():
    """Create an account: the new user is its admin, then the home page's first-run list."""
    if not current_app.config.get('SIGNUP_OPEN'):
        abort(404)
    if request.method != 'POST':
        return _page()
    form = {key: (request.form.get(key) or '')[:300] for key in FIELDS}
    try:
        user = signup.create_account(request.form)
    except ValidationFailed as error:
        return _page(forms.translated_errors(error.errors), form), 422
    magic_links.record_sign_in(user)
    start_session(user)
    flash(gettext('Welcome to Meetside! Your account is ready: a few steps get your team going.'),
          'info')
    return redirect(url_for('web.home'), code=303)


sign_in_limits.PAGES['web.sign_up'] = lambda message: _page(
    form={key: (request.form.get(key) or '')[:300] for key in FIELDS}, message=message)
