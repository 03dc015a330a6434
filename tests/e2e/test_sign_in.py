"""Signing the extension in through the server's own pages: no token is ever copy-pasted."""
import pytest
import requests

from tests.e2e.conftest import PASSWORD, screenshot

pytestmark = pytest.mark.e2e

OPTIONS = 'extension/options/index.html'


def stored_token(extension):
    return extension.storage('chrome.storage.local.get("token").then(s => s.token ?? null)')


def sign_in_on_the_server(extension, server, options):
    """Click the options page's Sign in; pass the server's own sign-in page in the new tab."""
    with extension.context.expect_page() as opened:
        options.get_by_role('button', name='Sign in').click()
    tab = opened.value
    tab.wait_for_url(lambda url: url.startswith(f'{server.url}/sign-in?next='))
    tab.fill('input[name=email]', 'rita@acme.example')
    tab.fill('input[name=password]', PASSWORD)
    tab.get_by_role('button', name='Sign in').click()
    return tab


def test_options_page_signs_in_through_the_server_and_keeps_the_token_in_storage(extension, server, world):
    options = extension.context.new_page()
    options.goto(extension.url(OPTIONS))
    options.fill('#server-url', server.url + '/')
    options.get_by_role('button', name='Save').click()
    options.get_by_text('Saved.').wait_for()
    assert options.input_value('#server-url') == server.url
    assert 'Not signed in.' in options.inner_text('#account-status')
    screenshot(options, 'options')

    tab = sign_in_on_the_server(extension, server, options)
    tab.get_by_text('Allow Meetside for Chrome').first.wait_for()
    assert 'rita@acme.example' in tab.inner_text('main')
    tab.get_by_role('button', name='Allow').click()

    tab.wait_for_url(extension.url('extension/options/signed-in.html'))
    tab.wait_for_selector('body[data-result="ok"]')
    assert 'You are signed in' in tab.inner_text('body')
    assert tab.evaluate('location.hash') == ''  # the token does not stay in the URL or history
    token = stored_token(extension)
    me = requests.get(server.url + '/api/v1/me', headers={'Authorization': f'Bearer {token}'}, timeout=5)
    assert me.json()['user']['email'] == 'rita@acme.example'

    # The options page updates itself, and the panel now shows the meetings.
    options.get_by_text('Signed in as rita@acme.example (Acme).').wait_for()
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')


def test_a_token_the_extension_did_not_ask_for_is_refused(extension, server, world):
    """Login CSRF: a page sending the browser to our callback with its own token gets nowhere."""
    page = extension.context.new_page()
    page.goto(extension.url(f'extension/options/signed-in.html#token={world.colleague_token}&state=forged-state'))
    page.wait_for_selector('body[data-result="failed"]')
    assert stored_token(extension) is None


def sign_in_from_the_options_page(extension, server):
    """Point the extension at ``server``, click Sign in on its options page and pass the
    server's sign-in page; return (options page, the tab asking to allow the extension)."""
    extension.storage(f'chrome.storage.local.set({{serverUrl: "{server.url}"}})')
    options = extension.context.new_page()
    options.goto(extension.url(OPTIONS))
    return options, sign_in_on_the_server(extension, server, options)


def test_cancel_on_the_server_leaves_the_extension_signed_out(extension, server, world):
    _, tab = sign_in_from_the_options_page(extension, server)
    tab.get_by_role('button', name='Cancel').click()
    tab.wait_for_selector('body[data-result="failed"]')
    assert stored_token(extension) is None



def signed_in_token(extension, server):
    """Sign ``extension`` in from its options page, the whole way; return its stored token."""
    extension.context.clear_cookies()  # the same steps each time: the server's sign-in page too
    options, tab = sign_in_from_the_options_page(extension, server)
    tab.get_by_role('button', name='Allow').click()
    tab.wait_for_selector('body[data-result="ok"]')
    options.close()
    tab.close()
    return stored_token(extension)


def works(server, token):
    return requests.get(server.url + '/api/v1/me', headers={'Authorization': f'Bearer {token}'},
                        timeout=5).status_code == 200


def test_a_second_chrome_profile_stays_signed_in_whatever_the_first_one_does(
        extension, new_extension, server, world):
    first = signed_in_token(extension, server)
    second_profile = new_extension()
    second = signed_in_token(second_profile, server)
    assert works(server, first) and works(server, second)  # neither signed the other out

    # The first profile lost its token (as when its server URL was changed and back) and
    # signs in again: its own earlier token is replaced, and only that one.
    extension.storage('chrome.storage.local.remove("token")')
    first_again = signed_in_token(extension, server)
    assert first_again != first and not works(server, first)
    assert works(server, first_again) and works(server, second)


def test_sign_out_revokes_the_token_on_the_server(extension, server, world):
    token = signed_in_token(extension, server)
    options = extension.context.new_page()
    options.goto(extension.url(OPTIONS))
    options.get_by_role('button', name='Sign out').click()
    options.get_by_role('button', name='Sign in').wait_for()
    assert stored_token(extension) is None
    assert not works(server, token)  # not merely forgotten: a copy of it is worthless too
