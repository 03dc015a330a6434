"""Apply one page of calendar changes for one user: rules in memory, writes in batches.

A page costs a constant number of SQL statements whatever its size (reads: meetings, their
attendees, contacts; writes: one upsert, attendee and timeline rows, deletes, the B4 log), all
inside one transaction. Applying the same page twice changes nothing (idempotent per user and
provider event id, through the unique index on meetings).
"""
import collections
import dataclasses
import datetime
import logging

from peewee import EXCLUDED

from server.db import db
from server.models import (Account, Contact, Meeting, MeetingAttendee, MeetingContact,
                           SyncDecision, User, utcnow)
from server.services import outbox
from server.sync import rules
from server.sync.rules import DELETED, LOGGED, SKIPPED, UPDATED

log = logging.getLogger(__name__)

# SQLite allows 32,766 bound variables per statement (PostgreSQL 65,535); stay under both.
MAX_VARIABLES = 30000

MEETING_FIELDS = ('title', 'start', 'end', 'description', 'location', 'video_link',
                  'calendar_link', 'organizer_email', 'status')


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


@dataclasses.dataclass
class Outcome:
    provider_event_id: str
    decision: str
    reason: str
    meeting_id: int = None


def chunks(items, size):
    items = list(items)
    for at in range(0, len(items), max(size, 1)):
        yield items[at:at + size]


def _cut(value, length):
    return (value or '')[:length]


class _Stored:
    """The meetings and attendees already in the database for a page's events."""

    def __init__(self, scope, event_ids):
        self.meetings = {}
        self.attendees = collections.defaultdict(list)
        for ids in chunks(event_ids, MAX_VARIABLES):
            query = Meeting.select().where(
                Meeting.user == scope.user_id, Meeting.calendar_provider == scope.provider,
                Meeting.provider_event_id.in_(ids))
            self.meetings.update((m.provider_event_id, m) for m in query)
        self.forgotten = set()
        for ids in chunks(event_ids, MAX_VARIABLES):
            self.forgotten |= outbox.forgotten(scope.user_id, ids)
        by_id = {m.id: m for m in self.meetings.values()}
        for ids in chunks(by_id, MAX_VARIABLES):
            query = (MeetingAttendee.select(MeetingAttendee.meeting, MeetingAttendee.email,
                                            MeetingAttendee.display_name,
                                            MeetingAttendee.response_status,
                                            MeetingAttendee.is_organizer)
                     .where(MeetingAttendee.meeting.in_(ids))
                     .order_by(MeetingAttendee.meeting, MeetingAttendee.position).tuples())
            for meeting_id, *row in query:
                self.attendees[meeting_id].append(tuple(row))

    def series_fingerprint(self, meeting):
        """R13: the stored master as the fingerprint an unchanged occurrence would have."""
        return rules.fingerprint(meeting.title, meeting.description, meeting.location,
                                 meeting.end - meeting.start, self.attendees[meeting.id])

    def existing(self, meeting, event):
        """The rules' view of a stored meeting: does it already hold what the event says?"""
        unchanged = False
        if event.status != 'cancelled' and event.start and event.end:
            wanted = _meeting_values(event, meeting)
            unchanged = (all(getattr(meeting, k) == v for k, v in wanted.items())
                         and self.attendees[meeting.id] == rules.attendee_rows(event))
        return rules.Existing(meeting_id=meeting.id, source=meeting.source, frozen=meeting.frozen,
                              status=meeting.status, unchanged=unchanged)


class _Plan:
    """The writes one page needs, gathered while deciding, executed in batches."""

    def __init__(self):
        self.upserts = {}  # provider event id -> meeting row
        self.attendees = {}  # provider event id -> [(email, name, response, is_organizer)]
        self.replace_for = set()  # existing meeting ids whose attendees/links are rewritten
        self.deletes = set()
        self.freezes = set()


def apply_page(scope, events, now=None):
    """Apply ``events`` (CalendarEvents) for ``scope``; return one Outcome per event."""
    now = now or utcnow()
    latest = {}
    for event in events:  # a page may list an event twice: its last state wins
        latest[getattr(event, 'provider_event_id', None) or id(event)] = event
    events = list(latest.values())
    # Series masters first, so their occurrences can be compared with them (R13).
    events.sort(key=lambda e: bool(rules.r13_is_series_member(e)) if _is_event(e) else False)
    with db.atomic():
        wanted = {e.provider_event_id for e in events if _is_event(e) and e.provider_event_id}
        wanted |= {e.recurring_event_id for e in events if _is_event(e) and e.recurring_event_id}
        stored = _Stored(scope, wanted)
        contact_ids = _contact_ids(scope, events, stored)
        plan, outcomes = _Plan(), []
        page_masters = {}
        for event in events:
            outcomes.append(_decide_one(scope, event, stored, contact_ids, page_masters, plan, now))
        ids = _write(scope, plan, contact_ids, stored, now)
        for outcome in outcomes:
            if outcome.meeting_id is None and outcome.decision in (LOGGED, UPDATED):
                outcome.meeting_id = ids.get(outcome.provider_event_id)
        _log(scope, events, outcomes, now)
    return outcomes


def _is_event(event):
    return isinstance(getattr(event, 'provider_event_id', None), str)


def _contact_ids(scope, events, stored):
    """R11: {e-mail: contact id} for every e-mail on the page, in one query (per chunk)."""
    emails = set()
    for event in events:
        if _is_event(event):
            try:
                emails.update(rules.people(event))
            except (AttributeError, TypeError):
                continue  # bad attendee data: that event is skipped later
    for rows in stored.attendees.values():
        emails.update(row[0] for row in rows)
    emails = {e for e in emails if e and not rules.is_internal(e, scope.domains, scope.user_emails)}
    found = {}
    for batch in chunks(sorted(emails), MAX_VARIABLES):
        found.update(Contact.select(Contact.email, Contact.id).where(
            Contact.account == scope.account_id, Contact.email.in_(batch)).tuples())
    return found


def _decide_one(scope, event, stored, contact_ids, page_masters, plan, now):
    event_id = getattr(event, 'provider_event_id', '') or ''
    try:
        return _decide(scope, event, stored, contact_ids, page_masters, plan, now)
    except (AttributeError, TypeError, ValueError, KeyError) as error:
        # Bad provider data: skip this event with a reason, keep going (B4 shows it).
        log.warning('skipping calendar event %r: %s', event_id, error)
        plan.upserts.pop(event_id, None)
        return Outcome(str(event_id)[:1024], SKIPPED, 'invalid_event')


def _decide(scope, event, stored, contact_ids, page_masters, plan, now):
    meeting = stored.meetings.get(event.provider_event_id)
    master_event = page_masters.get(event.recurring_event_id)
    master_meeting = stored.meetings.get(event.recurring_event_id) if event.recurring_event_id else None
    if master_event is not None:
        master = rules.event_fingerprint(master_event)
    elif master_meeting is not None:
        master = stored.series_fingerprint(master_meeting)
    else:
        master = None
    context = rules.RuleContext(
        connected_at=scope.connected_at, domains=scope.domains, user_emails=scope.user_emails,
        contact_ids=contact_ids, existing=stored.existing(meeting, event) if meeting else None,
        master=master, master_logged=master_meeting is not None or master_event is not None,
        deleted_in_crm=event.provider_event_id in stored.forgotten)
    decision, reason = rules.decide(event, context)
    meeting_id = meeting.id if meeting else None
    if event.is_recurring_master and decision in (LOGGED, UPDATED):
        page_masters[event.provider_event_id] = event
    if decision == DELETED:
        plan.deletes.add(meeting.id)
    elif reason == 'r15_made_private':
        plan.freezes.add(meeting.id)
    elif decision in (LOGGED, UPDATED) and reason != 'r9_unchanged':
        if event.status == 'cancelled':
            row, people = _cancelled_occurrence(event, meeting, master_meeting, master_event,
                                                stored)
        else:
            row, people = _meeting_values(event, meeting), rules.attendee_rows(event)
        _plan_upsert(scope, plan, event.provider_event_id, row, people, meeting, now)
    return Outcome(event.provider_event_id, decision, reason, meeting_id)


def _meeting_values(event, meeting):
    return {
        'title': _cut(event.title, 500), 'start': event.start, 'end': event.end,
        'description': event.description or '', 'location': _cut(event.location, 500),
        # The CRM's own video link survives an echo that carries none (R5, R19).
        'video_link': _cut(event.video_link or (meeting.video_link if meeting else ''), 2000),
        'calendar_link': _cut(event.html_link, 2000),
        'organizer_email': _cut(rules.normalize_email(event.organizer_email), 254),
        'status': 'scheduled',
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
    if event.attendees:
        people = rules.attendee_rows(event)
    row['status'] = 'cancelled'
    return row, people


def _plan_upsert(scope, plan, event_id, row, people, meeting, now):
    row = dict(row, account=scope.account_id, user=scope.user_id, source='calendar',
               calendar_provider=scope.provider, provider_event_id=event_id, frozen=False,
               created_at=now, updated_at=now)
    plan.upserts[event_id] = row
    plan.attendees[event_id] = people
    if meeting is not None:
        plan.replace_for.add(meeting.id)


def _write(scope, plan, contact_ids, stored, now):
    """Execute the plan in batches; return {provider event id: meeting id} for written rows."""
    if plan.deletes:
        for ids in chunks(plan.deletes, MAX_VARIABLES):
            # Cascades to attendees, timeline links and notes (R9).
            Meeting.delete().where(Meeting.id.in_(ids)).execute()
    if plan.freezes:
        for ids in chunks(plan.freezes, MAX_VARIABLES):
            Meeting.update(frozen=True, updated_at=now).where(Meeting.id.in_(ids)).execute()
    ids = {}
    if not plan.upserts:
        return ids
    rows = list(plan.upserts.values())
    update = {getattr(Meeting, name): getattr(EXCLUDED, name)
              for name in MEETING_FIELDS + ('updated_at',)}
    for batch in chunks(rows, MAX_VARIABLES // len(rows[0])):
        (Meeting.insert_many(batch)
         .on_conflict(conflict_target=[Meeting.user, Meeting.calendar_provider,
                                       Meeting.provider_event_id], update=update)
         .execute())
    new = [event_id for event_id in plan.upserts if event_id not in stored.meetings]
    ids.update((event_id, m.id) for event_id, m in stored.meetings.items() if event_id in plan.upserts)
    for batch in chunks(new, MAX_VARIABLES):
        ids.update(Meeting.select(Meeting.provider_event_id, Meeting.id).where(
            Meeting.user == scope.user_id, Meeting.calendar_provider == scope.provider,
            Meeting.provider_event_id.in_(batch)).tuples())
    _write_people(scope, plan, contact_ids, ids, stored)
    return ids


def _write_people(scope, plan, contact_ids, ids, stored):
    """Rewrite attendees and timeline links of the written meetings (R8, R10, R11, R12)."""
    replace = list(plan.replace_for)
    crm_owned = {m.id for m in stored.meetings.values() if m.source == 'crm'}
    calendar_owned = [i for i in replace if i not in crm_owned]
    for batch in chunks(replace, MAX_VARIABLES):
        MeetingAttendee.delete().where(MeetingAttendee.meeting.in_(batch)).execute()
    for batch in chunks(calendar_owned, MAX_VARIABLES):
        # A CRM meeting keeps the contacts the user associated by hand.
        MeetingContact.delete().where(MeetingContact.meeting.in_(batch)).execute()
    attendee_rows, link_rows = [], []
    for event_id, people in plan.attendees.items():
        meeting_id = ids[event_id]
        linked = set()
        for position, (email, name, response, is_organizer) in enumerate(people):
            internal = rules.is_internal(email, scope.domains, scope.user_emails)
            contact_id = None if internal else contact_ids.get(email)
            attendee_rows.append({'meeting': meeting_id, 'account': scope.account_id,
                                  'email': email, 'display_name': name,
                                  'response_status': response, 'is_organizer': is_organizer,
                                  'contact': contact_id, 'position': position})
            if contact_id is not None and contact_id not in linked:
                linked.add(contact_id)
                link_rows.append({'meeting': meeting_id, 'contact': contact_id})
    if attendee_rows:
        for batch in chunks(attendee_rows, MAX_VARIABLES // len(attendee_rows[0])):
            MeetingAttendee.insert_many(batch).execute()
    if link_rows:
        for batch in chunks(link_rows, MAX_VARIABLES // 2):
            MeetingContact.insert_many(batch).on_conflict_ignore().execute()


def _log(scope, events, outcomes, now):
    """B4: one decision row per event seen."""
    titles = {e.provider_event_id: e.title for e in events if _is_event(e)}
    rows = [{'account': scope.account_id, 'user': scope.user_id,
             'provider_event_id': _cut(o.provider_event_id, 1024),
             'title': _cut(titles.get(o.provider_event_id) if isinstance(
                 titles.get(o.provider_event_id), str) else '', 500),
             'decision': o.decision, 'reason': o.reason,
             'meeting_id': o.meeting_id, 'created_at': now} for o in outcomes]
    for batch in chunks(rows, MAX_VARIABLES // 8):
        SyncDecision.insert_many(batch).execute()
