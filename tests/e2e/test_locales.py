"""Every screen string comes from _locales: the panel in Traditional Chinese and in English."""
import json
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, screenshot

pytestmark = pytest.mark.e2e


def messages(folder):
    with open(ROOT / '_locales' / folder / 'messages.json', encoding='utf-8') as f:
        return {key: value['message'] for key, value in json.load(f).items()}


def test_both_locales_define_the_same_messages():
    assert messages('en').keys() == messages('zh_TW').keys()


def check_panel(extension, server, world, folder):
    text = messages(folder)
    panel = extension.open_panel()
    signed_out = panel.locator('[data-state="signed-out"]')
    signed_out.wait_for()
    assert text['signedOutTitle'] in signed_out.inner_text()
    assert panel.get_by_role('button', name=text['signIn']).is_visible()

    extension.sign_in(server, world.token)  # the panel reloads itself on the new token
    panel.wait_for_selector('button.meeting')
    assert panel.locator('h1').inner_text() == text['panelTitle']
    assert panel.locator('h2.day').first.inner_text().lower() == text['today'].lower()
    demo = panel.locator('button.meeting', has_text='Globex product demo').inner_text()
    assert text['attendeeMany'].replace('$ARG1$', '3') in demo
    assert panel.locator('input.search').get_attribute('placeholder') == text['searchPlaceholder']
    return panel


def test_panel_in_traditional_chinese(new_extension, server, world):
    # Debian ships Chromium's other UI languages apart; without them every locale is en-US.
    assert Path('/usr/lib/chromium/locales/zh-TW.pak').exists(), \
        'Chromium has no zh-TW UI: apt-get install chromium-l10n'
    extension = new_extension('zh-TW')
    assert extension.worker.evaluate('chrome.i18n.getUILanguage()') == 'zh-TW'
    panel = check_panel(extension, server, world, 'zh_TW')
    assert '3 位與會者' in panel.inner_text('main')
    assert panel.evaluate('document.documentElement.lang') == 'zh-TW'
    screenshot(panel, 'meetings-list-zh-TW')
    assert not extension.errors, extension.errors


def test_panel_in_english(extension, server, world):
    assert extension.worker.evaluate('chrome.i18n.getUILanguage()').startswith('en')
    panel = check_panel(extension, server, world, 'en')
    assert '3 attendees' in panel.inner_text('main')
