"""CSRF protection for the web forms: a per-session token every POST must echo back."""
import hmac
import secrets

from flask import abort, request, session

from server.translatable import N_

FIELD = 'csrf_token'


def token():
    """The session's CSRF token (created on first use); templates put it in every form."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def check():
    """before_request for web pages: refuse a state-changing request without the token."""
    if request.method in ('GET', 'HEAD', 'OPTIONS'):
        return
    expected = session.get(FIELD)
    sent = request.form.get(FIELD, '')
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        abort(400, description=N_('Your form has expired. Reload the page and try again.'))
