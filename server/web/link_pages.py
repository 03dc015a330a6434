"""Pages opened from an e-mailed link: accept an invite, reset a password (issue 13 §1).

As the sign-in link: the token rides in the URL fragment; GET serves a page whose script
(link-token.js) posts it back; that POST only shows the form (mail scanners fetch links and
must not spend them); the form's own POST, with the session's CSRF token, spends the link.
"""
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from server.auth import start_session
from server.errors import ServiceError, ValidationFailed
from server.models import Account
from server.services import invites, password_resets
from server.translatable import N_
from server.web import bp, forms, magic_links, mails, sign_in_limits


def private(page, status=200):
    response = make_response(page, status)
    # The link is a credential until used: keep it out of caches and Referer headers.
    response.headers['Cache-Control'] = 'no-store'
    response.headers['Referrer-Policy'] = 'no-referrer'
    return response


def _token():
    token = request.form.get('token', '')
    return token if isinstance(token, str) else ''


# -- invites ------------------------------------------------------------------------------

def _invite_refused():
    flash(gettext('This invite link has expired, was revoked or was already used. '
                  'Ask an admin of the account for a new invite.'), 'error')
    return redirect(url_for('web.sign_in'), code=303)


def _invite_page(invite, token, errors=None, form=None, status=200):
    account = Account.get_by_id(invite.account_id)
    return private(render_template('invite_accept.html', invite=invite, account=account,
                                   token=token, errors=errors or {}, form=form or {}), status)


@bp.route('/invite', methods=['GET', 'POST'])
def accept_invite():
    """Join an account from an invite: set your name and password."""
    if request.method != 'POST':  # HEAD too: it skips the CSRF check, so it must not spend
        return private(render_template('link_open.html', action=url_for('web.accept_invite'),
                                       title=gettext('Your invite to Meetside')))
    token = _token()
    invite = invites.holder(token)
    if invite is None:
        return _invite_refused()
    if request.form.get('step') != 'accept':
        return _invite_page(invite, token)
    form = {'name': (request.form.get('name') or '')[:300]}
    try:
        user = invites.accept(token, request.form)
    except ValidationFailed as error:
        return _invite_page(invite, token, forms.translated_errors(error.errors), form, 422)
    except ServiceError as error:  # the e-mail became a user meanwhile
        return _invite_page(invite, token, {'_form': [forms.translated(error.message)]}, form,
                            error.status)
    if user is None:
        return _invite_refused()
    start_session(user)
    flash(gettext('Welcome to %(account)s! You are signed in as %(email)s.',
                  account=Account.get_by_id(user.account_id).name, email=user.email), 'info')
    return redirect(url_for('web.home'), code=303)


# -- password reset -----------------------------------------------------------------------

def _forgot_page(message=None, email=''):
    return render_template('password_forgot.html', message=message, email=email)


SENT = N_('If an account uses that e-mail, we have sent it a link to choose a new password. '
        'The link works once, for one hour.')


@bp.route('/password/forgot', methods=['GET', 'POST'])
@sign_in_limits.limited_form('password-reset')
def forgot_password():
    """Ask for a password-reset link: the same answer for every e-mail (no enumeration)."""
    if request.method != 'POST':
        return _forgot_page()
    found = password_resets.request_link(request.form.get('email'))
    if found is not None:
        user, token = found
        # A failed send is logged; the answer stays the same (it must not tell who exists).
        mails.send('password_reset', user.email, N_('Reset your Meetside password'),
                   reader=user, email=user.email, url=mails.link('web.reset_password', token))
    flash(gettext(SENT), 'info')
    return redirect(url_for('web.forgot_password'), code=303)


sign_in_limits.PAGES['web.forgot_password'] = lambda message: _forgot_page(
    message, (request.form.get('email') or '')[:254])


def _reset_refused():
    flash(gettext('This password-reset link has expired or was already used. '
                  'Ask for a new one.'), 'error')
    return redirect(url_for('web.forgot_password'), code=303)


@bp.route('/password/reset', methods=['GET', 'POST'])
def reset_password():
    """Choose a new password from an e-mailed link; every session of the user ends."""
    if request.method != 'POST':
        return private(render_template('link_open.html', action=url_for('web.reset_password'),
                                       title=gettext('Choose a new password')))
    token = _token()
    user = password_resets.holder(token)
    if user is None:
        return _reset_refused()
    if request.form.get('step') != 'reset':
        return private(render_template('password_reset.html', email=user.email, token=token,
                                       errors={}))
    try:
        user = password_resets.reset(token, request.form.get('password'),
                                     request.form.get('confirm'))
    except ValidationFailed as error:
        return private(render_template('password_reset.html', email=user.email, token=token,
                                       errors=forms.translated_errors(error.errors)), 422)
    if user is None:
        return _reset_refused()
    magic_links.record_sign_in(user)
    start_session(user)
    flash(gettext('Your new password is saved, and you are signed in. '
                  'Every other session ended.'), 'info')
    return redirect(url_for('web.home'), code=303)
