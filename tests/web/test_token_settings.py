"""Settings › API tokens: the user sees and revokes their own tokens, and only their own."""
import datetime
import re

from server.db import db
from server.models import ApiToken, utcnow
from server.services import tokens
from tests.web.conftest import Browser, make_user


def issue(user, name):
    with db.connection_context():
        return tokens.issue(user, name=name)


def row(page, token_id):
    """The table row of one token."""
    return re.search(rf'<tr data-token-id="{token_id}".*?</tr>', page, re.S).group(0)


def status_of(token_id):
    with db.connection_context():
        return 'revoked' if ApiToken.get_by_id(token_id).revoked_at else 'active'


def test_the_page_lists_the_users_tokens_without_the_secrets(browser, rep):
    cli, cli_plaintext = issue(rep, 'cli')
    extension, ext_plaintext = issue(rep, 'Chrome extension')
    with db.connection_context():
        ApiToken.update(last_used_at=utcnow() - datetime.timedelta(hours=2)).where(
            ApiToken.id == cli.id).execute()
        tokens.revoke(rep, token_id=extension.id)
    page = browser.get('/settings/tokens').get_data(as_text=True)
    rows = dict(re.findall(r'data-token-id="(\d+)" data-status="(\w+)"', page))
    assert rows == {str(cli.id): 'active', str(extension.id): 'revoked'}
    cli_row, extension_row = row(page, cli.id), row(page, extension.id)
    assert '<td>cli</td>' in cli_row and 'Never' not in cli_row  # it was used
    assert '<td>Chrome extension</td>' in extension_row and 'Never' in extension_row
    assert 'Revoke</button>' in cli_row and 'Revoke</button>' not in extension_row
    with db.connection_context():
        stored = [(t.token_hash, t.prefix) for t in ApiToken.select()]
    for plaintext in (cli_plaintext, ext_plaintext):
        assert plaintext not in page and plaintext[len(tokens.TOKEN_PREFIX):][:8] not in page
    for token_hash, _ in stored:
        assert token_hash not in page


def test_another_users_tokens_are_not_listed(browser, rep, app):
    other = make_user('olga@globex.example', 'Globex')
    theirs, _ = issue(other, 'their laptop')
    page = browser.get('/settings/tokens').get_data(as_text=True)
    assert 'their laptop' not in page and f'data-token-id="{theirs.id}"' not in page
    assert 'You have no API tokens.' in page


def test_revoke_turns_the_token_off(browser, rep):
    token, plaintext = issue(rep, 'cli')
    response = browser.post(f'/settings/tokens/{token.id}/revoke')
    assert response.status_code == 303 and response.headers['Location'].endswith('/settings/tokens')
    assert status_of(token.id) == 'revoked'
    with db.connection_context():
        assert tokens.authenticate(plaintext) is None
    page = browser.get('/settings/tokens').get_data(as_text=True)
    assert 'Revoked the token “cli”' in page and '>Revoke</button>' not in page
    # A second click (a resubmitted form) is no error and changes nothing.
    assert browser.post(f'/settings/tokens/{token.id}/revoke').status_code == 303


def test_revoking_another_users_token_is_a_404_and_leaves_it_working(browser, rep):
    other = make_user('olga@globex.example', 'Globex')
    theirs, plaintext = issue(other, 'their laptop')
    response = browser.post(f'/settings/tokens/{theirs.id}/revoke')
    assert response.status_code == 404
    assert status_of(theirs.id) == 'active'
    with db.connection_context():
        assert tokens.authenticate(plaintext).id == other.id
    assert browser.post('/settings/tokens/999999/revoke').status_code == 404
    assert browser.post(f'/settings/tokens/{2**63}/revoke').status_code == 404


def test_revoke_needs_the_csrf_token_and_a_post(browser, rep):
    token, _ = issue(rep, 'cli')
    assert browser.post(f'/settings/tokens/{token.id}/revoke', csrf=False).status_code == 400
    assert browser.get(f'/settings/tokens/{token.id}/revoke').status_code == 405
    assert status_of(token.id) == 'active'


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, rep):
    token, _ = issue(rep, 'cli')
    response = anonymous.get('/settings/tokens')
    assert response.status_code == 302 and '/sign-in' in response.headers['Location']
    response = anonymous.post(f'/settings/tokens/{token.id}/revoke')
    assert response.status_code == 302 and '/sign-in' in response.headers['Location']
    assert status_of(token.id) == 'active'


def test_settings_navigation_links_both_pages(browser):
    for path in ('/settings/calendar', '/settings/tokens'):
        page = browser.get(path).get_data(as_text=True)
        assert 'href="/settings/calendar"' in page and 'href="/settings/tokens"' in page
        assert f'href="{path}" class="active" aria-current="page"' in page


def test_a_second_browser_signed_in_as_someone_else_sees_only_theirs(client, rep, app):
    other = make_user('olga@globex.example', 'Globex')
    issue(rep, 'rita cli')
    issue(other, 'olga cli')
    page = Browser(client, other).get('/settings/tokens').get_data(as_text=True)
    assert 'olga cli' in page and 'rita cli' not in page
