"""CRM -> calendar (R5, R6, B1, B3) through an outbox: write the intent with the change, send it
after commit, exactly once.

Inside the CRM's transaction a CalendarOutbox row records what the calendar owes (insert, patch,
delete, or 'forget': the CRM deleted a synced meeting and the sync must not bring it back).
After commit a huey job delivers it. Inserts carry a client-chosen event id that is stored on
the meeting at once, so a retried insert whose response was lost finds the first event instead
of creating (and inviting) twice, and the sync's echo of the event updates this meeting instead
of logging a second one.
"""
import datetime
import json
import logging
import threading
import uuid

from peewee import JOIN

from server.calendars.base import (Attendee, AuthExpired, NewEvent, ProviderError,
                                   TransientError)
from server.db import lock_row, retrying, rollback_if_open, write_transaction
from server.models import (CalendarConnection, CalendarOutbox, Meeting, MeetingAttendee, Task,
                           User, utcnow)
from server.services import crypto
from server.services.hooks import meeting_hooks
from server.sync.bulk import select_in
from server.sync.rules import normalize_email

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRY_AFTER = datetime.timedelta(seconds=30)  # leave fresh rows to their after-commit job
LEASE = datetime.timedelta(seconds=60)  # a delivery's hold on its event (a crashed one expires)

_local = threading.local()


def _queued():
    if not hasattr(_local, 'ids'):
        _local.ids = []
    return _local.ids


def new_event_id():
    """A Google-valid client event id (base32hex: 0-9 and a-v), unique per meeting."""
    return 'ms' + uuid.uuid4().hex


def _connection(user_id):
    return CalendarConnection.get_or_none(CalendarConnection.user == user_id,
                                          CalendarConnection.status == 'connected')


def _calendar(user_id):
    """The calendar the user's CRM changes are owed to: connected, or waiting for the user to
    reconnect it (an expired grant, unreadable tokens). What is owed to the latter is held,
    not dropped, and delivered once reconnected (tasks.start_calendar)."""
    return CalendarConnection.get_or_none(
        CalendarConnection.user == user_id,
        CalendarConnection.status.in_(('connected', 'needs_reconnect')))


def _snapshot(meeting_id, user):
    """The meeting as the calendar should show it, taken inside the CRM's transaction."""
    meeting = Meeting.get_by_id(meeting_id)
    own = {normalize_email(user.email)}
    attendees = [{'email': a.email, 'display_name': a.display_name}
                 for a in MeetingAttendee.select(MeetingAttendee.email, MeetingAttendee.display_name)
                 .where(MeetingAttendee.meeting == meeting_id)
                 .order_by(MeetingAttendee.position, MeetingAttendee.id)
                 if a.email not in own]
    return meeting, {'title': meeting.title, 'start': meeting.start.isoformat(),
                     'end': meeting.end.isoformat(), 'description': meeting.description,
                     'location': meeting.location, 'video_link': meeting.video_link,
                     'attendees': attendees}


def _owner(meeting, user):
    """The user whose calendar holds the meeting's event: any colleague may edit it in the CRM."""
    if meeting.user_id is None or meeting.user_id == user.id:
        return user
    return User.get_by_id(meeting.user_id)


def _write(user, meeting_id, action, event_id, payload=None, status='pending', enqueue=True):
    """Owe the calendar one write; a pending one is enqueued after commit unless the caller
    delivers it itself (``enqueue=False``)."""
    row = CalendarOutbox.create(account=user.account_id, user=user.id, meeting=meeting_id,
                                action=action, provider_event_id=event_id,
                                payload=json.dumps(payload or {}), status=status,
                                done_at=utcnow() if status == 'done' else None)
    if status == 'pending' and enqueue:
        _queued().append(row.id)
    return row


def _pushable(meeting, user, connection):
    """Only the user's own events on the connected calendar are written to (R15: not frozen)."""
    return (connection is not None and meeting.provider_event_id
            and meeting.calendar_provider == connection.provider and not meeting.frozen
            and (meeting.source == 'crm'
                 or normalize_email(meeting.organizer_email) in
                 {normalize_email(user.email), normalize_email(connection.provider_email)}))


# -- hooks: inside the CRM's transaction ------------------------------------------------------

def on_scheduled(meeting, user):
    """R5: owe the calendar an insert (with invitations) and tie the meeting to its event id."""
    connection = _calendar(user.id)
    if connection is None:
        return
    event_id = new_event_id()
    Meeting.update(calendar_provider=connection.provider, provider_event_id=event_id).where(
        Meeting.id == meeting.id).execute()
    _, payload = _snapshot(meeting.id, user)
    _write(user, meeting.id, 'insert', event_id, payload)


def on_changed(meeting, user, emails=None):
    """B1 (and plain edits): owe the calendar a patch carrying the whole attendee list."""
    user = _owner(meeting, user)
    connection = _calendar(user.id)
    current, payload = _snapshot(meeting.id, user)
    if _pushable(current, user, connection):
        _write(user, meeting.id, 'patch', current.provider_event_id, payload)


def on_deleted(meeting, user, cancel_in_calendar=False):
    """R6 keeps the calendar event; B3 cancels it when asked. Either way the sync must not
    log the event again, so the event id is remembered ('forget')."""
    current = Meeting.get_or_none(Meeting.id == meeting.id)
    if current is None or not current.provider_event_id:
        return
    user = _owner(current, user)
    connection = _calendar(user.id)
    if cancel_in_calendar and _pushable(current, user, connection):
        _write(user, None, 'delete', current.provider_event_id)
    _write(user, None, 'forget', current.provider_event_id, status='done')


# -- task reminders (issue 11 §2, B8): the owner's own calendar, no attendees, no invitations --

REMINDER_LENGTH = datetime.timedelta(minutes=15)


def _reminder_payload(task, owner):
    """The reminder as the calendar should show it: at the task's due time in the owner's zone."""
    from server.services.due_dates import zone_of
    local = datetime.datetime.combine(task.due_date, task.due_time, zone_of(owner.time_zone))
    start = local.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return {'reminder': True, 'task_id': task.id, 'title': task.title,
            'start': start.isoformat(), 'end': (start + REMINDER_LENGTH).isoformat(),
            'description': '', 'location': '', 'video_link': '', 'attendees': []}


def _wants_reminder(task):
    return bool(task.reminder and task.due_date and task.due_time and not task.done)


def on_task_written(task, user):
    """Inside the task's transaction: owe the owner's calendar the reminder's insert, patch or
    delete, so it is created exactly once and goes when the task is done (or loses its time)."""
    owner = User.get_by_id(task.owner_id)
    connection = _calendar(owner.id)
    if task.reminder_event_id and not _wants_reminder(task):
        on_task_deleted(task, user)
    elif task.reminder_event_id:
        if connection is not None:
            _write(owner, None, 'patch', task.reminder_event_id, _reminder_payload(task, owner))
    elif _wants_reminder(task) and connection is not None:
        _owe_new_reminder(task, owner, _reminder_payload(task, owner))


def _owe_new_reminder(task, owner, payload, enqueue=True):
    """Owe the calendar the reminder's insert under a fresh event id, unless a concurrent
    writer (a second connect, an edit of the task) gave the task one since it was read: a
    compare-and-set on the task, so each reminder is created once (B2). True if owed."""
    event_id = new_event_id()
    if not Task.update(reminder_event_id=event_id).where(
            Task.id == task.id, Task.reminder_event_id.is_null()).execute():
        return False
    _write(owner, None, 'insert', event_id, payload, enqueue=enqueue)
    return True


def on_task_deleted(task, user):
    """The task is done, deleted or without a time: its reminder leaves the calendar."""
    if not task.reminder_event_id:
        return
    owner = User.get_by_id(task.owner_id)
    if _calendar(owner.id) is not None:
        _write(owner, None, 'delete', task.reminder_event_id, {'reminder': True})
    Task.update(reminder_event_id=None).where(Task.id == task.id).execute()


def owe_missing_reminders(user_id, now=None):
    """A calendar was just connected (or reconnected): the user's open tasks that asked for a
    reminder while there was no calendar to hold it get one now, if their time is still ahead.
    One transaction; returns how many. The rows are left pending for the caller to deliver
    with the rest of what the calendar is owed (``owed``)."""
    owner = User.get_by_id(user_id)
    now = now or utcnow()
    count = 0
    with write_transaction():
        if _calendar(user_id) is None:
            return 0
        waiting = Task.select().where(
            Task.owner == user_id, Task.reminder == True, Task.done == False,  # noqa: E712
            Task.reminder_event_id.is_null(), Task.due_date.is_null(False),
            Task.due_time.is_null(False))
        for task in waiting:
            payload = _reminder_payload(task, owner)
            if datetime.datetime.fromisoformat(payload['start']) > now:
                count += _owe_new_reminder(task, owner, payload, enqueue=False)
    return count


def after_commit(*args, **kwargs):
    """Enqueue delivery of the rows this thread's transaction wrote."""
    from server import tasks
    ids, _local.ids = list(_queued()), []
    for outbox_id in ids:
        tasks.deliver_outbox(outbox_id)


def subscribe():
    """Register the hooks (once per process: see server.sync.init_app)."""
    meeting_hooks.on('scheduled')(on_scheduled)
    meeting_hooks.on('updated')(on_changed)
    meeting_hooks.on('attendees_added')(on_changed)
    meeting_hooks.on('deleted')(on_deleted)
    for name in ('scheduled', 'updated', 'attendees_added', 'deleted'):
        meeting_hooks.on(name, after_commit=True)(after_commit)
    meeting_hooks.on('task_reminder')(on_task_written)
    meeting_hooks.on('task_changed')(on_task_written)
    meeting_hooks.on('task_deleted')(on_task_deleted)
    meeting_hooks.on('task_written', after_commit=True)(after_commit)


# -- delivery: after commit, in a job ---------------------------------------------------------

def _new_event(row, data):
    return NewEvent(title=data['title'], start=datetime.datetime.fromisoformat(data['start']),
                    end=datetime.datetime.fromisoformat(data['end']),
                    description=data.get('description', ''), location=data.get('location', ''),
                    video_link=data.get('video_link', ''),
                    attendees=[Attendee(a['email'], a.get('display_name', ''))
                               for a in data.get('attendees', [])],
                    event_id=row.provider_event_id or '', private=bool(data.get('reminder')))


@retrying
def _claim(row):
    """Take the row for this attempt and read what to send; return (status, payload, covered).

    'busy' while another delivery of the same event holds its lease (the caller comes back),
    'lost' when a concurrent worker took this row. The payload is the meeting as it is now,
    not as it was when the row was written: the calendar gets every attendee added since, and
    the pending patches of the event written before this read are delivered with it
    (``covered``): one calendar call, never an older list after a newer one (B1).
    """
    with write_transaction():
        # The CRM's writes of this meeting take the same lock: this read sees them whole.
        lock_row(Meeting, row.meeting_id)
        now = utcnow()
        # This row's own lease counts too: a delivery that read the row after another one
        # claimed it (a later row delivering its earlier ones first, a 'busy' retry) would
        # otherwise take it again and send a second, concurrent patch. Whichever of the two
        # reached the calendar last won, so an older attendee list could land after a newer
        # one: a cancellation, then a second invitation (B1).
        busy = CalendarOutbox.select(CalendarOutbox.id).where(
            CalendarOutbox.user == row.user_id,
            CalendarOutbox.provider_event_id == row.provider_event_id,
            CalendarOutbox.claimed_until > now).exists()
        if busy:
            return 'busy', None, []
        taken = CalendarOutbox.update(attempts=CalendarOutbox.attempts + 1,
                                      claimed_until=now + LEASE).where(
            CalendarOutbox.id == row.id, CalendarOutbox.status == 'pending',
            CalendarOutbox.attempts == row.attempts).execute() == 1
        if not taken:
            return 'lost', None, []
        payload, covered = json.loads(row.payload or '{}'), []
        meeting = Meeting.get_or_none(Meeting.id == row.meeting_id) if row.meeting_id else None
        if meeting is not None and row.action in ('insert', 'patch'):
            _, payload = _snapshot(meeting.id, User.get_by_id(row.user_id))
            covered = [i for (i,) in CalendarOutbox.select(CalendarOutbox.id).where(
                CalendarOutbox.user == row.user_id, CalendarOutbox.status == 'pending',
                CalendarOutbox.provider_event_id == row.provider_event_id,
                CalendarOutbox.action == 'patch', CalendarOutbox.id != row.id).tuples()]
        return 'claimed', payload, covered


@retrying
def _mark(row, **fields):
    """Record the attempt's end (releasing its lease)."""
    with write_transaction():
        CalendarOutbox.update(claimed_until=None, **fields).where(
            CalendarOutbox.id == row.id).execute()


@retrying
def _acknowledge(row, covered, event, connection):
    """The calendar took the write: this row and the ones it covered are done, and the meeting
    remembers when (the sync's echoes listed before then are older than this write)."""
    with write_transaction():
        lock_row(Meeting, row.meeting_id)  # first, as _claim does: one lock order
        if row.action == 'insert':
            _link(row, event, connection)
        now = utcnow()
        CalendarOutbox.update(status='done', done_at=now, last_error='', claimed_until=None).where(
            CalendarOutbox.id == row.id).execute()
        if covered:
            CalendarOutbox.update(status='done', done_at=now, last_error='').where(
                CalendarOutbox.id.in_(covered), CalendarOutbox.status == 'pending').execute()
        if row.meeting_id is not None:
            Meeting.update(calendar_acked_at=now).where(Meeting.id == row.meeting_id).execute()


def deliver(outbox_id, config, provider=None):
    """Send one outbox row (after the earlier rows of its meeting); return its status:
    'done', 'pending' (try again later), 'busy' (another delivery of its event is under way:
    come back in a moment), 'failed' or 'missing'."""
    row = CalendarOutbox.get_or_none(CalendarOutbox.id == outbox_id)
    if row is None or row.status != 'pending':
        return row.status if row else 'missing'
    # A list, not a cursor left open while the earlier rows are written (SQLite would hold
    # its read snapshot across those writes).
    earlier = [i for (i,) in CalendarOutbox.select(CalendarOutbox.id).where(
        CalendarOutbox.user == row.user_id, CalendarOutbox.status == 'pending',
        CalendarOutbox.id < row.id, CalendarOutbox.provider_event_id == row.provider_event_id)
        .order_by(CalendarOutbox.id).tuples()]
    for earlier_id in earlier:
        status = deliver(earlier_id, config, provider)
        if status != 'done':
            return 'busy' if status == 'busy' else 'pending'  # never patch before the insert
    if earlier:
        # An earlier insert or patch read the meeting after this row was written: covered.
        row = CalendarOutbox.get_by_id(outbox_id)
        if row.status != 'pending':
            return row.status
    connection = _connection(row.user_id)
    if connection is None:
        return 'pending'
    status, payload, covered = _claim(row)
    if status != 'claimed':
        return 'busy'  # another delivery has it (or its event) now: look again shortly
    owned = provider is None
    try:
        if owned:
            from server.sync.runner import default_provider
            provider = default_provider(connection, config)
        event = _send(row, payload, provider)
    except AuthExpired as error:
        # Not if the user disconnected meanwhile: their revoked grant is why (see connections).
        from server.services.connections import mark_needs_reconnect
        mark_needs_reconnect(connection, str(error))
        _mark(row, last_error=str(error)[:2000])
        return 'pending'
    except (crypto.TokenUnreadable, crypto.EncryptionKeyMissing) as error:
        # Nothing was sent, so this is no attempt. Unreadable tokens (TOKEN_ENCRYPTION_KEY
        # changed or lost) mark the connection needs_reconnect: deliver_pending then leaves the
        # row alone until the user reconnects, and reconnecting delivers it (issue 8).
        if isinstance(error, crypto.TokenUnreadable):
            from server.services.connections import mark_tokens_unreadable
            mark_tokens_unreadable(connection)
        _mark(row, last_error=error.message[:2000], attempts=row.attempts)
        return 'pending'
    except TransientError as error:
        give_up = row.attempts + 1 >= MAX_ATTEMPTS
        _mark(row, last_error=str(error)[:2000], status='failed' if give_up else 'pending')
        return 'failed' if give_up else 'pending'
    except (ProviderError, KeyError, ValueError) as error:
        log.warning('calendar write %s failed: %s', row.id, error)
        _mark(row, last_error=str(error)[:2000], status='failed')
        return 'failed'
    except BaseException:
        _mark(row)  # release the lease at once: the next attempt need not wait for it
        raise
    finally:
        if owned and provider is not None and hasattr(provider, 'close'):
            provider.close()
    _acknowledge(row, covered, event, connection)
    return 'done'


def _send(row, payload, provider):
    # A task's reminder invites no one: it has no attendees, and Google is told not to mail.
    notify = not payload.get('reminder')
    if row.action == 'insert':
        event = None
        if row.attempts > 0:
            # An earlier attempt may have created the event and lost the answer.
            event = provider.get_event(row.provider_event_id)
        if event is None:
            event = provider.insert_event(_new_event(row, payload), send_updates=notify)
        return event
    if row.action == 'patch':
        return provider.patch_event(row.provider_event_id, _new_event(row, payload),
                                    send_updates=notify)
    if row.action == 'delete':
        provider.delete_event(row.provider_event_id, send_updates=notify)
    return None


def _link(row, event, connection):
    """Store the created event on the meeting, so its echo from the sync updates this meeting
    (inside ``_acknowledge``'s transaction)."""
    if event.provider_event_id != row.provider_event_id:
        # A provider that chose its own id: later rows and any echo logged meanwhile follow.
        CalendarOutbox.update(provider_event_id=event.provider_event_id).where(
            CalendarOutbox.user == row.user_id, CalendarOutbox.status == 'pending',
            CalendarOutbox.provider_event_id == row.provider_event_id).execute()
        # A task's reminder: its later patch or delete goes to the id the provider chose.
        Task.update(reminder_event_id=event.provider_event_id).where(
            Task.owner == row.user_id, Task.reminder_event_id == row.provider_event_id).execute()
        Meeting.delete().where(
            Meeting.user == row.user_id, Meeting.calendar_provider == connection.provider,
            Meeting.provider_event_id == event.provider_event_id, Meeting.source == 'calendar',
            Meeting.id != row.meeting_id).execute()
    if row.meeting_id is not None:
        Meeting.update(calendar_provider=connection.provider,
                       provider_event_id=event.provider_event_id,
                       calendar_link=event.html_link or '', updated_at=utcnow()).where(
            Meeting.id == row.meeting_id).execute()


def deliver_pending(config, provider_for=None):
    """Retry rows still owed (failed attempts, or a crash between commit and enqueue).

    One row's failure is logged and never stops the others."""
    stale = utcnow() - RETRY_AFTER
    ids = [i for (i,) in CalendarOutbox.select(CalendarOutbox.id)
           .join(CalendarConnection, JOIN.INNER,
                 on=(CalendarConnection.user == CalendarOutbox.user))
           .where(CalendarOutbox.status == 'pending', CalendarOutbox.created_at < stale,
                  CalendarConnection.status == 'connected')
           .order_by(CalendarOutbox.id).limit(500).tuples()]
    done = 0
    for outbox_id in ids:
        try:
            done += retrying(deliver)(outbox_id, config) == 'done'
        except Exception:
            log.exception('calendar write %s failed; the other rows go on', outbox_id)
            rollback_if_open()
    return done


def unacknowledged(user_id, event_ids):
    """The event ids among ``event_ids`` with a CRM insert or patch the calendar has not
    acknowledged yet (B1: until then the CRM's meeting is the truth)."""
    return {e for (e,) in select_in(CalendarOutbox, ('provider_event_id',),
                                    {'user': user_id, 'status': 'pending'},
                                    'provider_event_id', list(event_ids))}


def forgotten(user_id, event_ids):
    """The event ids among ``event_ids`` whose meetings the CRM deleted (R6): never re-logged."""
    return {e for (e,) in select_in(CalendarOutbox, ('provider_event_id',),
                                    {'user': user_id, 'action': 'forget'},
                                    'provider_event_id', list(event_ids))}


def owed(user_id):
    """Ids of the calendar writes still pending for ``user_id``, oldest first."""
    return [i for (i,) in CalendarOutbox.select(CalendarOutbox.id).where(
        CalendarOutbox.user == user_id, CalendarOutbox.status == 'pending')
        .order_by(CalendarOutbox.id).tuples()]
