"""Issue 9 §5: axe-core finds no serious or critical violation on any panel screen or the options page."""
import pytest

from server.db import db
from server.models import CalendarConnection
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import open_meeting
from tests.e2e.keyboard import assert_keyboard_ready

pytestmark = pytest.mark.e2e


def test_issue9_axe_signed_in_screens_list_empty_attendees_card_notes(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    assert_accessible(panel, 'meetings list')
    panel.fill('input.search', 'no such meeting')
    panel.wait_for_selector('[data-state="empty"]')
    assert_accessible(panel, 'empty list')
    panel.fill('input.search', '')
    open_meeting(panel, 'Globex product demo')
    panel.wait_for_selector('li.attendee')
    assert_accessible(panel, 'meeting attendees')
    panel.locator('li.attendee[data-email="pat@globex.example"]').get_by_role('button', name='Pat Buyer').click()
    panel.locator('section.card dl').wait_for()
    assert_accessible(panel, 'contact card')
    panel.get_by_role('button', name='Back').click()
    panel.get_by_role('tab', name='Notes').click()
    panel.locator('textarea').wait_for()
    assert_accessible(panel, 'notes')


def test_issue9_axe_loading_and_error_screens(extension, server, world):
    extension.sign_in(server, world.token)
    # The error screen first: once a list has loaded, an outage shows the offline pack instead.
    server.stop()  # a real outage, as test_r16_list_error_state_retries_after_a_real_outage
    try:
        page = extension.open_panel()
        page.wait_for_selector('[data-state="error"]')
        assert_accessible(page, 'error')
        page.close()
    finally:
        server.start()
    extension.errors[:] = [e for e in extension.errors if 'ERR_CONNECTION_REFUSED' not in e]
    held = []
    page = extension.context.new_page()
    page.route('**/api/v1/meetings?*', lambda route: held.append(route))
    page.goto(extension.url('extension/sidepanel/index.html'))
    page.locator('.skeleton[aria-busy="true"]').wait_for()
    assert_accessible(page, 'loading')
    held[0].continue_()
    page.wait_for_selector('button.meeting')


def test_issue9_axe_signed_out_not_connected_and_options(extension, server, world):
    extension.storage(f'chrome.storage.local.set({{serverUrl: "{server.url}"}})')
    panel = extension.open_panel()
    panel.wait_for_selector('[data-state="signed-out"]')
    assert_accessible(panel, 'signed out')
    with db.connection_context():
        CalendarConnection.delete().execute()
    extension.sign_in(server, world.token)
    panel.wait_for_selector('[data-state="not-connected"]')
    assert_accessible(panel, 'not connected')
    options = extension.context.new_page()
    options.goto(extension.url('extension/options/index.html'))
    options.wait_for_load_state()
    assert_accessible(options, 'options page')


def test_issue9_keyboard_tab_reaches_every_action_with_a_ring_and_32px_targets(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    assert_keyboard_ready(panel, 'meetings list')
    open_meeting(panel, 'Globex product demo')
    panel.wait_for_selector('li.attendee')
    assert_keyboard_ready(panel, 'meeting attendees')
    panel.locator('li.attendee[data-email="pat@globex.example"]').get_by_role('button', name='Pat Buyer').click()
    panel.locator('section.card dl').wait_for()
    assert_keyboard_ready(panel, 'contact card')
    panel.get_by_role('button', name='Back').click()
    panel.get_by_role('tab', name='Notes').click()
    panel.locator('textarea').wait_for()
    assert_keyboard_ready(panel, 'notes')
    options = extension.context.new_page()
    options.goto(extension.url('extension/options/index.html'))
    options.locator('#account-status').wait_for()
    assert_keyboard_ready(options, 'options page')


def test_issue11_axe_and_keyboard_after_the_call_screens(extension, server, world):
    """Issue 11: the outcome picker, the Deals tab, the note editor and Schedule follow-up."""
    from server.models import Company, Deal
    from server.services import notes
    with db.connection_context():
        Deal.create(account=world.rep.account_id, name='Globex renewal',
                    company=Company.get(Company.name == 'Globex'))
        notes.add(world.rep, world.past.id, 'Budget approved')
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    open_meeting(panel, 'Morning check-in')
    panel.locator('.outcome select').first.wait_for()
    assert_accessible(panel, 'outcome picker')
    assert_keyboard_ready(panel, 'outcome picker')
    panel.get_by_role('tab', name='Deals').click()
    panel.locator('li.deal').wait_for()
    assert_accessible(panel, 'meeting deals')
    assert_keyboard_ready(panel, 'meeting deals')
    panel.get_by_role('tab', name='Notes').click()
    panel.get_by_role('button', name='Edit').click()
    panel.locator('textarea.edit').wait_for()
    assert_accessible(panel, 'note editor')
    assert_keyboard_ready(panel, 'note editor')
    panel.get_by_role('button', name='Schedule follow-up').click()
    panel.locator('.follow-up form').wait_for()
    assert_accessible(panel, 'schedule follow-up')
    panel.locator('h1').click()  # Tab starts from the top, not from the button that opened it
    assert_keyboard_ready(panel, 'schedule follow-up')
