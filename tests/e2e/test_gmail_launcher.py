"""The Gmail launcher: the content script adds "Meetings", which opens the side panel (R16)."""
import pytest

from tests.e2e.conftest import PANEL, expect_panel_document, panel_documents, screenshot

pytestmark = pytest.mark.e2e

GMAIL_HTML = """<!doctype html><html><head><title>Inbox - rita@acme.example - Gmail</title></head>
<body><div role="banner">Gmail</div><div role="main"><table><tr><td>Pat Buyer</td>
<td>Re: Globex product demo</td></tr></table></div></body></html>"""


def active_tab_panel_options(extension):
    """The side-panel options of the active tab (found without the "tabs" permission)."""
    return extension.worker.evaluate("""async () => {
      const [tab] = await chrome.tabs.query({active: true, lastFocusedWindow: true});
      return chrome.sidePanel.getOptions({tabId: tab.id});
    }""")


def test_r16_gmail_launcher_appears_and_opens_the_side_panel(extension, server, world):
    extension.sign_in(server, world.token)
    extension.context.route('https://mail.google.com/**', lambda route: route.fulfill(
        body=GMAIL_HTML, content_type='text/html'))
    try:
        gmail = extension.context.new_page()
        gmail.goto('https://mail.google.com/mail/u/0/#inbox')
        launcher = gmail.locator('#meetside-launcher')
        launcher.wait_for()
        assert launcher.inner_text() == 'Meetings'
        screenshot(gmail, 'gmail-launcher')
        assert panel_documents(extension) == {}
        # Enabled per tab: on Gmail, not on other sites (setOptions from the worker).
        gmail_options = active_tab_panel_options(extension)
        assert (gmail_options['enabled'], gmail_options['path']) == (True, PANEL)
        other = extension.context.new_page()
        other.goto(server.url + '/api/v1/health')
        assert active_tab_panel_options(extension)['enabled'] is False

        other.close()
        gmail.bring_to_front()
        launcher.click()
        # The worker answered the launcher only after chrome.sidePanel.open() resolved.
        gmail.wait_for_selector('#meetside-launcher[data-state="opened"]')
        # And Chromium now runs the panel document beside Gmail: it loaded and localised its title.
        expect_panel_document(extension)
    finally:
        extension.context.unroute('https://mail.google.com/**')
