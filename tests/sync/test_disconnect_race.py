"""A disconnect racing a running sync or calendar write: the row the user disconnected stays
disconnected. Disconnecting revokes the grant, so the running sync's next provider call is
refused (invalid_grant); nothing it does afterwards may turn the row back into
'needs_reconnect' or write a cursor, a sync time or an error onto it.

Each race is staged deterministically: the provider itself disconnects the user in the middle
of the call the sync is waiting for.
"""
import datetime
import threading

import pytest

from server.calendars.base import AuthExpired
from server.db import db
from server.models import CalendarConnection, CalendarOutbox, Meeting, utcnow
from server.services import connections
from server.sync import runner
from tests.fakes.fixtures import connect_memory_calendar
from tests.clock import ahead, iso_ahead

CONFIG = {'CALENDAR_RETRY_ATTEMPTS': 2, 'CALENDAR_BACKOFF_BASE': 0.001,
          'CALENDAR_RETRY_MAX_DELAY': 0.01}


def stored(world):
    return CalendarConnection.get_by_id(world.connection.id)


def fill(world, count):
    for i in range(count):
        world.calendar.add(world.event(f'ev{i}', start=ahead(days=1, hour=9)
                                       + datetime.timedelta(hours=i)))


def disconnect(user):
    """What the user's click does, from whichever thread the provider call runs in."""
    with db.connection_context():
        connections.disconnect(user, CONFIG)


def assert_disconnected(world):
    row = stored(world)
    assert row.status == 'disconnected'
    assert row.sync_cursor is None and row.last_synced_at is None and row.last_error == ''
    assert row.sync_lock_owner is None  # the lease is released all the same
    assert connections.state(world.user)['status'] == 'not_connected'  # Settings and /me


def test_r21_a_grant_revoked_by_disconnect_mid_sync_does_not_ask_to_reconnect(world):
    fill(world, 3)
    real_list = world.provider.list_changes

    def revoked_while_listing(**kwargs):
        disconnect(world.user)
        real_list(**kwargs)
        raise AuthExpired('invalid_grant: Token has been expired or revoked.')

    world.provider.list_changes = revoked_while_listing
    result = runner.sync_user(world.user.id, CONFIG, provider=world.provider)
    assert result.status == 'not_connected'
    assert_disconnected(world)


def test_a_sync_whose_pages_still_arrive_after_a_disconnect_stops_writing(world):
    """Outlook's tokens cannot be revoked: the running sync's own calls keep working. It stops at
    the next page: no more meetings, and no cursor or sync time on the disconnected row."""
    world.calendar.page_size = 2
    fill(world, 5)
    real_list = world.provider.list_changes
    first_page_written = threading.Event()

    def disconnected_during_second_page(**kwargs):
        if kwargs.get('page'):  # fetched while page 1 is written: wait until it is
            assert first_page_written.wait(10)
            disconnect(world.user)
        return real_list(**kwargs)

    world.provider.list_changes = disconnected_during_second_page
    result = runner.sync_user(world.user.id, CONFIG, provider=world.provider,
                              progress=lambda count: first_page_written.set())
    assert result.status == 'not_connected' and result.events == 2
    assert Meeting.select().count() == 2  # page 1 stays (the CRM's meetings stay)
    assert_disconnected(world)


def test_a_sync_ending_after_disconnect_and_reconnect_leaves_the_new_connection_alone(world):
    """Connecting again starts a new integration period (R4) with no cursor: the old sync's
    cursor, read under the old grant, must not become the new connection's."""
    fill(world, 1)
    real_list = world.provider.list_changes
    reconnected_at = utcnow().replace(microsecond=0) + datetime.timedelta(seconds=1)

    def reconnected_while_listing(**kwargs):
        disconnect(world.user)
        with db.connection_context():  # what connections.connect() writes for a new period
            CalendarConnection.update(status='connected', connected_at=reconnected_at).where(
                CalendarConnection.id == world.connection.id).execute()
        return real_list(**kwargs)

    world.provider.list_changes = reconnected_while_listing
    result = runner.sync_user(world.user.id, CONFIG, provider=world.provider)
    assert result.status == 'not_connected'
    row = stored(world)
    assert (row.status, row.connected_at) == ('connected', reconnected_at)
    assert row.sync_cursor is None and row.last_synced_at is None
    assert Meeting.select().count() == 0  # the old period's page is not written either


def test_a_sync_without_a_disconnect_still_stores_cursor_and_time(world):
    fill(world, 3)
    result = runner.sync_user(world.user.id, CONFIG, provider=world.provider)
    assert result.status == 'ok'
    row = stored(world)
    assert row.status == 'connected' and row.sync_cursor and row.last_synced_at


def test_r21_a_refused_grant_without_a_disconnect_still_asks_to_reconnect(world):
    world.provider.auth_expired = True
    result = runner.sync_user(world.user.id, CONFIG, provider=world.provider)
    assert result.status == 'needs_reconnect'
    assert stored(world).status == 'needs_reconnect'


@pytest.fixture
def writing(app, caller):
    """The caller's memory calendar, connected, as the outbox's provider."""
    return connect_memory_calendar(app, caller.user)


def test_r21_a_calendar_write_refused_after_a_disconnect_does_not_ask_to_reconnect(
        app, caller, writing):
    def revoked_while_inserting(event, send_updates=True):
        with db.connection_context():
            connections.disconnect(caller.user, app.config)
        raise AuthExpired('invalid_grant')

    writing.provider.insert_event = revoked_while_inserting
    response = caller.post('/meetings', json={
        'title': 'Demo call', 'start': iso_ahead(), 'end': iso_ahead(minute=30),
        'attendees': [{'email': 'buyer@client.com'}]})
    assert response.status_code == 201, response.json
    with db.connection_context():
        row = CalendarConnection.get()
        assert (row.status, row.last_error) == ('disconnected', '')
        assert [r.status for r in CalendarOutbox.select()] == ['pending']
