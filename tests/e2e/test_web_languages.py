"""Issue 13 §3 in real Chromium: the web pages in Traditional Chinese.

A zh-TW browser gets the sign-in page in Chinese (Accept-Language); once signed in, the
profile's language decides, and Settings › Profile switches it from the next page on.
The contact page is checked with axe-core and, with E2E_SCREENSHOTS=1, saved for the README.
"""
import os

import pytest

from server.db import db
from server.models import User
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PASSWORD, SCREENSHOTS

pytestmark = pytest.mark.e2e


def web_screenshot(page, name):
    """A desktop-wide picture of a web page when E2E_SCREENSHOTS=1 (the panel's are 360 px)."""
    if os.environ.get('E2E_SCREENSHOTS') == '1':
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({'width': 1100, 'height': 820})
        page.screenshot(path=str(SCREENSHOTS / f'{name}.png'))


def test_issue13_web_pages_in_traditional_chinese(new_extension, server, world):
    browser = new_extension('zh-TW')
    page = browser.context.new_page()
    page.goto(f'{server.url}/sign-in')
    assert page.evaluate('document.documentElement.lang') == 'zh-TW'  # the browser's language
    page.get_by_label('電子郵件').fill(world.rep.email)
    page.get_by_label('密碼').fill(PASSWORD)
    page.get_by_role('button', name='登入').click()
    page.wait_for_url(f'{server.url}/')
    # The profile says English (the default): it wins over the browser once signed in.
    assert page.evaluate('document.documentElement.lang') == 'en'
    assert 'Your upcoming meetings' in page.inner_text('main')

    page.goto(f'{server.url}/settings/profile')
    page.get_by_label('語言', exact=False).or_(page.get_by_label('Language')).select_option('zh-TW')
    page.get_by_role('button', name='Save').click()
    page.wait_for_url(f'{server.url}/settings/profile')
    assert page.evaluate('document.documentElement.lang') == 'zh-TW'
    assert '已儲存您的個人資料。' in page.inner_text('main')
    with db.connection_context():
        assert User.get_by_id(world.rep.id).language == 'zh-TW'

    page.goto(f'{server.url}/contacts/{world.pat.id}')
    main = page.inner_text('main')
    assert '排定會議' in main and '時間軸' in main and '與會者' in main
    assert 'Schedule meeting' not in main
    assert page.get_by_role('link', name='聯絡人', exact=True).is_visible()  # the main navigation
    assert_accessible(page, 'contact page (zh-TW)')
    web_screenshot(page, 'web-contact-zh-TW')
    page.close()
    assert not browser.errors, browser.errors
