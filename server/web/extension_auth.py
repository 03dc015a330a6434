"""Sign the Chrome extension in without a copy-pasted token.

The extension opens /extension/authorize?redirect_uri=...&state=...; after the web sign-in the
user confirms, and the browser is sent to the extension's own page with #token=...&state=...
Only the extension's own pages may receive a token: chrome-extension://<id>/... or
https://<id>.chromiumapp.org/... (chrome.identity) for an id listed in EXTENSION_ORIGINS.
"""
import re
from urllib.parse import urlencode, urlsplit

from flask import abort, current_app, g, redirect, render_template, request

from server.auth import login_required
from server.services import tokens
from server.translatable import N_
from server.web import bp

STATE_PATTERN = re.compile(r'^[A-Za-z0-9_-]{8,200}$')
# The extension's random id for its browser profile (a UUID today); see tokens.issue_replacing.
INSTALLATION_PATTERN = re.compile(r'^[A-Za-z0-9_-]{8,64}$')
TOKEN_NAME = 'Chrome extension'
# User-Agent markers, most specific first, so Settings › API tokens tells devices apart.
PLATFORMS = (('CrOS', 'ChromeOS'), ('Android', 'Android'), ('Windows', 'Windows'),
             ('Macintosh', 'macOS'), ('Linux', 'Linux'))


def extension_ids(origins):
    """The extension ids among the configured origins (chrome-extension://<id>)."""
    return {origin.split('://', 1)[1].strip('/') for origin in origins
            if origin.startswith('chrome-extension://')}


def is_extension_redirect(uri, origins):
    """True only for a page of an allowed extension: never an arbitrary URL."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000:
        return False
    if any(ord(ch) < 33 or ord(ch) == 127 or ch == '\\' for ch in uri):
        return False
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    # The token travels in the fragment we add; a fragment of their own has no business here.
    if parts.fragment or '#' in uri or parts.username or parts.password or port is not None:
        return False
    ids = extension_ids(current_app.config['EXTENSION_ORIGINS'] if origins is None else origins)
    if parts.scheme == 'chrome-extension':
        return parts.netloc in ids
    if parts.scheme == 'https' and parts.netloc.endswith('.chromiumapp.org'):
        return parts.netloc[:-len('.chromiumapp.org')] in ids
    return False


def token_name(user_agent):
    """'Chrome extension on Linux': the token's name as Settings › API tokens lists it."""
    platform = next((label for marker, label in PLATFORMS if marker in (user_agent or '')), None)
    return f'{TOKEN_NAME} on {platform}' if platform else TOKEN_NAME


def _checked_request():
    redirect_uri = request.values.get('redirect_uri', '')
    state = request.values.get('state', '')
    # None from an extension older than installations: its token replaces the unnamed ones.
    installation = request.values.get('installation') or None
    if not is_extension_redirect(redirect_uri, None):
        abort(400, description=N_('This sign-in link does not come from the Meetside extension.'))
    if not STATE_PATTERN.match(state) or (
            installation is not None and not INSTALLATION_PATTERN.match(installation)):
        abort(400, description=N_('This sign-in link is incomplete. Start again from the extension.'))
    return redirect_uri, state, installation


def _back_to_extension(redirect_uri, **fragment):
    return redirect(redirect_uri + '#' + urlencode(fragment), code=303)


@bp.route('/extension/authorize', methods=['GET', 'POST'])
@login_required
def extension_authorize():
    """Ask the signed-in user to allow the extension, then hand it an API token."""
    redirect_uri, state, installation = _checked_request()
    if request.method != 'POST':  # GET or HEAD (which the CSRF check lets through)
        return render_template('extension_authorize.html', redirect_uri=redirect_uri, state=state,
                               installation=installation)
    if request.form.get('decision') != 'allow':
        return _back_to_extension(redirect_uri, error='access_denied', state=state)
    # Signing in again replaces this installation's earlier token rather than piling up
    # another; the extension in another browser or profile stays signed in.
    name = token_name(request.user_agent.string) if installation else TOKEN_NAME
    _, plaintext = tokens.issue_replacing(g.web_user, name, installation)
    return _back_to_extension(redirect_uri, token=plaintext, state=state)
