"""B2: notes typed while the server is down are kept and delivered once it is back, once each."""
import time

import pytest
from playwright.sync_api import expect

from server.db import db
from server.models import Note
from tests.e2e.conftest import call, open_meeting, screenshot

pytestmark = pytest.mark.e2e

REFUSED = 'ERR_CONNECTION_REFUSED'


def stored_notes(meeting_id):
    with db.connection_context():
        return [(n.body, n.client_id) for n in
                Note.select().where(Note.meeting == meeting_id).order_by(Note.id)]


def wait_for_notes(meeting_id, count, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notes = stored_notes(meeting_id)
        if len(notes) >= count:
            return notes
        time.sleep(0.2)
    return stored_notes(meeting_id)


def outbox_keys(extension):
    return extension.storage(
        'chrome.storage.local.get(null).then(all => Object.keys(all).filter(k => k.startsWith("outbox:")))')


def wait_for_empty_outbox(extension, timeout=15):
    """The worker drops a note from its outbox just after the server's answer: poll for it."""
    deadline = time.monotonic() + timeout
    while outbox_keys(extension) and time.monotonic() < deadline:
        time.sleep(0.1)
    return outbox_keys(extension)


def open_notes(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    panel.get_by_role('tab', name='Notes').click()
    panel.wait_for_selector('.notes li[data-state="empty"]')
    return panel


def expected_refusals(extension):
    # Requests to a stopped server fail by design in these tests; nothing else may.
    extension.errors[:] = [e for e in extension.errors if REFUSED not in e]


def test_b2_three_notes_typed_during_a_real_outage_arrive_exactly_once(extension, server, world):
    panel = open_notes(extension, server, world)
    server.stop()
    box = panel.locator('textarea')
    bodies = ['Asked for a discount', 'Needs SSO', 'Follow up on Friday']
    for body in bodies:
        box.fill(body)
        box.press('Enter')
    pending = panel.locator('.notes li[data-state="pending"]')
    expect(pending).to_have_count(3)
    assert pending.locator('.body').all_inner_texts() == bodies
    assert 'Pending' in pending.first.inner_text()
    screenshot(panel, 'notes-pending')
    assert len(outbox_keys(extension)) == 3

    server.start()
    notes = wait_for_notes(world.demo.id, 3)
    assert [body for body, _ in notes] == bodies
    assert len({client_id for _, client_id in notes}) == 3
    expect(panel.locator('.notes li[data-state="confirmed"]')).to_have_count(3)
    assert wait_for_empty_outbox(extension) == []
    # Nothing was left to send twice: a further flush stores nothing new.
    extension.worker.evaluate('chrome.alarms.getAll()')
    panel.get_by_role('button', name='Refresh').click()
    expect(panel.locator('.notes li[data-state="confirmed"]')).to_have_count(3)
    assert [body for body, _ in stored_notes(world.demo.id)] == bodies
    expected_refusals(extension)


def test_b2_a_pending_note_survives_closing_the_panel_and_restarting_the_browser(new_extension, server, world):
    browser = new_extension()
    panel = open_notes(browser, server, world)
    server.stop()
    panel.locator('textarea').fill('Typed on the train')
    panel.locator('textarea').press('Enter')
    panel.locator('.notes li[data-state="pending"]').wait_for()
    # As after many failed retries: the next one would be ten minutes away. A browser start
    # is a fresh chance and must not wait for it.
    browser.worker.evaluate('chrome.storage.local.set({outboxRetry: '
                            '{attempts: 9, next_at: Date.now() + 600000}})')
    panel.close()
    browser.close()  # the whole browser goes away with the note still queued

    server.start()
    assert stored_notes(world.demo.id) == []
    browser.open()  # same profile: the worker sends the note on start-up, no panel needed
    notes = wait_for_notes(world.demo.id, 1)
    assert [body for body, _ in notes] == ['Typed on the train']
    assert wait_for_empty_outbox(browser) == []
    expected_refusals(browser)
    assert not browser.errors, browser.errors


def test_b2_a_note_the_server_refuses_is_kept_visible_not_retried_until_discarded(extension, server, world):
    panel = open_notes(extension, server, world)
    call(server, world.token, 'DELETE', f'/meetings/{world.demo.id}')  # gone meanwhile (404)
    panel.locator('textarea').fill('Too late for this meeting')
    panel.locator('textarea').press('Enter')
    failed = panel.locator('.notes li[data-state="failed"]')
    failed.wait_for()
    assert 'Not saved: the meeting was deleted' in failed.inner_text()
    assert len(outbox_keys(extension)) == 1  # kept for the user, never silently dropped
    failed.get_by_role('button', name='Discard').click()
    expect(failed).to_have_count(0)
    assert wait_for_empty_outbox(extension) == []
    # The refused POST is the one console error expected here.
    extension.errors[:] = [e for e in extension.errors if '404' not in e]
