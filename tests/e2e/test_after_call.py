"""Issue 11 in the panel against the live server: the outcome picker (§1), schedule follow-up
(§3), a deal stage change (§3), note edits and deletes online, offline and in conflict (§4), and the
follow-up e-mail (§4); axe on every new screen, both locales."""
import datetime
from decimal import Decimal
import json
import time
import urllib.parse
import zoneinfo

import pytest
from playwright.sync_api import expect

from server.db import db
from server.models import (CalendarOutbox, Company, Deal, DealChange, Meeting, MeetingCompany,
                           Note, utcnow)
from server.services import notes
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ROOT, call, open_meeting, screenshot

pytestmark = pytest.mark.e2e

REFUSED = 'ERR_CONNECTION_REFUSED'


def text(folder):
    with open(ROOT / '_locales' / folder / 'messages.json', encoding='utf-8') as f:
        return {key: value['message'] for key, value in json.load(f).items()}


def stored(meeting_id):
    with db.connection_context():
        return Meeting.get_by_id(meeting_id)


def until(check, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    return check()


def open_past(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    open_meeting(panel, 'Morning check-in')
    return panel


# -- §1 the outcome picker ------------------------------------------------------------------

def test_issue11_outcome_picker_shows_once_the_meeting_ended_and_the_list_shows_the_outcome(
        extension, server, world):
    panel = open_past(extension, server, world)
    picker = panel.locator('.outcome')
    expect(picker).to_contain_text('How did it go?')
    assert_accessible(panel, 'outcome picker')
    screenshot(panel, 'outcome-picker')
    picker.locator('select[data-field="outcome"]').select_option('no_show')
    assert until(lambda: stored(world.past.id).outcome == 'no_show')
    expect(picker.locator('select[data-field="type"] option')).to_have_count(4)  # none + 3
    panel.locator('.outcome select[data-field="type"]').select_option('Demo')
    assert until(lambda: stored(world.past.id).meeting_type == 'Demo')
    panel.get_by_role('button', name='Back').click()
    row = panel.locator('button.meeting', has_text='Morning check-in')
    expect(row).to_contain_text('No show')
    # A meeting not yet over has no picker.
    open_meeting(panel, 'Globex product demo')
    panel.wait_for_selector('li.attendee')
    assert panel.locator('.outcome').count() == 0


def test_issue11_r19_a_started_meeting_is_suggested_completed(extension, server, world):
    with db.connection_context():
        Meeting.update(started_at=utcnow() - datetime.timedelta(hours=1)).where(
            Meeting.id == world.past.id).execute()
    panel = open_past(extension, server, world)
    panel.get_by_role('button', name='Completed?').click()
    assert until(lambda: stored(world.past.id).outcome == 'completed')
    expect(panel.locator('.outcome select[data-field="outcome"]')).to_have_value('completed')
    expect(panel.get_by_role('button', name='Completed?')).to_have_count(0)


def test_issue11_outcome_picker_in_traditional_chinese(new_extension, server, world):
    extension = new_extension('zh-TW')
    zh = text('zh_TW')
    panel = open_past(extension, server, world)
    picker = panel.locator('.outcome')
    expect(picker).to_contain_text(zh['outcomeQuestion'])
    assert zh['outcome_scheduled'] in picker.locator('select[data-field="outcome"]').inner_text()
    assert panel.get_by_role('button', name=zh['followUpButton']).is_visible()
    assert_accessible(panel, 'outcome picker zh-TW')
    panel.get_by_role('button', name=zh['followUpButton']).click()
    panel.locator('.follow-up form').wait_for()
    assert_accessible(panel, 'schedule follow-up zh-TW')
    screenshot(panel, 'follow-up-zh-TW')
    assert not extension.errors, extension.errors


# -- §3 schedule follow-up ------------------------------------------------------------------

def test_issue11_r5_schedule_follow_up_in_the_users_zone_with_the_same_attendees(
        extension, server, world):
    with db.connection_context():
        globex = Company.get(Company.name == 'Globex')
        MeetingCompany.create(meeting=world.past.id, company=globex)
    panel = open_past(extension, server, world)
    panel.get_by_role('button', name='Schedule follow-up').click()
    form = panel.locator('.follow-up form')
    form.wait_for()
    assert_accessible(panel, 'schedule follow-up')
    screenshot(panel, 'follow-up')
    expect(panel.locator('#fu-title')).to_have_value('Follow-up: Morning check-in')
    assert panel.locator('input[data-email="pat@globex.example"]').is_checked()
    assert 'Asia/Taipei' in form.inner_text()
    taipei = zoneinfo.ZoneInfo('Asia/Taipei')
    day = (datetime.datetime.now(taipei) + datetime.timedelta(days=3)).date()
    panel.fill('#fu-date', day.isoformat())
    panel.fill('#fu-time', '09:30')
    panel.fill('#fu-length', '45')
    panel.fill('#fu-extra', 'new@globex.example')
    panel.get_by_role('button', name='Schedule and invite').click()
    panel.locator('[data-state="follow-up-scheduled"]').wait_for()
    with db.connection_context():
        made = Meeting.get(Meeting.title == 'Follow-up: Morning check-in')
        start = datetime.datetime.combine(day, datetime.time(9, 30), taipei)
        assert made.start == start.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        assert made.end - made.start == datetime.timedelta(minutes=45)
        assert [a.email for a in made.attendees.order_by(Meeting.attendees.rel_model.position)] == [
            'pat@globex.example', 'new@globex.example']
        assert [r.company_id for r in MeetingCompany.select().where(MeetingCompany.meeting == made.id)] == [globex.id]
        # R5: the calendar is owed an insert with the invitations (the outbox).
        assert CalendarOutbox.select().where(CalendarOutbox.meeting == made.id,
                                             CalendarOutbox.action == 'insert').count() == 1
    panel.get_by_role('button', name='Open the new meeting').click()
    expect(panel.locator('h1')).to_have_text('Follow-up: Morning check-in')


# -- §3 a deal stage change -----------------------------------------------------------------

def test_issue11_a_deal_stage_change_from_the_meeting_is_on_the_deals_timeline(
        extension, server, world):
    with db.connection_context():
        globex = Company.get(Company.name == 'Globex')
        deal = Deal.create(account=world.rep.account_id, name='Globex renewal', company=globex,
                           stage='qualified_to_buy')
        Deal.create(account=world.rep.account_id, name='Someone else entirely')
    panel = open_past(extension, server, world)
    panel.get_by_role('tab', name='Deals').click()
    row = panel.locator('li.deal')
    expect(row).to_have_count(1)
    assert_accessible(panel, 'meeting deals')
    screenshot(panel, 'meeting-deals')
    row.locator('select[data-field="stage"]').select_option('contract_sent')
    row.locator('input[data-field="amount"]').fill('12000')
    row.get_by_role('button', name='Save').click()
    expect(row).to_contain_text("Saved on the deal's timeline")
    with db.connection_context():
        assert (Deal.get_by_id(deal.id).stage, Deal.get_by_id(deal.id).amount) == (
            'contract_sent', Decimal('12000'))
        [change] = DealChange.select()
        assert (change.meeting_id, change.old_stage, change.new_stage) == (
            world.past.id, 'qualified_to_buy', 'contract_sent')
    timeline = call(server, world.token, 'GET', f'/deals/{deal.id}/timeline')
    assert [c['meeting_title'] for c in timeline['changes']] == ['Morning check-in']
    row.locator('input[data-field="amount"]').fill('-5')
    row.get_by_role('button', name='Save').click()
    expect(row.locator('p.error')).to_contain_text('amount')
    extension.errors[:] = [e for e in extension.errors if '422' not in e]


# -- §4 note edits --------------------------------------------------------------------------

def add_note(world, body):
    with db.connection_context():
        return notes.add(world.rep, world.past.id, body)[0]


def open_notes(extension, server, world):
    panel = open_past(extension, server, world)
    panel.get_by_role('tab', name='Notes').click()
    panel.wait_for_selector('.notes li[data-state="confirmed"]')
    return panel


def test_issue11_the_author_edits_and_deletes_a_note_online(extension, server, world):
    note = add_note(world, 'Budget 10k')
    with db.connection_context():
        notes.add(world.colleague, world.past.id, "Carl's note")
    panel = open_notes(extension, server, world)
    mine = panel.locator(f'.notes li[data-id="{note.id}"]')
    theirs = panel.locator('.notes li', has_text="Carl's note")
    assert theirs.get_by_role('button', name='Edit').count() == 0  # only the author's
    mine.get_by_role('button', name='Edit').click()
    box = mine.locator('textarea.edit')
    expect(box).to_be_focused()
    assert_accessible(panel, 'note editor')
    box.fill('Budget 12k, signed by Friday')
    box.press('Enter')
    expect(mine.locator('.body')).to_have_text('Budget 12k, signed by Friday')
    expect(mine.locator('.meta')).to_contain_text('edited')
    with db.connection_context():
        saved = Note.get_by_id(note.id)
        assert saved.body == 'Budget 12k, signed by Friday' and saved.edited_at is not None
    mine.get_by_role('button', name='Delete').click()
    expect(mine).to_contain_text('Delete this note?')
    mine.get_by_role('button', name='Delete').click()
    expect(mine).to_have_count(0)
    with db.connection_context():
        assert Note.get_or_none(Note.id == note.id) is None


def edit_in_panel(panel, note_id, text):
    """Edit the note's text and press Enter; the row it returns waits to be sent."""
    row = panel.locator(f'.notes li[data-id="{note_id}"]')
    row.get_by_role('button', name='Edit').click()
    row.locator('textarea.edit').fill(text)
    row.locator('textarea.edit').press('Enter')
    expect(row).to_have_attribute('data-state', 'edit-pending')
    return row


def test_issue11_b2_an_edit_typed_offline_is_sent_once_the_server_is_back(extension, server, world):
    note = add_note(world, 'Needs SSO')
    panel = open_notes(extension, server, world)
    server.stop()
    row = edit_in_panel(panel, note.id, 'Needs SSO and SCIM')
    expect(row).to_contain_text('edit waiting to be sent')
    with db.connection_context():
        assert Note.get_by_id(note.id).body == 'Needs SSO'
    server.start()
    assert until(lambda: stored_body(note.id) == 'Needs SSO and SCIM', timeout=30)
    expect(row).to_have_attribute('data-state', 'confirmed', timeout=15000)
    expect(row.locator('.body')).to_have_text('Needs SSO and SCIM')
    extension.errors[:] = [e for e in extension.errors if REFUSED not in e]


def stored_body(note_id):
    with db.connection_context():
        return Note.get_by_id(note_id).body


def test_issue11_b9_an_offline_edit_of_a_note_changed_since_keeps_both_texts_and_asks(
        extension, server, world):
    note = add_note(world, 'Pricing: list price')
    panel = open_notes(extension, server, world)
    server.stop()
    row = edit_in_panel(panel, note.id, 'Pricing: 10% off (from the panel)')
    with db.connection_context():  # meanwhile the note is changed on the web page
        notes.edit(world.rep, note.id, 'Pricing: 5% off (from the web)')
    server.start()
    conflict = panel.locator(f'.notes li[data-id="{note.id}"][data-state="conflict"]')
    conflict.wait_for(timeout=30000)
    assert conflict.locator('[data-text="mine"]').inner_text() == 'Pricing: 10% off (from the panel)'
    assert conflict.locator('[data-text="server"]').inner_text() == 'Pricing: 5% off (from the web)'
    assert stored_body(note.id) == 'Pricing: 5% off (from the web)'  # nothing overwritten
    assert_accessible(panel, 'note edit conflict')
    conflict.evaluate('(row) => row.scrollIntoView()')  # both texts above the sticky note box
    screenshot(panel, 'note-conflict')
    conflict.get_by_role('button', name='Keep mine').click()
    assert until(lambda: stored_body(note.id) == 'Pricing: 10% off (from the panel)')
    row = panel.locator(f'.notes li[data-id="{note.id}"]')
    expect(row).to_have_attribute('data-state', 'confirmed')
    expect(row.locator('.body')).to_have_text('Pricing: 10% off (from the panel)')
    extension.errors[:] = [e for e in extension.errors if REFUSED not in e and '409' not in e]


# Records the writes the service worker sends that reach the server (those with an answer).
# The worker outlives a test: it is wrapped once, its record emptied each time.
COUNT_WRITES = """() => {
  self.writesAnswered = [];
  if (self.writesCounted) return;
  self.writesCounted = true;
  const send = self.fetch;
  self.fetch = async (url, options) => {
    const response = await send(url, options);
    const method = options?.method || 'GET';
    if (method !== 'GET') self.writesAnswered.push([method, String(url), response.status]);
    return response;
  };
}"""


def writes_answered(extension):
    return extension.worker.evaluate('() => self.writesAnswered')


def delete_in_panel(panel, note_id):
    """Delete, then Delete again to confirm; the row it returns waits to be sent."""
    row = panel.locator(f'.notes li[data-id="{note_id}"]')
    row.get_by_role('button', name='Delete').click()
    row.get_by_role('button', name='Delete').click()
    expect(row).to_have_attribute('data-state', 'delete-pending')
    return row


def test_issue11_b2_a_delete_done_offline_is_queued_and_sent_once_the_server_is_back(
        extension, server, world):
    note = add_note(world, 'Call back on Monday')
    kept = add_note(world, 'Needs SSO')
    panel = open_notes(extension, server, world)
    server.stop()
    row = delete_in_panel(panel, note.id)
    expect(row).to_contain_text(text('en')['noteDeletePending'])
    assert_accessible(panel, 'note delete pending')
    with db.connection_context():
        assert Note.get_or_none(Note.id == note.id) is not None  # nothing sent yet
    extension.worker.evaluate(COUNT_WRITES)
    server.start()
    expect(row).to_have_count(0, timeout=30000)
    listed = call(server, world.token, 'GET', f'/meetings/{world.past.id}/notes')['items']
    assert [n['id'] for n in listed] == [kept.id]
    time.sleep(1)  # a second send would come now, if any
    answered = writes_answered(extension)
    assert [(method, status) for method, _, status in answered] == [('DELETE', 204)], answered
    assert f'/notes/{note.id}?based_on=' in answered[0][1]
    queued = extension.storage('chrome.storage.local.get(null)')
    assert not [key for key in queued if key.startswith('outbox:delete-')]
    extension.errors[:] = [e for e in extension.errors if REFUSED not in e]


def test_issue11_b2_deleting_a_note_whose_offline_edit_waits_sends_the_delete_alone(
        extension, server, world):
    note = add_note(world, 'Needs SSO')
    panel = open_notes(extension, server, world)
    server.stop()
    row = edit_in_panel(panel, note.id, 'Needs SSO and SCIM')
    delete_in_panel(panel, note.id)
    extension.worker.evaluate(COUNT_WRITES)
    server.start()
    expect(row).to_have_count(0, timeout=30000)
    assert call(server, world.token, 'GET', f'/meetings/{world.past.id}/notes')['items'] == []
    time.sleep(1)
    answered = writes_answered(extension)
    assert [(method, status) for method, _, status in answered] == [('DELETE', 204)], answered
    extension.errors[:] = [e for e in extension.errors if REFUSED not in e]


def test_issue11_b9_an_offline_delete_of_a_note_changed_since_is_not_done_and_says_so(
        extension, server, world):
    note = add_note(world, 'Pricing: list price')
    panel = open_notes(extension, server, world)
    server.stop()
    row = delete_in_panel(panel, note.id)
    with db.connection_context():  # meanwhile the note is changed on the web page
        notes.edit(world.rep, note.id, 'Pricing: 5% off (from the web)')
    server.start()
    conflict = panel.locator(f'.notes li[data-id="{note.id}"][data-state="delete-conflict"]')
    conflict.wait_for(timeout=30000)
    expect(conflict.get_by_role('alert')).to_have_text(text('en')['noteDeleteConflict'])
    assert conflict.locator('[data-text="server"]').inner_text() == 'Pricing: 5% off (from the web)'
    assert stored_body(note.id) == 'Pricing: 5% off (from the web)'  # the note survives
    listed = call(server, world.token, 'GET', f'/meetings/{world.past.id}/notes')['items']
    assert [n['body'] for n in listed] == ['Pricing: 5% off (from the web)']
    assert_accessible(panel, 'note delete conflict')
    conflict.get_by_role('button', name=text('en')['noteKeep']).click()
    expect(row).to_have_attribute('data-state', 'confirmed')
    expect(row.locator('.body')).to_have_text('Pricing: 5% off (from the web)')
    assert stored_body(note.id) == 'Pricing: 5% off (from the web)'
    extension.errors[:] = [e for e in extension.errors if REFUSED not in e and '409' not in e]


# -- §4 follow-up e-mail --------------------------------------------------------------------

def test_issue11_r12_follow_up_email_opens_gmail_compose_for_the_external_attendees(
        extension, server, world):
    add_note(world, 'Send the DPA\nand the pricing sheet')
    # The meeting's open tasks join the body (issue 11 §2's /api/v1/tasks); a done one does not.
    call(server, world.token, 'POST', '/tasks', json={'title': 'Book the security review', 'meeting_id': world.past.id})
    done = call(server, world.token, 'POST', '/tasks', json={'title': 'Already done', 'meeting_id': world.past.id})
    call(server, world.token, 'PATCH', f"/tasks/{done['id']}", json={'done': True})
    extension.context.route('https://mail.google.com/**', lambda route: route.fulfill(
        body='<title>Compose</title>', content_type='text/html'))
    try:
        panel = open_past(extension, server, world)
        with extension.context.expect_page() as opened:
            panel.get_by_role('button', name='Follow-up e-mail').click()
        opened.value.wait_for_url('https://mail.google.com/**')
        url = urllib.parse.urlsplit(opened.value.url)
        query = urllib.parse.parse_qs(url.query)
        assert (url.netloc, url.path, query['view'], query['fs']) == ('mail.google.com', '/mail/', ['cm'], ['1'])
        assert query['to'] == ['pat@globex.example']
        assert query['su'] == ['Follow-up: Morning check-in']
        assert '- Send the DPA\nand the pricing sheet' in query['body'][0]
        assert '"Morning check-in"' in query['body'][0]
        assert 'Next steps:\n- Book the security review\n' in query['body'][0]
        assert 'Already done' not in query['body'][0]
    finally:
        extension.context.unroute('https://mail.google.com/**')


def test_issue11_b5_follow_up_times_are_the_users_wall_clock_across_a_dst_change(extension, server, world):
    """The follow-up picker's date and time are read in the user's zone (B5), on both sides of
    the zone's next daylight-saving change (found from today, not written as a date)."""
    zone = zoneinfo.ZoneInfo('America/New_York')
    day = datetime.date.today()
    while (datetime.datetime.combine(day, datetime.time(12), zone).utcoffset()
           == datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(12), zone).utcoffset()):
        day += datetime.timedelta(days=1)
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    for date in (day, day + datetime.timedelta(days=1)):
        for wall in ('09:30', '23:45'):
            expected = datetime.datetime.combine(date, datetime.time.fromisoformat(wall), zone)
            got = panel.evaluate("""async ([date, time]) => {
              const m = await import('./follow-up.js');
              const at = m.zonedInstant(date, time, 'America/New_York');
              return [at.toISOString(), m.localInputs(at, 'America/New_York')];
            }""", [date.isoformat(), wall])
            assert got[0] == expected.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:00.000Z')
            assert got[1] == {'date': date.isoformat(), 'time': wall}
