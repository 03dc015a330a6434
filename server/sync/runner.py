"""Sync one user: take the connection's lease, walk the provider's pages, store the cursor.

The lease lives on the CalendarConnection row, so it holds across worker processes and hosts;
it expires by itself if a worker dies mid-sync. Each page is applied and committed on its own:
an interrupted sync loses nothing, and the next one replays pages idempotently from the last
stored cursor. The user may disconnect while a sync runs: renewing the lease before each page
also checks the connection is still the live one the sync started on, and everything written
back (cursor, sync time, error, needs_reconnect) is written only onto that connection.
"""
import collections
import concurrent.futures
import dataclasses
import datetime
import logging
import os
import socket
import threading
import time
import uuid

from server.calendars.base import AuthExpired, CursorExpired, ProviderError, TransientError
from server.calendars.retry import RetryPolicy, with_retries
from server.models import CalendarConnection, utcnow
from server.services import crypto, profile
from server.services.connections import mark_needs_reconnect, mark_tokens_unreadable, still_live
from server.sync import occurrences
from server.sync.engine import Scope, apply_page
from server.sync.series_pass import SeriesPass

log = logging.getLogger(__name__)

LEASE_SECONDS = 300
# A full pass lists events from this long before the connection time: R4 is about when an
# event was *created*, so a call the rep logs after connecting but dates yesterday is synced
# (the R4 rule then skips whatever was created before connecting).
LOOKBACK_DAYS = 30


@dataclasses.dataclass
class SyncResult:
    status: str  # ok | busy | not_connected | needs_reconnect | retry_later | failed
    events: int = 0
    decisions: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    full_resync: bool = False
    retry_after: float = None
    error: str = ''


def lock_owner():
    """A name for this worker thread that no other process or host can share."""
    return f'{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}'


def acquire(connection_id, owner, seconds=LEASE_SECONDS):
    """Take the user's sync lease if it is free or expired; True when taken (one UPDATE)."""
    return _take_lease(CalendarConnection.id == connection_id, owner, seconds)


def renew(connection, owner, seconds=LEASE_SECONDS):
    """Extend a lease we hold on a connection that is still live; False if the lease was lost
    (expired and taken by another worker) or the user disconnected meanwhile."""
    return _take_lease(still_live(connection), owner, seconds)


def _take_lease(row, owner, seconds):
    """Set ``owner``'s lease on the connection ``row`` matches, unless another holds it."""
    now = utcnow()
    free = ((CalendarConnection.sync_lock_until.is_null())
            | (CalendarConnection.sync_lock_until < now)
            | (CalendarConnection.sync_lock_owner == owner))
    taken = (CalendarConnection.update(sync_lock_owner=owner,
                                       sync_lock_until=now + datetime.timedelta(seconds=seconds))
             .where(row, free).execute())
    return taken == 1


def release(connection_id, owner):
    (CalendarConnection.update(sync_lock_owner=None, sync_lock_until=None)
     .where(CalendarConnection.id == connection_id,
            CalendarConnection.sync_lock_owner == owner).execute())


class LeaseLost(Exception):
    """Another worker took over this user's sync (our lease expired)."""


class Disconnected(Exception):
    """The user disconnected (or disconnected and connected again) while this sync ran."""


def default_provider(connection, config):
    """The provider for a connection: a test/deployment factory from config, else the registry."""
    factory = config.get('CALENDAR_PROVIDER_FACTORY')
    if factory is not None:
        return factory(connection, config)
    from server.calendars.registry import provider_for
    return provider_for(connection, config)


def sync_user(user_id, config, provider=None, progress=None, sleep=time.sleep):
    """Sync one user's primary calendar into the CRM; never two at once for one user."""
    connection = CalendarConnection.get_or_none(CalendarConnection.user == user_id,
                                                CalendarConnection.status == 'connected')
    if connection is None:
        return SyncResult('not_connected')
    seconds = int(config.get('SYNC_LOCK_SECONDS', LEASE_SECONDS))
    owner = lock_owner()
    if not acquire(connection.id, owner, seconds):
        return SyncResult('busy')
    result = SyncResult('ok')
    try:
        provider = provider or default_provider(connection, config)
        lookback = datetime.timedelta(days=float(config.get('SYNC_LOOKBACK_DAYS', LOOKBACK_DAYS)))
        _run(connection, provider, RetryPolicy.from_config(config), owner, seconds, result,
             progress, sleep, lookback)
        if not _finish(connection, last_synced_at=utcnow(), last_error=''):
            raise Disconnected()
    except Disconnected:
        # Disconnecting wiped the row; nothing of this sync is written back to it.
        result.status = 'not_connected'
    except AuthExpired as error:
        # The user must reconnect; every page applied so far stays (R21 shows the state). A
        # disconnect that revoked the grant mid-sync is also answered invalid_grant: then the
        # row stays disconnected instead of asking to reconnect a calendar the user removed.
        result.status, result.error = 'needs_reconnect', str(error) or 'authorization expired'
        if not mark_needs_reconnect(connection, result.error):
            result.status = 'not_connected'
    except crypto.TokenUnreadable as error:
        # TOKEN_ENCRYPTION_KEY changed or lost: no retry can help, reconnecting does (issue 8).
        result.status, result.error = 'needs_reconnect', error.message
        if not mark_tokens_unreadable(connection):
            result.status = 'not_connected'
    except crypto.EncryptionKeyMissing as error:
        # No key at all: a configuration fault an administrator fixes (the tokens may well
        # decrypt again then), so the connection is not marked; the error is shown.
        result.status, result.error = 'failed', error.message
        _finish(connection, last_error=result.error[:2000])
    except TransientError as error:
        result.status, result.error = 'retry_later', str(error) or 'provider unavailable'
        result.retry_after = error.retry_after
        _finish(connection, last_error=result.error[:2000])
    except (ProviderError, LeaseLost) as error:
        result.status, result.error = 'failed', str(error) or type(error).__name__
        _finish(connection, last_error=result.error[:2000])
    finally:
        release(connection.id, owner)
        close = getattr(provider, 'close', None)
        if close is not None:
            close()
    return result


def _run(connection, provider, policy, owner, seconds, result, progress, sleep, lookback):
    scope = Scope.for_connection(connection)
    since = scope.connected_at - lookback if scope.connected_at else None

    def fetch(cursor, page):
        listed_at = utcnow()  # before the provider answers: what B1 compares acks with
        return listed_at, with_retries(lambda: provider.list_changes(
            sync_cursor=cursor, page=page, since=None if cursor else since),
            policy, sleep=sleep)

    # The next page is fetched while this one is written: the provider's answer time overlaps
    # the database work. One fetch at a time, so the provider is never used concurrently.
    def apply(events, listed_at):
        outcomes = apply_page(scope, events, listed_at=listed_at)
        result.events += len(outcomes)
        result.decisions.update(o.decision for o in outcomes)
        if progress is not None:
            progress(len(outcomes))

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as prefetch:
        cursor = connection.sync_cursor
        pending = prefetch.submit(fetch, cursor, None)
        if cursor is None:
            # A full pass: the first sync after connecting, or a resync (B5).
            _adopt_time_zone(connection, provider, policy, sleep, prefetch)
        series = SeriesPass(scope)  # R13: what only the whole pass tells about a series
        first_listed = None  # when this pass's first page was asked for (B1)
        while True:
            try:
                listed_at, changes = pending.result()
                first_listed = first_listed or listed_at
            except CursorExpired:
                if cursor is None:
                    raise  # a full pass cannot expire; something else is wrong
                # Google 410 / stale Graph delta: list everything from the connection time
                # (less the lookback) again. The engine's upsert by event id means nothing is duplicated.
                log.info('sync cursor expired for connection %s: full resync', connection.id)
                cursor, result.full_resync = None, True
                pending = prefetch.submit(fetch, cursor, None)
                _adopt_time_zone(connection, provider, policy, sleep, prefetch)
                series, first_listed = SeriesPass(scope), None
                continue
            # R13 on Outlook: removals that name only an occurrence, resolved before the next
            # page is fetched (the lookup asks the provider, which is never used by two
            # threads at once).
            events = _resolve_removals(scope, changes, provider, policy, sleep)
            if changes.next_page:
                pending = prefetch.submit(fetch, cursor, changes.next_page)
            # Before writing the page: the lease covers the write, and a calendar the user
            # disconnected meanwhile gets no more meetings.
            _renew(connection, owner, seconds)
            events, ended = series.take(changes, events)
            if ended:
                apply(ended, first_listed)  # held since an earlier page: its listing time
            occurrences.remember(scope, changes.occurrences)
            apply(events, listed_at)
            if not changes.next_page:
                # Every page is written: the held cancelled weeks find their masters, and
                # the weeks no page listed are decided (series_pass).
                late = series.finish()
                if late:
                    apply(late, first_listed)
                if changes.sync_cursor and not _finish(connection, sync_cursor=changes.sync_cursor):
                    raise Disconnected()
                return


def _adopt_time_zone(connection, provider, policy, sleep, prefetch):
    """Take the calendar's time zone as the user's, unless they chose one (B5). Asked after
    the first page's fetch has been handed to ``prefetch`` and run on it too, so the
    provider is never used by two threads at once."""
    def ask():
        return with_retries(provider.time_zone, policy, sleep=sleep)
    zone = prefetch.submit(ask).result()
    if profile.adopt_calendar_time_zone(connection.user_id, zone):
        log.info('user %s: time zone %s from the calendar', connection.user_id, zone)


def _resolve_removals(scope, changes, provider, policy, sleep):
    def series_exists(series_id):
        series = with_retries(lambda: provider.get_event(series_id), policy, sleep=sleep)
        return series is not None and series.status != 'cancelled'  # Google keeps deleted ones
    return occurrences.resolve_removals(scope, changes.events, series_exists)


def _renew(connection, owner, seconds):
    if renew(connection, owner, seconds):
        return
    if CalendarConnection.select().where(still_live(connection)).exists():
        raise LeaseLost('the sync lease expired and another worker took over')
    raise Disconnected()


def _finish(connection, **fields):
    """Write the sync's outcome onto the connection it started on, if that is still live (a
    disconnect wiped cursor and tokens; they must not come back). True if written."""
    fields['updated_at'] = utcnow()
    return CalendarConnection.update(**fields).where(still_live(connection)).execute() == 1
