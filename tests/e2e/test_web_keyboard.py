"""Issue 9 §5 and issue 13 on the web pages: every action is reached with Tab, shows a styled
focus ring and is a target at least 32 px high, as in the panel (tests/e2e/keyboard.py).
Links inside running text are exempt, as WCAG 2.5.8 exempts inline targets."""
import pytest

from tests.e2e.keyboard import assert_keyboard_ready
from tests.e2e.test_record_pages_accessibility import signed_in

pytestmark = pytest.mark.e2e

SIGNED_IN_PAGES = ('/', '/contacts', '/contacts/new', '/companies', '/deals',
                   '/tickets', '/settings/profile', '/settings/calendar', '/settings/account',
                   '/settings/meeting-types', '/settings/tokens')
SIGNED_OUT_PAGES = ('/sign-in', '/sign-up', '/password/forgot')


def test_issue9_web_pages_keyboard_reaches_every_action_with_a_ring_and_32px_targets(
        extension, server, world):
    page, _ = signed_in(extension, server, world)
    for path in SIGNED_IN_PAGES + (f'/contacts/{world.pat.id}', f'/meetings/{world.past.id}'):
        page.goto(server.url + path)
        assert_keyboard_ready(page, path, inline_links=False)
    page.context.clear_cookies()
    for path in SIGNED_OUT_PAGES:
        page.goto(server.url + path)
        assert_keyboard_ready(page, path, inline_links=False)
