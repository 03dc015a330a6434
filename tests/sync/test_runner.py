"""Syncing one user: cursors, full resync on 410, retries, needs-reconnect and the lease."""
import datetime
import threading

from server.calendars.base import TransientError
from server.db import db
from server.models import CalendarConnection, Meeting
from server.sync import runner
from tests.clock import ahead

CONFIG = {'CALENDAR_RETRY_ATTEMPTS': 4, 'CALENDAR_BACKOFF_BASE': 0.001,
          'CALENDAR_RETRY_MAX_DELAY': 0.05}


def sync(world, **kwargs):
    return runner.sync_user(world.user.id, CONFIG, provider=world.provider, **kwargs)


def connection(world):
    return CalendarConnection.get_by_id(world.connection.id)


def fill(world, count, prefix='ev'):
    for i in range(count):
        world.calendar.add(world.event(f'{prefix}{i}', start=ahead(days=1, hour=9)
                                       + datetime.timedelta(hours=i)))


def test_pages_are_walked_and_the_cursor_is_stored(world):
    world.calendar.page_size = 250
    fill(world, 600)
    seen = []
    result = sync(world, progress=seen.append)
    assert (result.status, result.events) == ('ok', 600)
    assert seen == [250, 250, 100]
    stored = connection(world)
    assert stored.sync_cursor and stored.last_synced_at and stored.last_error == ''
    assert stored.sync_lock_owner is None  # released
    # The next sync is incremental: only what changed since the cursor.
    world.calendar.edit('ev3', title='Renamed')
    world.calendar.add(world.event('new'))
    result = sync(world)
    assert result.events == 2 and result.decisions == {'updated': 1, 'logged': 1}
    assert Meeting.select().count() == 601


def test_expired_cursor_resyncs_in_full_without_duplicates(world):
    fill(world, 30)
    sync(world)
    world.calendar.expire_cursors()  # Google answers 410 Gone to the stored token
    world.calendar.edit('ev1', title='Changed while the token expired')
    result = sync(world)
    assert result.status == 'ok' and result.full_resync
    assert Meeting.select().count() == 30
    assert Meeting.get(Meeting.provider_event_id == 'ev1').title == 'Changed while the token expired'
    assert connection(world).sync_cursor is not None
    assert sync(world).full_resync is False


def test_auth_expired_marks_needs_reconnect_and_keeps_what_was_synced(world):
    fill(world, 5)
    sync(world)
    world.provider.auth_expired = True
    world.calendar.add(world.event('later'))
    result = sync(world)
    assert result.status == 'needs_reconnect'
    stored = connection(world)
    assert stored.status == 'needs_reconnect' and 'revoked' in stored.last_error
    assert Meeting.select().count() == 5
    # A connection that needs reconnecting is not synced until the user reconnects.
    assert runner.sync_user(world.user.id, CONFIG, provider=world.provider).status == 'not_connected'


def test_transient_errors_are_retried_with_backoff_honouring_retry_after(world):
    fill(world, 3)
    failures = [TransientError('429', retry_after=0.02), TransientError('503')]
    world.provider.faults = lambda op: failures.pop(0) if op == 'list' and failures else None
    slept = []
    result = sync(world, sleep=slept.append)
    assert result.status == 'ok' and Meeting.select().count() == 3
    assert len(slept) == 2 and slept[0] >= 0.02


def test_transient_errors_beyond_the_bound_leave_the_sync_for_later(world):
    fill(world, 3)
    world.provider.faults = lambda op: TransientError('429', retry_after=3600)
    result = sync(world, sleep=lambda s: None)
    assert (result.status, result.retry_after) == ('retry_later', 3600)
    assert connection(world).last_error == '429'
    assert connection(world).sync_lock_owner is None


def test_two_workers_never_sync_one_user_at_once(world, app):
    """The lease is a database row, so it also holds across processes (not a mutex)."""
    fill(world, 3)
    inside, go_on = threading.Event(), threading.Event()
    real_list = world.provider.list_changes

    def slow_list(**kwargs):
        inside.set()
        go_on.wait(10)
        return real_list(**kwargs)

    world.provider.list_changes = slow_list
    results = {}

    def first():
        with db.connection_context():
            results['first'] = runner.sync_user(world.user.id, CONFIG, provider=world.provider)

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    with db.connection_context():
        results['second'] = runner.sync_user(world.user.id, CONFIG, provider=world.provider)
    go_on.set()
    thread.join(10)
    assert results['second'].status == 'busy'
    assert results['first'].status == 'ok'
    assert Meeting.select().count() == 3


def test_an_expired_lease_is_taken_over(world):
    assert runner.acquire(world.connection.id, 'dead-worker', seconds=-1)
    assert runner.acquire(world.connection.id, 'live-worker')
    assert not runner.acquire(world.connection.id, 'third-worker')
    runner.release(world.connection.id, 'dead-worker')  # not theirs any more: no effect
    assert connection(world).sync_lock_owner == 'live-worker'
