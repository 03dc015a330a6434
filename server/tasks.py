"""Background jobs with huey: syncs, the periodic poll, push-channel renewal, outbox delivery,
and the decision log's retention.

SQLite-backed huey by default (no extra service), RedisHuey's storage when REDIS_URL is set,
immediate mode (tasks run inline) when HUEY_IMMEDIATE is set, as in the tests. Every task opens
the database itself, like a request does.
"""
import contextlib
import datetime
import logging

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from huey import crontab
from huey.storage import RedisStorage, SqliteStorage

from server.db import db, retrying
from server.periodic import OncePerMinuteHuey
from server.services.push_status import POLL_MINUTES

log = logging.getLogger(__name__)

# Configured from the app's settings by ``configure``; in-memory until then. No task's return
# value is read by anyone, so none is stored: huey otherwise keeps each one in its result store
# forever (16,243 rows after one afternoon, issue 8). Tasks return their outcome for
# call_local() and the tests. Each due periodic task is enqueued once whatever the number of
# consumers (server/periodic.py).
huey = OncePerMinuteHuey('meetside', immediate=True, utc=True, results=False)

_app = None

BUSY_RETRY_SECONDS = 5
MAX_RESCHEDULE_SECONDS = 3600


def configure(app):
    """Point huey at the storage the settings name (Redis, else SQLite) and remember the app."""
    global _app
    _app = app
    config = app.config
    # One name per deployment: a Redis (or SQLite file) can carry several apart.
    huey.name = config.get('HUEY_NAME') or 'meetside'
    if config.get('REDIS_URL'):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {'url': config['REDIS_URL']}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {'filename': config['HUEY_SQLITE_PATH']}
    huey._immediate = bool(config.get('HUEY_IMMEDIATE'))
    huey.storage = huey.create_storage()


@contextlib.contextmanager
def task_context():
    """An app context and a database connection for one task (kept if the caller had one)."""
    with _app.app_context():
        opened = db.is_closed()
        if opened:
            db.connect()
        try:
            yield current_app.config
        finally:
            if opened and not db.is_closed():
                db.close()


@huey.task()
def sync_user(user_id):
    """Sync one user's calendar; come back later when the provider or the lease says so."""
    from server.sync import runner
    with task_context() as config:
        result = retrying(runner.sync_user)(user_id, config)
    if result.status == 'busy':
        # Another worker is syncing this user and may have listed before this change arrived.
        sync_user.schedule((user_id,), delay=int(config.get('SYNC_BUSY_RETRY_SECONDS',
                                                             BUSY_RETRY_SECONDS)))
    elif result.status == 'retry_later':
        delay = min(MAX_RESCHEDULE_SECONDS, max(1, int(result.retry_after or 60)))
        sync_user.schedule((user_id,), delay=delay)
    return result.status


@huey.task()
def start_calendar(user_id):
    """A calendar was just connected: open its push channel, run the first sync, then send the
    calendar writes it still owes (those held while the connection needed reconnecting, and
    the reminders of tasks made while there was no calendar)."""
    from server.models import CalendarConnection
    from server.services import outbox, push_status
    with task_context() as config:
        connection = CalendarConnection.get_or_none(CalendarConnection.user == user_id,
                                                    CalendarConnection.status == 'connected')
        if connection is None:
            return 'not_connected'
        # A channel that cannot open is recorded (Settings › Calendar); the poll covers for it.
        push_status.open_channel(connection, config)
        # Reminders of tasks made while no calendar was connected (issue 11 §2) are owed now.
        outbox.owe_missing_reminders(user_id)
        owed = outbox.owed(user_id)
    sync_user(user_id)
    for outbox_id in owed:
        deliver_outbox(outbox_id)
    return 'started'


def on_connected(connection):
    """connection_hooks 'connected' (after commit): start the new calendar in the background."""
    start_calendar(connection.user_id)


@huey.periodic_task(crontab(minute=f'*/{POLL_MINUTES}'))
def poll_connected_users():
    """Sync every connected user not synced lately: catches pushes that never arrived."""
    from server.models import CalendarConnection, utcnow
    with task_context():
        stale = utcnow() - datetime.timedelta(minutes=POLL_MINUTES)
        user_ids = [uid for (uid,) in CalendarConnection.select(CalendarConnection.user).where(
            CalendarConnection.status == 'connected',
            CalendarConnection.last_synced_at.is_null() | (CalendarConnection.last_synced_at < stale)
        ).tuples()]
    for user_id in user_ids:
        sync_user(user_id)
    return len(user_ids)


@huey.periodic_task(crontab(minute='17'))
def renew_push_channels():
    """Renew push channels (Google watch, Graph subscriptions) before they expire."""
    from server.services import push_status
    with task_context() as config:
        return push_status.renew_due(config)


DELIVERY_BUSY_RETRY_SECONDS = 1


@huey.task()
def deliver_outbox(outbox_id):
    """Send one CRM change to the calendar (R5, B1, B3); safe to run more than once."""
    from server.services import outbox
    with task_context() as config:
        status = retrying(outbox.deliver)(outbox_id, config)
    if status == 'busy':
        # Another delivery of the same event is under way and may carry this change too: look
        # again in a moment (its lease is short, so this ends).
        deliver_outbox.schedule((outbox_id,), delay=DELIVERY_BUSY_RETRY_SECONDS)
    return status


@huey.periodic_task(crontab(minute='*'))
def deliver_pending_outbox():
    """Retry calendar writes that failed or were never enqueued (a crash after commit)."""
    from server.services import outbox
    with task_context() as config:
        return outbox.deliver_pending(config)


@huey.periodic_task(crontab(minute='41', hour='3'))
def prune_sync_decisions():
    """Delete B4 decision rows past SYNC_DECISION_RETENTION_DAYS, in short batches."""
    from server.services import decision_retention
    with task_context() as config:
        return decision_retention.prune(decision_retention.retention_days(config)).deleted


@huey.periodic_task(crontab(minute='47', hour='3'))
def prune_series_occurrences():
    """Forget the Outlook occurrences (R13) that no calendar-view window reaches any more."""
    from server.calendars.outlook.provider import reach
    from server.models import utcnow
    from server.sync import occurrences
    with task_context() as config:
        return occurrences.prune(utcnow() - reach(config))


@huey.task()
def import_csv(job_id):
    """Import an uploaded CSV file (issue 13 §2), batch by batch; resumes where it stopped."""
    from server.services import csv_import
    with task_context():
        try:
            job = retrying(csv_import.run)(job_id)
        except Exception as error:  # the job says so on its page; the next run resumes
            log.exception('import %s failed', job_id)
            csv_import.fail(job_id, f'The import stopped: {error}')
            return 'failed'
    return job.status if job is not None else 'missing'


@huey.periodic_task(crontab(minute='*/5'))
def resume_stale_imports():
    """Resume the imports whose worker died (no progress for two minutes): each goes on from
    its first row not committed."""
    from server.services import csv_import
    with task_context():
        stale = csv_import.stale_jobs()
    for job_id in stale:
        import_csv(job_id)
    return len(stale)


# -- command line -----------------------------------------------------------------------------

@click.command('worker')
@with_appcontext
@click.option('--workers', default=2, show_default=True, help='Worker threads.')
def worker_command(workers):
    """Run the huey consumer: syncs, pushes, the periodic poll and calendar writes."""
    if huey.immediate:
        raise click.ClickException('HUEY_IMMEDIATE is set: tasks run inline, there is no queue.')
    refused = current_app.extensions.get('meetside.configuration_error')
    if refused is not None:
        raise click.ClickException(str(refused))
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    huey.create_consumer(workers=workers, worker_type='thread', periodic=True).run()


@click.group('sync', cls=AppGroup)
def sync_cli():
    """Calendar sync."""


@sync_cli.command('now')
@click.option('--email', required=True, help="The user whose calendar to sync.")
def sync_now(email):
    """Sync one user's calendar in the foreground, with a progress bar."""
    from server.models import CalendarConnection, User
    from server.sync import runner
    user = User.get_or_none(User.email == email.strip().lower())
    if user is None:
        raise click.ClickException(f'No user with e-mail {email}.')
    if not CalendarConnection.select().where(CalendarConnection.user == user.id,
                                             CalendarConnection.status == 'connected').exists():
        raise click.ClickException(f'{user.email} has no connected calendar '
                                   '(connect it in Settings › Calendar).')
    # The number of changes is unknown until the last page: show a running count of events.
    with click.progressbar(iter(()), label=f'Syncing {user.email}', show_pos=True) as bar:
        result = runner.sync_user(user.id, current_app.config, progress=bar.update)
    counts = ', '.join(f'{n} {d}' for d, n in sorted(result.decisions.items())) or 'no changes'
    click.echo(f'{result.status}: {result.events} events ({counts})'
               + (' after a full resync' if result.full_resync else ''))
    if result.status != 'ok':
        raise click.ClickException(result.error or result.status)


@sync_cli.command('prune-decisions')
@click.option('--days', type=click.IntRange(min=0), default=None,
              help='Keep decisions younger than this [default: SYNC_DECISION_RETENTION_DAYS].')
@click.option('--batch-size', type=click.IntRange(1, 5000), default=None,
              help='Rows deleted per transaction.')
def prune_decisions(days, batch_size):
    """Delete old B4 decision rows now; each event's newest decision is kept."""
    from server.services import decision_retention
    days = decision_retention.retention_days(current_app.config) if days is None else days
    if days <= 0:
        click.echo(f'Retention is {days} days: decisions are kept forever, nothing to prune.')
        return
    result = decision_retention.prune(
        days, batch_size=batch_size or decision_retention.BATCH_SIZE)
    click.echo(f'Deleted {result.deleted} decision(s) older than {days} days in '
               f'{result.batches} batch(es); each event keeps its newest decision.')


def init_app(app):
    configure(app)
    app.cli.add_command(worker_command)
    app.cli.add_command(sync_cli)
