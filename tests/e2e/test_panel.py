"""The side panel against the live server: R16-R21 screen by screen."""
import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from server.db import db
from server.models import CalendarConnection, Meeting
from tests.e2e.conftest import (assert_server_page, call, expect_panel_document, open_meeting,
                                screenshot)

pytestmark = pytest.mark.e2e


def local(naive_utc):
    """The rep's wall-clock time (Asia/Taipei) of a stored naive-UTC datetime."""
    return naive_utc.replace(tzinfo=datetime.timezone.utc).astimezone(zoneinfo.ZoneInfo('Asia/Taipei'))


def titles(page):
    return page.locator('button.meeting .title').all_inner_texts()


def test_r16_list_shows_today_first_then_next_days_in_the_users_zone(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    shown_ms = panel.evaluate("performance.getEntriesByName('meetings-list-shown')[0].startTime")
    print(f'\npanel time-to-meetings-list (first open, cold server): {shown_ms:.0f} ms')

    assert titles(panel) == ['Morning check-in', 'Globex product demo', 'Contract review']
    days = panel.locator('h2.day').all_inner_texts()
    local_dates = {local(m.start).date() for m in (world.past, world.demo, world.later)}
    assert days[0].lower() == 'today' and len(days) == len(local_dates)
    # Today's past meeting is greyed; the coming one is not.
    assert panel.locator('button.meeting.past .title').all_inner_texts() == ['Morning check-in']
    demo = panel.locator('button.meeting', has_text='Globex product demo')
    start = local(world.demo.start)
    assert f'{start.hour % 12 or 12}:{start.minute:02d}' in demo.inner_text()  # Asia/Taipei, not UTC
    assert '3 attendees' in demo.inner_text()
    screenshot(panel, 'meetings-list')

    panel.fill('input.search', 'contract')
    expect(panel.locator('button.meeting')).to_have_count(1)
    assert titles(panel) == ['Contract review']
    panel.fill('input.search', 'no such meeting')
    panel.wait_for_selector('[data-state="empty"]')
    assert 'no such meeting' in panel.inner_text('[data-state="empty"]')
    screenshot(panel, 'meetings-empty')


def test_r16_list_refreshes_every_minute(new_extension, server, world):
    extension = new_extension()  # a fake clock stays installed on its whole browser context
    extension.sign_in(server, world.token)
    page = extension.context.new_page()
    page.clock.install()
    page.goto(extension.url('extension/sidepanel/index.html'))
    page.wait_for_selector('button.meeting')
    with db.connection_context():  # as if the calendar sync had just brought it in
        Meeting.create(account=world.rep.account_id, user=world.rep, title='Booked a moment ago',
                       start=world.demo.start + datetime.timedelta(hours=1),
                       end=world.demo.start + datetime.timedelta(hours=2), source='calendar')
    page.clock.run_for(59_000)
    assert 'Booked a moment ago' not in titles(page)
    page.clock.run_for(2_000)
    page.get_by_text('Booked a moment ago').wait_for()
    assert not extension.errors, extension.errors


def test_r16_the_browser_revalidates_the_list_instead_of_fetching_it_again(extension, server, world):
    """The list's ETag reaches Chromium's HTTP cache: a refresh asks with If-None-Match, which
    an unchanged list answers with a bodiless 304 (tests/services/test_meeting_list_cache.py)."""
    extension.sign_in(server, world.token)
    sent = []  # (If-None-Match the browser sent, ETag it got) per list request
    panel = extension.context.new_page()
    panel.on('response', lambda r: '/api/v1/meetings?' in r.url and sent.append(
        (r.request.all_headers().get('if-none-match'), r.all_headers().get('etag'))))
    panel.goto(extension.url('extension/sidepanel/index.html'))
    panel.wait_for_selector('button.meeting')
    shown = titles(panel)
    [(_, tag)] = sent  # (it may carry an older tag this profile kept from another test's list)
    # Wait for the refresh's own answer, not a fixed moment: on a busy machine it lands later.
    with panel.expect_response(lambda r: '/api/v1/meetings?' in r.url) as refreshed:
        panel.get_by_role('button', name='Refresh').click()
    again = refreshed.value
    expect(panel.locator('button.meeting')).to_have_count(len(shown))
    assert tag and again.request.all_headers().get('if-none-match') == tag
    assert again.all_headers().get('etag') == tag
    assert titles(panel) == shown


def test_r16_loading_skeleton_until_the_meetings_arrive(extension, server, world):
    extension.sign_in(server, world.token)
    held = []
    page = extension.context.new_page()
    page.route('**/api/v1/meetings?*', lambda route: held.append(route))  # hold the list
    page.goto(extension.url('extension/sidepanel/index.html'))
    page.locator('.skeleton[aria-busy="true"]').wait_for()
    screenshot(page, 'loading')
    assert page.locator('button.meeting').count() == 0
    page.wait_for_timeout(100)
    held[0].continue_()
    page.wait_for_selector('button.meeting')
    assert page.locator('.skeleton').count() == 0


def test_r16_time_to_list_on_a_warm_server(extension, server, world):
    """Print the panel's time-to-meetings-list (navigation start to list with data), not asserted."""
    extension.sign_in(server, world.token)
    figures = []
    for _ in range(5):
        panel = extension.open_panel()
        panel.wait_for_selector('button.meeting')
        figures.append(panel.evaluate(
            "performance.getEntriesByName('meetings-list-shown')[0].startTime"))
        panel.close()
    figures.sort()
    print(f'\npanel time-to-meetings-list, 5 opens: median {figures[2]:.0f} ms, '
          f'min {figures[0]:.0f} ms, max {figures[-1]:.0f} ms')


def test_r16_list_error_state_retries_after_a_real_outage(extension, server, world):
    extension.sign_in(server, world.token)
    server.stop()
    panel = extension.open_panel()
    panel.wait_for_selector('[data-state="error"]')
    assert 'Cannot reach the Meetside server' in panel.inner_text('[data-state="error"]')
    screenshot(panel, 'error')
    server.start()
    panel.get_by_role('button', name='Retry').click()
    panel.wait_for_selector('button.meeting')
    assert 'Globex product demo' in titles(panel)
    # The failed fetches are expected here; they are the only console errors allowed.
    extension.errors[:] = [e for e in extension.errors if 'ERR_CONNECTION_REFUSED' not in e]


def test_r17_attendees_and_the_contact_card_inside_the_panel(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    rows = panel.locator('li.attendee')
    assert rows.count() == 3
    pat = panel.locator('li.attendee[data-email="pat@globex.example"]')
    assert 'Head of Purchasing · Globex' in pat.inner_text()
    assert 'No reply' in pat.inner_text()
    nina = panel.locator('li.attendee[data-email="nina@newco.example"]')
    assert nina.locator('button.add').is_visible()
    carl = panel.locator('li.attendee[data-email="carl@acme.example"]')
    assert 'Internal' in carl.inner_text() and carl.locator('button.add').count() == 0
    screenshot(panel, 'meeting-attendees')

    pat.get_by_role('button', name='Pat Buyer').click()
    card = panel.locator('section.card')
    card.locator('dl').wait_for()
    text = card.inner_text()
    for expected in ('+886 2 1234 5678', 'pat@globex.example', 'Rita Rep (you)',
                     'Head of Purchasing · Globex', 'Globex product demo', 'Morning check-in'):
        assert expected in text
    screenshot(panel, 'contact-card')
    with extension.context.expect_page() as opened:
        card.get_by_role('button', name='Open full record').click()
    assert_server_page(opened.value, server, f'/contacts/{world.pat.id}')
    # Back returns to the meeting.
    panel.get_by_role('button', name='Back').click()
    panel.wait_for_selector('li.attendee')


def test_r18_add_turns_the_row_into_a_contact_without_reloading(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    panel.evaluate('window.sameDocument = true')
    nina = panel.locator('li.attendee[data-email="nina@newco.example"]')
    nina.locator('button.add').click()
    nina.get_by_role('button', name='Nina Newcomer').wait_for()
    assert nina.locator('button.add').count() == 0
    assert panel.evaluate('window.sameDocument') is True

    found = call(server, world.token, 'GET', '/contacts', params={'email': 'nina@newco.example'})
    assert [c['name'] for c in found['items']] == ['Nina Newcomer']
    timeline = call(server, world.token, 'GET', f"/contacts/{found['items'][0]['id']}/timeline")
    # R18: the meeting (and every other meeting she attends) is on the new contact's timeline.
    assert {m['title'] for m in timeline['items']} == {'Globex product demo', 'Contract review'}

    # Clicking the new contact opens its card.
    nina.get_by_role('button', name='Nina Newcomer').click()
    panel.locator('section.card dl').wait_for()
    assert 'nina@newco.example' in panel.inner_text('section.card')


def test_r19_start_opens_the_video_link_in_a_new_tab_and_the_panel_stays(extension, server, world):
    # A video link the browser can load here (no internet): a page of the live server.
    video = f'{server.url}/api/v1/health?room=abc-defg-hij'
    call(server, world.token, 'PATCH', f'/meetings/{world.demo.id}', json={'video_link': video})
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    with extension.context.expect_page() as opened:
        panel.get_by_role('button', name='Start meeting').click()
    opened.value.wait_for_load_state()
    assert opened.value.url == video
    assert not panel.is_closed() and panel.locator('li.attendee').count() == 3
    # The assistant came along to the meeting's tab, showing that meeting (a side panel, not a tab).
    expect_panel_document(extension, f'?meeting={world.demo.id}')
    meeting = call(server, world.token, 'GET', f'/meetings/{world.demo.id}')
    assert meeting['started_at'] is not None


def test_r20_enter_posts_a_note_shown_at_once_and_on_every_contact_timeline(extension, server, world):
    extension.sign_in(server, world.token)
    nina = call(server, world.token, 'POST', f'/meetings/{world.demo.id}/attendees/nina@newco.example/contact')
    call(server, world.colleague_token, 'POST', f'/meetings/{world.demo.id}/notes',
         json={'body': 'Carl: send the price list'})
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    panel.get_by_role('tab', name='Notes').click()
    panel.wait_for_selector('.notes li[data-state="confirmed"]')

    box = panel.locator('textarea')
    box.fill('Budget approved')
    box.press('Shift+Enter')
    box.type('for Q1')
    box.press('Enter')
    assert box.input_value() == ''
    confirmed = panel.locator('.notes li[data-state="confirmed"]')
    confirmed.nth(1).wait_for()
    # Oldest first, with author and time; Shift+Enter kept the newline.
    assert confirmed.locator('.body').all_inner_texts() == ['Carl: send the price list', 'Budget approved\nfor Q1']
    assert 'Rita Rep · ' in confirmed.nth(1).locator('.meta').inner_text()
    screenshot(panel, 'notes')

    for contact_id in (world.pat.id, nina['id']):
        timeline = call(server, world.token, 'GET', f'/contacts/{contact_id}/timeline')
        demo = next(m for m in timeline['items'] if m['id'] == world.demo.id)
        assert [n['body'] for n in demo['notes']] == ['Carl: send the price list', 'Budget approved\nfor Q1']

    # Another user's new note appears on refresh.
    call(server, world.colleague_token, 'POST', f'/meetings/{world.demo.id}/notes', json={'body': 'Carl again'})
    panel.get_by_role('button', name='Refresh').click()
    expect(confirmed).to_have_count(3)
    assert confirmed.nth(2).locator('.body').inner_text() == 'Carl again'


@pytest.mark.parametrize('status', ['missing', 'needs_reconnect', 'token_unreadable'])
def test_r21_not_connected_says_so_and_links_to_settings_calendar(extension, server, world, status):
    with db.connection_context():
        if status == 'missing':
            CalendarConnection.delete().execute()
        elif status == 'token_unreadable':  # issue 8: the server's key no longer reads the tokens
            CalendarConnection.update(status='needs_reconnect', reconnect_reason=status).execute()
        else:
            CalendarConnection.update(status=status).execute()
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    box = panel.locator('[data-state="not-connected"]')
    box.wait_for()
    assert ('Connect your calendar' if status == 'missing' else 'Reconnect your calendar') in box.inner_text()
    assert panel.locator('button.meeting').count() == 0
    assert ('encryption key changed' in box.inner_text()) == (status == 'token_unreadable')
    if status == 'missing':
        screenshot(panel, 'not-connected')
    with extension.context.expect_page() as opened:
        box.get_by_role('button').click()
    assert_server_page(opened.value, server, '/settings/calendar')


def test_r21_signed_out_panel_offers_sign_in_on_the_server(extension, server, world):
    extension.storage(f'chrome.storage.local.set({{serverUrl: "{server.url}"}})')
    panel = extension.open_panel()
    box = panel.locator('[data-state="signed-out"]')
    box.wait_for()
    assert server.url in box.inner_text()
    screenshot(panel, 'signed-out')
    with extension.context.expect_page() as opened:
        box.get_by_role('button', name='Sign in').click()
    opened.value.wait_for_load_state()
    assert opened.value.url.startswith(f'{server.url}/sign-in?next=')
