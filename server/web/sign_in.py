"""Signing in and out: e-mail + password, or a magic link printed by the CLI."""
from flask import (current_app, flash, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext, ngettext, refresh
from flask_limiter.errors import RateLimitExceeded

from server.auth import end_sessions, start_session as _start_session
from server.services import users
from server.web import bp, magic_links
from server.web.redirects import safe_next
from server.web import sign_in_limits
from server.web.sign_in_limits import limited


@bp.route('/sign-in', methods=['GET', 'POST'])
@limited
def sign_in():
    """Sign in with e-mail and password."""
    next_url = safe_next(request.values.get('next'), url_for('web.home'))
    if request.method == 'GET' and g.web_user is not None:
        return redirect(next_url)
    email = (request.form.get('email') or '').strip()
    if request.method == 'POST':
        user = users.check_password(email, request.form.get('password'))
        if user is not None:
            magic_links.record_sign_in(user)
            _start_session(user)
            return redirect(next_url)
        flash(gettext('Wrong e-mail or password.'), 'error')
        return render_template('sign_in.html', email=email, next_url=next_url), 401
    return render_template('sign_in.html', email=email, next_url=next_url)


@bp.errorhandler(RateLimitExceeded)
def _too_many_attempts(error):
    """The sign-in form again, saying why it refuses and for how long (flask-limiter adds
    Retry-After and the X-RateLimit-* headers)."""
    minutes = sign_in_limits.minutes_to_wait()
    page = sign_in_limits.PAGES.get(request.endpoint)
    if page is not None:
        return page(ngettext('Too many attempts. Wait %(num)d minute, then try again.',
                             'Too many attempts. Wait %(num)d minutes, then try again.',
                             minutes)), 429
    flash(ngettext('Too many sign-in attempts. Wait %(num)d minute, then try again.',
                   'Too many sign-in attempts. Wait %(num)d minutes, then try again.', minutes),
          'error')
    email = (request.form.get('email') or '').strip()
    next_url = safe_next(request.values.get('next'), url_for('web.home'))
    return render_template('sign_in.html', email=email, next_url=next_url), 429


def _link_refused():
    flash(gettext('This sign-in link has expired or was already used. '
                  'Sign in with your password, or ask for a new link.'), 'error')
    return redirect(url_for('web.sign_in'))


def link_url(public_url, token):
    """The sign-in link for ``token``: the token rides in the URL fragment, which browsers never
    send, so it appears in no server's, proxy's or access log's record of the request."""
    return public_url.rstrip('/') + url_for('web.sign_in_link') + '#token=' + token


def _private(page):
    response = make_response(page)
    # The link is a credential until used: keep it out of caches and Referer headers.
    response.headers['Cache-Control'] = 'no-store'
    response.headers['Referrer-Policy'] = 'no-referrer'
    return response


@bp.route('/sign-in/link', methods=['GET', 'POST'])
def sign_in_link():
    """Sign in with a single-use link from `flask web sign-in-link`.

    GET serves a page whose script (link-token.js) posts the fragment's token back. That POST
    only asks "Sign in as ...?": mail scanners and link previews fetch links, and must not spend
    them. Its button POSTs again with ``step=confirm``, which spends the link. Both carry the
    session's CSRF token (set by the GET), so another site cannot sign a visitor into the
    sender's account with a link of its own.
    """
    secret_key = current_app.config['SECRET_KEY']
    if request.method != 'POST':  # HEAD too: it skips the CSRF check, so it must not spend
        return _private(render_template('sign_in_link.html', email=None, token=''))
    token = request.form.get('token', '')
    if request.form.get('step') != 'confirm':
        user = magic_links.holder(secret_key, token)
        if user is None:
            return _link_refused()
        return _private(render_template('sign_in_link.html', email=user.email, token=token))
    user = magic_links.redeem(secret_key, token)
    if user is None:
        return _link_refused()
    _start_session(user)
    g.web_user = user
    refresh()  # the message in the language of the user just signed in
    flash(gettext('Signed in as %(email)s.', email=user.email), 'info')
    return redirect(url_for('web.home'), code=303)


@bp.route('/sign-out', methods=['POST'])
def sign_out():
    """Sign out: end the session on the server, not just in this browser."""
    if g.web_user is not None:
        end_sessions(g.web_user)
    session.clear()
    flash(gettext('You are signed out.'), 'info')
    return redirect(url_for('web.sign_in'))
