"""Issue 9 §4 (B2 extended): the offline meeting pack. During an outage a rep opens a meeting
never opened before, from the pack the panel kept, and takes notes in it."""
import datetime
import time

import pytest
from playwright.sync_api import expect

from server.db import db
from server.models import Note, utcnow
from server.services import meetings
from tests.e2e.conftest import call, open_meeting
from tests.e2e.test_offline_notes import expected_refusals, wait_for_notes

pytestmark = pytest.mark.e2e

PACK = 'chrome.storage.local.get("meetingPack").then(s => s.meetingPack ?? null)'


def wait_for_pack(extension, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pack = extension.storage(PACK)
        if pack:
            return pack
        time.sleep(0.1)
    raise AssertionError('the panel stored no meeting pack')


def visible_messages(panel):
    """The status and error lines the panel shows (the 'three stacked messages' of the walk)."""
    return [t.strip() for t in panel.locator('[role=status]:visible, [role=alert]:visible, .error:visible')
            .all_inner_texts() if t.strip()]


def test_issue9_offline_pack_a_meeting_never_opened_takes_two_notes_in_an_outage(extension, server, world):
    """Open the panel once online, kill the server, open (in a new panel) a meeting never
    opened before, type 2 notes, restart the server: exactly 2 notes, on that meeting, with
    their typed times; one 'Offline — showing data from …' line, not three."""
    with db.connection_context():
        never = meetings.schedule(world.rep, {
            'title': 'Pricing follow-up', 'start': utcnow() + datetime.timedelta(hours=3),
            'end': utcnow() + datetime.timedelta(hours=4),
            'attendees': [{'email': 'pat@globex.example', 'display_name': 'Pat Buyer'}]})
    extension.sign_in(server, world.token)
    online = extension.open_panel()
    online.get_by_role('button', name='Pricing follow-up').wait_for()
    pack = wait_for_pack(extension)
    assert never.id in [m['id'] for m in pack['meetings']]
    assert pack['user_id'] == world.rep.id and pack['server_url'] == server.url
    assert 'Contract review' not in [m['title'] for m in pack['meetings']]  # the day after tomorrow
    online.close()

    server.stop()
    panel = extension.open_panel()  # a new panel: nothing of it is in page memory
    open_meeting(panel, 'Pricing follow-up')
    expect(panel.locator('#heading')).to_have_text('Pricing follow-up')  # the title, once (issue 9 §5)
    line = panel.locator('[data-state="offline-pack"]')
    expect(line).to_contain_text('Offline — showing data from ')
    panel.get_by_role('tab', name='Notes').click()
    panel.locator('.notes li[data-state="empty"]').wait_for()
    assert visible_messages(panel) == [line.inner_text()]

    box = panel.locator('textarea')
    typed = []
    for body in ('Offline pack: first', 'Offline pack: second'):
        box.fill(body)
        box.press('Enter')
        typed.append(utcnow())
        time.sleep(1.5)
    expect(panel.locator('.notes li[data-state="pending"]')).to_have_count(2)
    time.sleep(3)  # the outage goes on a little

    server.start()
    notes = wait_for_notes(never.id, 2, timeout=20)
    time.sleep(2)  # anything sent twice would show now
    with db.connection_context():
        stored = list(Note.select().order_by(Note.typed_at))
    assert [(n.meeting_id, n.body) for n in stored] == [
        (never.id, 'Offline pack: first'), (never.id, 'Offline pack: second')], notes
    for note, when in zip(stored, typed):
        assert abs((note.typed_at - when).total_seconds()) < 1.5, (note.typed_at, when)
        assert note.created_at > note.typed_at + datetime.timedelta(seconds=2)
        assert note.author_id == world.rep.id
    listed = call(server, world.token, 'GET', f'/meetings/{never.id}/notes')['items']
    assert [n['body'] for n in listed] == ['Offline pack: first', 'Offline pack: second']
    expected_refusals(extension)


def test_issue9_offline_pack_contact_card_opens_and_sign_out_clears_the_pack(extension, server, world):
    """The pack holds the attendees' contact cards; signing out removes the pack."""
    extension.sign_in(server, world.token)
    online = extension.open_panel()
    online.get_by_role('button', name='Globex product demo').wait_for()
    wait_for_pack(extension)
    online.close()
    server.stop()
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    panel.get_by_role('button', name='Pat Buyer').click()
    card = panel.locator('section.card')
    expect(card).to_contain_text('+886 2 1234 5678')
    expect(card).to_contain_text('Globex product demo')  # its meetings in the pack
    expect(panel.locator('[data-state="offline-pack"]')).to_be_visible()
    server.start()
    options = extension.context.new_page()
    options.goto(extension.url('extension/options/index.html'))
    options.get_by_role('button', name='Sign out').click()
    options.get_by_role('button', name='Sign in').wait_for()
    assert extension.storage(PACK) is None
    expected_refusals(extension)
