"""Issue 9 §5: the toolbar icon outside Gmail opens a small page saying the assistant lives in
Gmail, with a link; on Gmail it opens the side panel (no popup in the way)."""
import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.test_gmail_launcher import GMAIL_HTML

pytestmark = pytest.mark.e2e

POPUP = 'extension/popup/outside-gmail.html'

ACTIVE_TAB_POPUP = """async () => {
  const [tab] = await chrome.tabs.query({active: true, lastFocusedWindow: true});
  return chrome.action.getPopup({tabId: tab.id});
}"""


def popup_of(extension, page):
    page.bring_to_front()
    page.wait_for_timeout(300)  # the worker's tab-update handler has run
    return extension.worker.evaluate(ACTIVE_TAB_POPUP)


def test_issue9_toolbar_icon_outside_gmail_shows_the_lives_in_gmail_page(extension, server):
    extension.context.route('https://mail.google.com/**', lambda route: route.fulfill(
        body=GMAIL_HTML, content_type='text/html'))
    try:
        elsewhere = extension.context.new_page()
        elsewhere.goto(f'{server.url}/sign-in')
        assert popup_of(extension, elsewhere) == extension.url(POPUP)
        gmail = extension.context.new_page()
        gmail.goto('https://mail.google.com/mail/u/0/#inbox')
        assert popup_of(extension, gmail) == ''  # the click opens the side panel there

        page = extension.context.new_page()
        page.goto(extension.url(POPUP))
        page.get_by_role('heading', name='The meeting assistant lives in Gmail').wait_for()
        assert_accessible(page, 'outside-Gmail popup')
        link = page.get_by_role('link', name='Open Gmail')
        assert link.get_attribute('href') == 'https://mail.google.com/'
        with extension.context.expect_page() as opened:
            link.click()
        opened.value.wait_for_load_state()
        # A tab the extension opened may skip Playwright's routing (no internet here): its
        # tab still names the address it was opened at.
        urls = extension.worker.evaluate('async () => (await chrome.tabs.query({})).map((t) => t.url || t.pendingUrl)')
        assert 'https://mail.google.com/' in urls, urls
    finally:
        extension.context.unroute('https://mail.google.com/**')
