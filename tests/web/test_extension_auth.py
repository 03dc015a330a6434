"""The extension's sign-in handoff: /extension/authorize hands a token only to the extension."""
from urllib.parse import parse_qs, urlsplit

import pytest

from server.config import EXTENSION_ORIGIN
from server.db import db
from server.models import ApiToken
from server.services import tokens
from server.web.extension_auth import is_extension_redirect

EXT_ID = EXTENSION_ORIGIN.split('://')[1]
CALLBACK = f'chrome-extension://{EXT_ID}/extension/options/signed-in.html'
STATE = 'b6f1a2c4-0d3e-4a57-9a77-2f1f3c0e9d11'


@pytest.mark.parametrize('uri', [
    CALLBACK,
    f'chrome-extension://{EXT_ID}/',
    f'https://{EXT_ID}.chromiumapp.org/',
    f'https://{EXT_ID}.chromiumapp.org/callback',
])
def test_extension_pages_are_allowed_redirects(app, uri):
    with app.app_context():
        assert is_extension_redirect(uri, None)


@pytest.mark.parametrize('uri', [
    '', 'https://evil.example/steal', 'http://127.0.0.1:5000/', '/relative',
    'chrome-extension://abcdefghijklmnopabcdefghijklmnop/page.html',  # another extension
    f'http://{EXT_ID}.chromiumapp.org/',  # not https
    f'https://{EXT_ID}.chromiumapp.org.evil.example/',
    f'https://evil.example/?x={EXT_ID}.chromiumapp.org',
    f'https://x.{EXT_ID}.chromiumapp.org/',
    f'https://{EXT_ID}.chromiumapp.org:8443/',
    f'https://user@{EXT_ID}.chromiumapp.org/',
    f'{CALLBACK}#token=planted',
    f'{CALLBACK}\n',
    'javascript:alert(1)',
    'chrome-extension://' + EXT_ID + '.evil.example/',
])
def test_any_other_redirect_is_refused(app, uri):
    with app.app_context():
        assert not is_extension_redirect(uri, None)


def test_only_configured_extension_ids_are_allowed(app):
    with app.app_context():
        assert not is_extension_redirect(CALLBACK, ['chrome-extension://abcdefghijklmnopabcdefghijklmnop'])
        assert is_extension_redirect(CALLBACK, [f'chrome-extension://{EXT_ID}'])


def authorize_url(redirect_uri=CALLBACK, state=STATE):
    from urllib.parse import urlencode
    return '/extension/authorize?' + urlencode({'redirect_uri': redirect_uri, 'state': state})


def test_anonymous_visitors_sign_in_first_and_come_back(anonymous):
    response = anonymous.get(authorize_url())
    assert response.status_code == 302
    location = urlsplit(response.headers['Location'])
    assert location.path == '/sign-in'
    assert parse_qs(location.query)['next'][0] == authorize_url()


def test_the_signed_in_user_is_asked_to_allow(browser):
    response = browser.get(authorize_url())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'Allow Meetside for Chrome' in page and browser.user.email in page
    with db.connection_context():
        assert ApiToken.select().count() == 0  # nothing issued by merely looking


def test_allow_redirects_to_the_extension_with_a_working_token(browser):
    response = browser.post('/extension/authorize', data={
        'redirect_uri': CALLBACK, 'state': STATE, 'decision': 'allow'})
    assert response.status_code == 303
    location = response.headers['Location']
    assert location.startswith(CALLBACK + '#')
    fragment = parse_qs(urlsplit(location).fragment)
    assert fragment['state'] == [STATE]
    with db.connection_context():
        assert tokens.authenticate(fragment['token'][0]).id == browser.user.id
        assert [t.name for t in ApiToken.select()] == ['Chrome extension']


def test_cancel_returns_access_denied_and_issues_nothing(browser):
    response = browser.post('/extension/authorize', data={
        'redirect_uri': CALLBACK, 'state': STATE, 'decision': 'deny'})
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers['Location']).fragment) == {
        'error': ['access_denied'], 'state': [STATE]}
    with db.connection_context():
        assert ApiToken.select().count() == 0


@pytest.mark.parametrize('redirect_uri,state', [
    ('https://evil.example/steal', STATE),
    (CALLBACK, ''),
    (CALLBACK, 'short'),
    (CALLBACK, 'has spaces in it'),
])
def test_a_bad_request_is_a_400_page_and_never_a_redirect(browser, redirect_uri, state):
    for response in (browser.get(authorize_url(redirect_uri, state)),
                     browser.post('/extension/authorize', data={
                         'redirect_uri': redirect_uri, 'state': state, 'decision': 'allow'})):
        assert response.status_code == 400
        assert 'Location' not in response.headers
    with db.connection_context():
        assert ApiToken.select().count() == 0


def test_allow_without_the_csrf_token_is_refused(browser):
    response = browser.post('/extension/authorize', csrf=False, data={
        'redirect_uri': CALLBACK, 'state': STATE, 'decision': 'allow'})
    assert response.status_code == 400
    with db.connection_context():
        assert ApiToken.select().count() == 0


def allow(browser, installation=None, user_agent=None):
    data = {'redirect_uri': CALLBACK, 'state': STATE, 'decision': 'allow'}
    if installation is not None:
        data['installation'] = installation
    headers = {'User-Agent': user_agent} if user_agent else {}
    response = browser.post('/extension/authorize', data=data, headers=headers)
    return parse_qs(urlsplit(response.headers['Location']).fragment)['token'][0]


LAPTOP, DESKTOP = '3f0c9a52-5d7e-4e0b-9a51-0c2f8e6b1d01', '9b1e7c44-2a6f-4c1d-8e3a-5f7d0b2c9e02'
LINUX_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36'
MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36'


def test_signing_in_again_replaces_only_that_installations_token(browser):
    """Two browsers (or two Chrome profiles) of one rep stay signed in side by side."""
    laptop = allow(browser, LAPTOP, MAC_CHROME)
    desktop = allow(browser, DESKTOP, LINUX_CHROME)
    laptop_again = allow(browser, LAPTOP, MAC_CHROME)
    with db.connection_context():
        assert tokens.authenticate(laptop) is None
        assert tokens.authenticate(desktop).id == browser.user.id
        assert tokens.authenticate(laptop_again).id == browser.user.id
        active = ApiToken.select().where(ApiToken.revoked_at.is_null()).order_by(ApiToken.id)
        assert [(t.name, t.installation) for t in active] == [
            ('Chrome extension on Linux', DESKTOP), ('Chrome extension on macOS', LAPTOP)]


def test_an_installation_never_replaces_tokens_issued_without_one(browser):
    """A token from before installations were sent may belong to any browser: it stays."""
    legacy = allow(browser)
    allow(browser, LAPTOP)
    with db.connection_context():
        assert tokens.authenticate(legacy).id == browser.user.id


def test_the_allow_form_carries_the_installation_to_the_post(browser):
    from urllib.parse import urlencode
    page = browser.get('/extension/authorize?' + urlencode(
        {'redirect_uri': CALLBACK, 'state': STATE, 'installation': LAPTOP}))
    assert f'name="installation" value="{LAPTOP}"' in page.get_data(as_text=True)


@pytest.mark.parametrize('user_agent, name', [
    (LINUX_CHROME, 'Chrome extension on Linux'),
    (MAC_CHROME, 'Chrome extension on macOS'),
    ('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/156.0', 'Chrome extension on Windows'),
    ('Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) Chrome/156.0', 'Chrome extension on ChromeOS'),
    ('', 'Chrome extension'),
])
def test_the_token_is_named_after_the_browsers_platform(user_agent, name):
    from server.web.extension_auth import token_name
    assert token_name(user_agent) == name


def test_signing_the_extension_in_again_revokes_its_earlier_token(browser):
    """Tokens do not pile up: only the newest extension token signs anything in."""
    with db.connection_context():
        _, cli_token = tokens.issue(browser.user, name='cli')
    first, second = allow(browser), allow(browser)
    with db.connection_context():
        assert tokens.authenticate(first) is None
        assert tokens.authenticate(second).id == browser.user.id
        assert tokens.authenticate(cli_token).id == browser.user.id  # other tokens untouched
        active = [t.name for t in ApiToken.select().where(ApiToken.revoked_at.is_null())]
        assert sorted(active) == ['Chrome extension', 'cli']
        assert ApiToken.select().where(ApiToken.name == 'Chrome extension').count() == 2


def test_signing_the_extension_in_leaves_other_users_extension_tokens_alone(browser, client):
    from tests.web.conftest import make_user
    other = make_user('olga@globex.example', 'Globex')
    with db.connection_context():
        _, theirs = tokens.issue(other, name='Chrome extension')
    allow(browser)
    with db.connection_context():
        assert tokens.authenticate(theirs).id == other.id


@pytest.mark.parametrize('installation', ['short', 'has spaces in it', 'x' * 65, '<script>'])
def test_a_malformed_installation_is_a_400_and_issues_nothing(browser, installation):
    response = browser.post('/extension/authorize', data={
        'redirect_uri': CALLBACK, 'state': STATE, 'decision': 'allow', 'installation': installation})
    assert response.status_code == 400 and 'Location' not in response.headers
    with db.connection_context():
        assert ApiToken.select().count() == 0


def test_a_head_request_only_looks(browser):
    """HEAD skips the CSRF check, so it must be answered like GET: no token, no redirect."""
    response = browser.client.head(authorize_url())
    assert response.status_code == 200 and 'Location' not in response.headers
    with db.connection_context():
        assert ApiToken.select().count() == 0
