"""Apply one page of calendar changes for one user: rules in memory, writes in batches.

A page costs a constant number of SQL statements whatever its size (reads: meetings, their
attendees, contacts; writes: one upsert, attendee and timeline rows, deletes, the B4 log), all
inside one transaction. Applying the same page twice changes nothing (idempotent per user and
provider event id, through the unique index on meetings).
"""
import collections
import contextlib
import dataclasses
import datetime
import gc
import itertools
import logging
import operator
import types

from server.db import NO_KEY_UPDATE, is_postgres, retrying, write_transaction
from server.models import (Account, Contact, Meeting, MeetingAttendee, MeetingContact,
                           SyncDecision, User, utcnow)
from server.services import outbox
from server.sync import rules
from server.sync.bulk import (MAX_VARIABLES, chunks, insert_rows, is_in, select_in,
                              stored_datetime, upsert_tail)
from server.sync.rules import DELETED, LOGGED, SKIPPED, UPDATED

log = logging.getLogger(__name__)

MEETING_FIELDS = ('title', 'start', 'end', 'description', 'location', 'video_link',
                  'calendar_link', 'organizer_email', 'status', 'ical_uid')
MEETING_COLUMNS = MEETING_FIELDS + ('account', 'user', 'source', 'calendar_provider',
                                    'provider_event_id', 'frozen', 'created_at', 'updated_at',
                                    'outcome')
# A meeting cancelled in the calendar is 'canceled' (issue 11 §1); any other outcome is the
# CRM's own, which no calendar echo undoes (B9).
UPSERT = upsert_tail(Meeting, ('user', 'calendar_provider', 'provider_event_id'),
                     MEETING_FIELDS + ('updated_at',)) + (
    ', "outcome" = CASE WHEN EXCLUDED."status" = \'cancelled\' THEN \'canceled\' '
    'ELSE "meeting"."outcome" END')
ATTENDEE_COLUMNS = ('meeting', 'account', 'email', 'display_name', 'response_status',
                    'is_organizer', 'contact', 'position')
_meeting_tuple = operator.itemgetter(*MEETING_FIELDS)  # a row dict's MEETING_FIELDS in order
DECISION_COLUMNS = ('account', 'user', 'provider_event_id', 'title', 'decision', 'reason',
                    'meeting_id', 'created_at')


@dataclasses.dataclass(frozen=True)
class Scope:
    """Who a sync is for, and what the rules need about the account (loaded once per sync)."""
    account_id: int
    user_id: int
    provider: str
    connected_at: datetime.datetime
    domains: frozenset
    user_emails: frozenset

    @classmethod
    def for_connection(cls, connection):
        """Load the account's domains and users (R12) for ``connection``."""
        account = Account.get_by_id(connection.account_id)
        emails = {e for (e,) in User.select(User.email).where(
            User.account == account.id).tuples()}
        if connection.provider_email:
            emails.add(rules.normalize_email(connection.provider_email))
        return cls(account_id=account.id, user_id=connection.user_id,
                   provider=connection.provider, connected_at=connection.connected_at,
                   domains=frozenset(account.domains), user_emails=frozenset(emails))


@dataclasses.dataclass(slots=True)
class Outcome:
    provider_event_id: str
    decision: str
    reason: str
    meeting_id: int = None


def _cut(value, length):
    return (value or '')[:length]


class _Stored:
    """The meetings and attendees already in the database for a page's events."""

    def __init__(self, scope, event_ids, listed_at=None):
        # B1, in this order: the CRM's meetings of the page locked (PostgreSQL; a CRM write
        # of one of them, which takes the same lock, is either committed and seen below or
        # waits for this page), then the writes the calendar still owes, then the meetings.
        if is_postgres():
            list(Meeting.select(Meeting.id).where(
                Meeting.user == scope.user_id, Meeting.calendar_provider == scope.provider,
                Meeting.source == 'crm', is_in(Meeting.provider_event_id, event_ids))
                .order_by(Meeting.id).for_update(NO_KEY_UPDATE))
        self.unacknowledged = outbox.unacknowledged(scope.user_id, event_ids)
        self.listed_at = listed_at
        names = ('id', 'provider_event_id', 'source', 'frozen',
                 'calendar_acked_at') + MEETING_FIELDS
        self.meetings = {}
        for row in select_in(Meeting, names, {'user': scope.user_id,
                                              'calendar_provider': scope.provider},
                             'provider_event_id', event_ids):
            meeting = types.SimpleNamespace(**dict(zip(names, row)))
            self.meetings[meeting.provider_event_id] = meeting
        self.forgotten = outbox.forgotten(scope.user_id, event_ids)
        self.attendees = collections.defaultdict(list)
        # is_organizer stays as the driver gives it (SQLite: 0/1): rows are only compared with
        # the events' (1 == True) and written back, never shown. Reading it as a field was a
        # fifth of applying a page of edits.
        rows = select_in(MeetingAttendee, ('meeting', 'email', 'display_name', 'response_status',
                                           'is_organizer'), {}, 'meeting',
                         [m.id for m in self.meetings.values()], order_by=('meeting', 'position'),
                         read=False)
        for meeting_id, group in itertools.groupby(rows, operator.itemgetter(0)):
            self.attendees[meeting_id] = [row[1:] for row in group]

    def series_fingerprint(self, meeting):
        """R13: the stored master as the fingerprint an unchanged occurrence would have."""
        return rules.fingerprint(meeting.title, meeting.description, meeting.location,
                                 meeting.end - meeting.start, self.attendees[meeting.id])

    def existing(self, meeting, event, rows):
        """The rules' view of a stored meeting: does it already hold what the event says?"""
        unchanged = False
        if event.status != 'cancelled' and event.start and event.end:
            wanted = _meeting_values(event, meeting)
            unchanged = (all(getattr(meeting, k) == v for k, v in wanted.items())
                         and self.attendees[meeting.id] == rows)
        return rules.Existing(meeting_id=meeting.id, source=meeting.source, frozen=meeting.frozen,
                              status=meeting.status, unchanged=unchanged,
                              awaiting_calendar=self.awaiting_calendar(meeting))

    def awaiting_calendar(self, meeting):
        """B1: the CRM's meeting has a write the calendar has not answered, or answered after
        this page was asked for (so the page may show the event as it was before it)."""
        if meeting.source != 'crm':
            return False
        if meeting.provider_event_id in self.unacknowledged:
            return True
        acked = meeting.calendar_acked_at
        return acked is not None and self.listed_at is not None and acked >= self.listed_at


class _Plan:
    """The writes one page needs, gathered while deciding, executed in batches."""

    def __init__(self):
        self.upserts = {}  # provider event id -> meeting row
        self.attendees = {}  # provider event id -> [(email, name, response, is_organizer)]
        self.replace_for = set()  # existing meeting ids whose attendees/links are rewritten
        self.deletes = set()
        self.freezes = set()


@contextlib.contextmanager
def _gc_paused():
    """No cyclic garbage collection while a page is applied.

    A page allocates tens of thousands of tuples (rows, outcomes) that live exactly as long as
    the page and form no cycles; surviving the young generations, they set off full collections,
    each walking every object of the process. bench/sync.py measured that at ~8 us of a new
    event's ~55. Reference counting still frees everything; the collector runs again after
    (only re-enabled if it was enabled: another thread's page may overlap this one).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@retrying
def apply_page(scope, events, now=None, listed_at=None):
    """Apply ``events`` (CalendarEvents) for ``scope``; return one Outcome per event.

    ``listed_at``: when the page was asked for (before the provider answered). A CRM meeting
    whose write the calendar acknowledged after that keeps the CRM's version (B1)."""
    with _gc_paused():
        return _apply_page(scope, events, now, listed_at)


def _apply_page(scope, events, now, listed_at=None):
    now = now or utcnow()
    stamp = stored_datetime(now)  # every row of the page carries it: converted once
    latest = {}
    for event in events:  # a page may list an event twice: its last state wins
        latest[getattr(event, 'provider_event_id', None) or id(event)] = event
    # Series masters first, so their occurrences can be compared with them (R13); otherwise
    # page order.
    events, members = [], []
    wanted = set()  # the meetings to read: the page's events and their series' masters
    for event in latest.values():
        member = False
        if _is_event(event):
            wanted.add(event.provider_event_id)
            if event.recurring_event_id:
                wanted.add(event.recurring_event_id)
            member = rules.r13_is_series_member(event)
        (members if member else events).append(event)
    events += members
    wanted.discard('')
    with write_transaction():
        stored = _Stored(scope, wanted, listed_at)
        people = _people(events)
        contact_ids, internal = _match(scope, people, stored)
        plan, outcomes = _Plan(), []
        page_masters = {}
        # One context for the page; _decide sets its per-event fields before every decision
        # (building a fresh one per event was a tenth of the rules' time). R4 compares whole
        # seconds: truncated once here rather than per event.
        context = rules.RuleContext(
            connected_at=scope.connected_at.replace(microsecond=0), domains=scope.domains,
            user_emails=scope.user_emails, contact_ids=contact_ids, internal=internal)
        for event in events:
            outcomes.append(_decide_one(context, scope, event, people, stored, page_masters,
                                        plan, stamp))
        ids = _write(scope, plan, contact_ids, internal, stored, now)
        for outcome in outcomes:
            if outcome.meeting_id is None and outcome.decision in (LOGGED, UPDATED):
                outcome.meeting_id = ids.get(outcome.provider_event_id)
        _log(scope, events, outcomes, stored, stamp)
    return outcomes


def _is_event(event):
    return isinstance(getattr(event, 'provider_event_id', None), str)


def _people(events):
    """{event id: attendee rows} computed once per event; bad attendee data is left out."""
    found = {}
    for event in events:
        if _is_event(event):
            try:
                found[event.provider_event_id] = rules.attendee_rows(event)
            except (AttributeError, TypeError):
                continue  # that event is skipped as invalid
    return found


def _match(scope, people, stored):
    """R11 and R12 for every e-mail on the page at once: ({e-mail: contact id} of external
    people, the set of internal e-mails); one query (per chunk)."""
    emails = {row[0] for rows in people.values() for row in rows}
    for rows in stored.attendees.values():
        emails.update(row[0] for row in rows)
    internal = rules.internal_emails(emails, scope.domains, scope.user_emails)
    found = dict(select_in(Contact, ('email', 'id'), {'account': scope.account_id}, 'email',
                           sorted(emails - internal)))
    return found, internal


def _decide_one(context, scope, event, people, stored, page_masters, plan, stamp):
    event_id = getattr(event, 'provider_event_id', '') or ''
    try:
        return _decide(context, scope, event, people[event_id], stored, page_masters, plan,
                       stamp)
    except (AttributeError, TypeError, ValueError, KeyError) as error:
        # Bad provider data: skip this event with a reason, keep going (B4 shows it).
        log.warning('skipping calendar event %r: %s', event_id, error)
        plan.upserts.pop(event_id, None)
        return Outcome(str(event_id)[:1024], SKIPPED, 'invalid_event')


def _decide(context, scope, event, rows, stored, page_masters, plan, stamp):
    meeting = stored.meetings.get(event.provider_event_id)
    master_event = page_masters.get(event.recurring_event_id)
    master_meeting = stored.meetings.get(event.recurring_event_id) if event.recurring_event_id else None
    if master_event is not None:
        master = rules.event_fingerprint(master_event)
    elif master_meeting is not None:
        master = stored.series_fingerprint(master_meeting)
    else:
        master = None
    context.people = [row[0] for row in rows]
    context.existing = stored.existing(meeting, event, rows) if meeting else None
    context.master = master
    context.master_logged = master_meeting is not None or master_event is not None
    context.deleted_in_crm = event.provider_event_id in stored.forgotten
    decision, reason = rules.decide(event, context)
    meeting_id = meeting.id if meeting else None
    if event.is_recurring_master and decision in (LOGGED, UPDATED):
        page_masters[event.provider_event_id] = event
    if decision == DELETED:
        plan.deletes.add(meeting.id)
    elif reason == 'r15_made_private':
        plan.freezes.add(meeting.id)
    elif decision in (LOGGED, UPDATED) and reason not in ('r9_unchanged', 'b1_awaiting_calendar'):
        if event.status == 'cancelled':
            row, people = _cancelled_occurrence(event, meeting, master_meeting, master_event,
                                                stored)
        else:
            row, people = _meeting_values(event, meeting), rows
        _plan_upsert(scope, plan, event.provider_event_id, row, people, meeting,
                     stored.attendees.get(meeting.id) if meeting else None, stamp)
    return Outcome(event.provider_event_id, decision, reason, meeting_id)


def _meeting_values(event, meeting):
    # _cut and normalize_email written out: this runs once or twice per event of every page.
    return {
        'title': (event.title or '')[:500], 'start': event.start, 'end': event.end,
        'description': event.description or '', 'location': (event.location or '')[:500],
        # The CRM's own video link survives an echo that carries none (R5, R19).
        'video_link': (event.video_link or (meeting.video_link if meeting else '') or '')[:2000],
        'calendar_link': (event.html_link or '')[:2000],
        'organizer_email': (event.organizer_email or '').strip().lower()[:254],
        'status': 'scheduled',
        # Every attendee's copy of the event has it: a timeline shows the event once (R8).
        'ical_uid': (event.ical_uid or '')[:1024] or None,
    }


def _cancelled_occurrence(event, meeting, master_meeting, master_event, stored):
    """R13: a called-off occurrence keeps its series' details, marked cancelled."""
    if meeting is not None:
        row = {name: getattr(meeting, name) for name in MEETING_FIELDS}
        people = [tuple(r) for r in stored.attendees[meeting.id]]
    elif master_event is not None:
        row, people = _meeting_values(master_event, None), rules.attendee_rows(master_event)
    else:
        row = {name: getattr(master_meeting, name) for name in MEETING_FIELDS}
        people = [tuple(r) for r in stored.attendees[master_meeting.id]]
    start = event.start or event.original_start
    if start is None:
        raise ValueError('a cancelled occurrence without its start')
    if meeting is None:
        row['end'] = start + (row['end'] - row['start'])
        row['start'] = start
        row['calendar_link'] = _cut(event.html_link, 2000) or row['calendar_link']
        row['ical_uid'] = _cut(event.ical_uid, 1024) or row['ical_uid']
    if event.attendees:
        people = rules.attendee_rows(event)
    row['status'] = 'cancelled'
    return row, people


def _plan_upsert(scope, plan, event_id, row, people, meeting, stored_people, stamp):
    plan.upserts[event_id] = _meeting_tuple(row) + (
        scope.account_id, scope.user_id, 'calendar', scope.provider, event_id, False, stamp, stamp,
        'canceled' if row['status'] == 'cancelled' else 'scheduled')
    if meeting is not None and stored_people == people:
        return  # same people: their rows and timeline links stay as they are
    plan.attendees[event_id] = people
    if meeting is not None:
        plan.replace_for.add(meeting.id)


def _write(scope, plan, contact_ids, internal, stored, now):
    """Execute the plan in batches; return {provider event id: meeting id} for written rows."""
    if plan.deletes:
        for ids in chunks(plan.deletes, MAX_VARIABLES):
            # Cascades to attendees, timeline links and notes (R9).
            Meeting.delete().where(is_in(Meeting.id, ids)).execute()
    if plan.freezes:
        for ids in chunks(plan.freezes, MAX_VARIABLES):
            Meeting.update(frozen=True, updated_at=now).where(is_in(Meeting.id, ids)).execute()
    if not plan.upserts:
        return {}
    # One upsert keyed by the unique (user, provider, event id): replays cannot duplicate. It
    # returns the id of every row it wrote, new or updated (no SELECT of the new ids).
    ids = dict(insert_rows(Meeting, MEETING_COLUMNS, list(plan.upserts.values()), UPSERT,
                           returning=('provider_event_id', 'id')))
    _write_people(scope, plan, contact_ids, internal, ids, stored)
    return ids


def _write_people(scope, plan, contact_ids, internal, ids, stored):
    """Rewrite attendees and timeline links of the written meetings (R8, R10, R11, R12)."""
    replace = list(plan.replace_for)
    crm_owned = {m.id for m in stored.meetings.values() if m.source == 'crm'}
    calendar_owned = [i for i in replace if i not in crm_owned]
    for batch in chunks(replace, MAX_VARIABLES):
        MeetingAttendee.delete().where(is_in(MeetingAttendee.meeting, batch)).execute()
    for batch in chunks(calendar_owned, MAX_VARIABLES):
        # A CRM meeting keeps the contacts the user associated by hand.
        MeetingContact.delete().where(is_in(MeetingContact.meeting, batch)).execute()
    attendee_rows, link_rows, account_id = [], [], scope.account_id
    for event_id, people in plan.attendees.items():
        meeting_id = ids[event_id]
        linked = set()
        for position, (email, name, response, is_organizer) in enumerate(people):
            contact_id = contact_ids.get(email)  # never an internal e-mail's (_match)
            attendee_rows.append((meeting_id, account_id, email, name, response,
                                  is_organizer, contact_id, position))
            if contact_id is not None and contact_id not in linked:
                linked.add(contact_id)
                link_rows.append((meeting_id, contact_id))
    insert_rows(MeetingAttendee, ATTENDEE_COLUMNS, attendee_rows)
    # A CRM meeting may already show a contact linked by hand.
    insert_rows(MeetingContact, ('meeting', 'contact'), link_rows, 'ON CONFLICT DO NOTHING')


def _log(scope, events, outcomes, stored, stamp):
    """B4: one decision row per event seen."""
    # A deleted event arrives without its title: the log names it after its meeting.
    titles = {event_id: m.title for event_id, m in stored.meetings.items()}
    titles.update((e.provider_event_id, e.title) for e in events if _is_event(e) and e.title)
    rows, account_id, user_id = [], scope.account_id, scope.user_id
    for o in outcomes:
        title = titles.get(o.provider_event_id)
        rows.append((account_id, user_id, (o.provider_event_id or '')[:1024],
                     title[:500] if isinstance(title, str) else '', o.decision, o.reason,
                     o.meeting_id, stamp))
    insert_rows(SyncDecision, DECISION_COLUMNS, rows)
