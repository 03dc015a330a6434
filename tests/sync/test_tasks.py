"""Background jobs and commands: the poll, busy retries, channel renewal, `sync now`, the worker."""
import datetime
import threading
import time

import pytest

from server import tasks
from server.models import CalendarConnection, Meeting, utcnow
from server.sync import channels, runner


@pytest.fixture
def wired(app, world):
    """The app's jobs use the world's in-memory calendar."""
    app.config['CALENDAR_PROVIDER_FACTORY'] = lambda connection, config: world.provider
    return world


def connection(world):
    return CalendarConnection.get_by_id(world.connection.id)


def test_periodic_poll_syncs_connected_users_not_synced_lately(wired):
    wired.calendar.add(wired.event('ev1'))
    assert tasks.poll_connected_users.call_local() == 1
    assert Meeting.select().count() == 1
    # Just synced: the next poll leaves the user alone (pushes cover the meantime).
    assert tasks.poll_connected_users.call_local() == 0


def test_a_busy_user_is_synced_again_shortly_after(wired):
    assert runner.acquire(wired.connection.id, 'another-worker')
    assert tasks.sync_user.call_local(wired.user.id) == 'busy'
    [again] = tasks.huey.scheduled()
    assert again.name.endswith('sync_user') and again.args == (wired.user.id,)
    assert again.eta > datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def test_push_channels_are_opened_and_renewed_before_they_expire(app, wired):
    app.config['PUBLIC_URL'] = 'https://crm.example.com'
    assert tasks.renew_push_channels.call_local() == 1
    first = connection(wired)
    address, channel = wired.calendar.channels[first.channel_id]
    assert address == 'https://crm.example.com/webhooks/memory'
    assert channels.token_matches(first, channel.token) and first.channel_expires_at > utcnow()
    assert tasks.renew_push_channels.call_local() == 0  # not due yet
    CalendarConnection.update(channel_expires_at=utcnow() + datetime.timedelta(hours=2)).execute()
    assert tasks.renew_push_channels.call_local() == 1
    second = connection(wired)
    assert second.channel_id != first.channel_id
    assert list(wired.calendar.channels) == [second.channel_id]  # the old one was stopped
    # Notifications of the old channel no longer verify; the new one's do.
    assert channels.find('memory', first.channel_id) is None
    assert channels.token_matches(channels.find('memory', second.channel_id), channel.token) is False


def test_sync_now_shows_progress_and_what_was_decided(runner, wired):
    wired.calendar.page_size = 2
    for i in range(5):
        wired.calendar.add(wired.event(f'ev{i}'))
    wired.calendar.add(wired.event('allday', all_day=True))
    result = runner.invoke(args=['sync', 'now', '--email', 'REP@acme.com'])
    assert result.exit_code == 0, result.output
    assert 'Syncing rep@acme.com' in result.output
    assert 'ok: 6 events (5 logged, 1 skipped)' in result.output
    assert Meeting.select().count() == 5


def test_sync_now_reports_a_connection_that_needs_reconnecting(runner, wired):
    wired.provider.auth_expired = True
    result = runner.invoke(args=['sync', 'now', '--email', 'rep@acme.com'])
    assert result.exit_code != 0 and 'needs_reconnect' in result.output
    assert runner.invoke(args=['sync', 'now', '--email', 'nobody@acme.com']).exit_code != 0


def test_worker_refuses_to_start_in_immediate_mode(runner):
    result = runner.invoke(args=['worker'])
    assert result.exit_code != 0 and 'HUEY_IMMEDIATE' in result.output


def test_a_queued_sync_runs_in_the_worker(app, wired, tmp_path):
    """Real queue (SQLite huey) and a real consumer, as `flask worker` runs it."""
    app.config.update(HUEY_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / 'huey.sqlite3'))
    tasks.configure(app)
    wired.calendar.add(wired.event('ev1'))
    tasks.sync_user(wired.user.id)
    assert Meeting.select().count() == 0  # only queued
    consumer = tasks.huey.create_consumer(workers=1, worker_type='thread', periodic=False)
    thread = threading.Thread(target=consumer.run, daemon=True)
    consumer._set_signal_handlers = lambda: None  # not the main thread
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Meeting.select().count() == 0:
            time.sleep(0.05)
        assert Meeting.select().count() == 1
    finally:
        consumer.stop(graceful=True)
        thread.join(10)
        app.config['HUEY_IMMEDIATE'] = True
        tasks.configure(app)


def test_issue8_the_worker_keeps_no_task_results(app, wired, tmp_path):
    """Issue 8 §5: nothing reads a task's return value, so huey's result store stays empty
    (it held 16,243 rows after an afternoon). A real SQLite queue and consumer."""
    app.config.update(HUEY_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / 'huey.sqlite3'))
    tasks.configure(app)
    for _ in range(3):
        tasks.sync_user(wired.user.id)
    tasks.poll_connected_users()
    assert tasks.huey.pending_count() == 4
    consumer = tasks.huey.create_consumer(workers=1, worker_type='thread', periodic=False)
    consumer._set_signal_handlers = lambda: None  # not the main thread
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and tasks.huey.pending_count():
            time.sleep(0.05)
        assert tasks.huey.pending_count() == 0
    finally:
        consumer.stop(graceful=True)  # lets the last task finish (and store, were it to)
        thread.join(10)
    try:
        assert tasks.huey.result_count() == 0
    finally:
        app.config['HUEY_IMMEDIATE'] = True
        tasks.configure(app)
