"""Issue 8 §4 in real Chromium: the web pages' scripts run under their Content-Security-Policy
(no inline script): the sign-in link's fragment is posted by link-token.js, and Delete
meeting asks first (confirm.js). Any CSP violation fails the test."""
import pytest

from server.models import Meeting
from server.web import magic_links

pytestmark = pytest.mark.e2e


def watch_csp(page):
    violations = []
    page.on('console', lambda message: violations.append(message.text)
            if 'Content Security Policy' in message.text else None)
    return violations


def test_issue8_a_sign_in_link_signs_in_under_the_csp_and_leaves_no_token_in_the_url(
        extension, server, world):
    token = magic_links.issue('e2e-secret', world.rep)  # the live server's SECRET_KEY
    page = extension.context.new_page()
    violations = watch_csp(page)
    page.goto(f'{server.url}/sign-in/link#token={token}')
    page.get_by_role('button', name=f'Sign in as {world.rep.email}').wait_for()
    assert token not in page.url  # the script took it out of the address bar
    page.get_by_role('button', name=f'Sign in as {world.rep.email}').click()
    page.wait_for_url(f'{server.url}/')
    assert 'Sign out' in page.inner_text('header')  # signed in
    assert violations == []

    # Delete meeting asks first; dismissing keeps the meeting.
    page.goto(f'{server.url}/meetings/{world.demo.id}')
    asked = []
    page.once('dialog', lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role('button', name='Delete meeting').click()
    page.wait_for_timeout(300)
    assert asked == ['Delete this meeting from the CRM?']
    assert Meeting.get_or_none(Meeting.id == world.demo.id) is not None
    assert violations == []
    page.close()
