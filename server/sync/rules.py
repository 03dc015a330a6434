"""Pure sync rules, one function per rule of RULES.md; no database, no HTTP.

``decide(event, context)`` composes them into one (decision, reason) for a calendar event.
Reason codes are stable: they are stored in the B4 decision log and shown to users.
"""
import dataclasses
import datetime
from typing import Optional

from server.translatable import N_

LOGGED, UPDATED, DELETED, SKIPPED = 'logged', 'updated', 'deleted', 'skipped'

# B4: why the sync did what it did with an event (shown in Settings › Calendar).
REASONS = {
    'r8_contact_attendee': N_('A CRM contact attends (or organises) this event.'),
    'r9_edited': N_('The event changed in the calendar, so the meeting was updated.'),
    'r9_unchanged': N_('The event was seen again without changes.'),
    'r9_cancelled': N_('The event was deleted or cancelled in the calendar.'),
    'r4_before_connection': N_('The event was created before the calendar was connected.'),
    'r10_no_contacts': N_('None of the attendees is a CRM contact (contacts are never created '
                          'from calendar attendees).'),
    'r12_internal_only': N_('Every attendee belongs to your own organisation.'),
    'r13_occurrence': N_('Only the first event of a recurring series is logged; this occurrence '
                         'is unchanged.'),
    'r13_cancelled_occurrence': N_('One occurrence of a logged series was cancelled.'),
    'r13_series_not_logged': N_('A cancelled occurrence of a series that was never logged.'),
    'r14_all_day': N_('All-day events are not logged.'),
    'r15_private': N_('Private events are not logged.'),
    'r15_made_private': N_('The event was made private: its meeting is kept but no longer updated.'),
    'r15_frozen': N_('The event is private: its meeting is kept but no longer updated.'),
    'r6_deleted_in_crm': N_('Its meeting was deleted in the CRM; the calendar event was kept.'),
    'invalid_event': N_('The calendar sent incomplete or inconsistent data for this event.'),
    'b1_awaiting_calendar': N_('The meeting was changed in the CRM and the calendar had not '
                               'confirmed that change yet, so the CRM\'s version was kept.'),
}


@dataclasses.dataclass(frozen=True)
class Existing:
    """The meeting already synced for an event (from an earlier page or the CRM's own insert)."""
    meeting_id: int
    source: str = 'calendar'  # 'crm' when the CRM created the event (R5)
    frozen: bool = False
    status: str = 'scheduled'
    unchanged: bool = False  # the meeting already holds exactly what the event says
    # B1: a CRM change of this meeting the calendar has not acknowledged, or acknowledged
    # after this event was listed: the event may predate it.
    awaiting_calendar: bool = False


@dataclasses.dataclass(slots=True)  # one per event of every page: slots make it cheaper
class RuleContext:
    """What the rules need to know beyond the event itself; built in batches by the engine."""
    connected_at: datetime.datetime
    domains: frozenset = frozenset()  # R12: the account's website and connected domains
    user_emails: frozenset = frozenset()  # R12: users of the account (and the calendar owner)
    contact_ids: dict = dataclasses.field(default_factory=dict)  # R11: e-mail -> contact id
    existing: Optional[Existing] = None
    master: Optional[tuple] = None  # R13: fingerprint of the series master, if known
    master_logged: bool = False  # R13: the series master has a meeting in the CRM
    deleted_in_crm: bool = False  # R6: the CRM deleted this event's meeting; never re-log it
    people: Optional[list] = None  # ``people(event)`` when the caller already has it
    internal: Optional[frozenset] = None  # R12 verdicts the caller already made for a batch


def normalize_email(email):
    """R11: attendees match contacts by exact e-mail, compared case-insensitively."""
    return (email or '').strip().lower()


def email_domain(email):
    return normalize_email(email).rpartition('@')[2]


def is_internal(email, domains, user_emails):
    """R12: a member of the user's own organisation (its domains or a user of the account)."""
    email = normalize_email(email)
    return email in user_emails or email.rpartition('@')[2] in domains


def internal_emails(emails, domains, user_emails):
    """R12 for a batch: the subset of ``emails`` that ``is_internal`` accepts (one call per
    page instead of one per address)."""
    found = set()
    for email in emails:
        normal = (email or '').strip().lower()
        if normal in user_emails or normal.rpartition('@')[2] in domains:
            found.add(email)
    return frozenset(found)


def attendee_rows(event):
    """(e-mail, name, response, is_organizer) for everyone on the event, organizer included (R8)."""
    rows, seen = [], set()
    for attendee in event.attendees:
        # normalize_email inlined: this loop runs for every attendee of every synced event,
        # and the call cost more than the normalizing (bench/sync.py, ~1 us per attendee).
        email = (attendee.email or '').strip().lower()
        if email and email not in seen and len(email) <= 254:
            seen.add(email)
            rows.append((email, (attendee.display_name or '')[:200],
                         (attendee.response_status or 'needsAction')[:20],
                         bool(attendee.is_organizer)))
    organizer = normalize_email(event.organizer_email)
    if organizer and organizer not in seen and len(organizer) <= 254:
        rows.append((organizer, '', 'accepted', True))
    return rows


def people(event):
    """Everyone on the event, the organizer included (R8), as normalized e-mails in order."""
    return [row[0] for row in attendee_rows(event)]


def fingerprint(title, description, location, duration, rows):
    """What R13 compares between an occurrence and its series: details and responses."""
    return (title or '', description or '', location or '', duration,
            tuple(sorted((email, response) for email, _, response, _ in rows)))


def event_fingerprint(event):
    duration = (event.end - event.start) if event.start and event.end else None
    return fingerprint(event.title, event.description, event.location, duration,
                       attendee_rows(event))


# -- one function per rule -------------------------------------------------------------------

def r4_created_after_connection(event, connected_at):
    """R4: only events created while the integration is active are synced."""
    # Google reports `created` to the whole second (".000Z"): an event made in the same second
    # as the connection must not read as older than it.
    if connected_at.microsecond:  # the engine passes it whole seconds already: no new object
        connected_at = connected_at.replace(microsecond=0)
    return event.created is not None and event.created >= connected_at


def r11_matching_contacts(emails, contact_ids, normalized=False):
    """R11: contact ids of the e-mails that exactly (case-insensitively) match a contact."""
    found = []
    for email in emails:
        contact_id = contact_ids.get(email if normalized else normalize_email(email))
        if contact_id is not None and contact_id not in found:
            found.append(contact_id)
    return found


def r10_has_contact(emails, contact_ids, normalized=False):
    """R10: an event is logged only for contacts that already exist; none are created."""
    return bool(r11_matching_contacts(emails, contact_ids, normalized))


def r12_external_people(emails, domains, user_emails):
    """R12: the people on the event who are not members of the user's organisation."""
    return [e for e in emails if not is_internal(e, domains, user_emails)]


def r13_is_series_member(event):
    """R13: an instance of a recurring series (not its master)."""
    return bool(event.recurring_event_id) and not event.is_recurring_master


def r13_is_exception(event, master):
    """R13: an occurrence that differs from its series (moved, changed, a response, cancelled).

    ``master`` is the series' fingerprint if known. Without it the occurrence is judged on its
    own by the other rules: an unknown series cannot show the occurrence is a plain one.
    """
    if event.status == 'cancelled':
        return True
    if event.original_start is not None and event.start != event.original_start:
        return True
    if master is None:
        return True
    return event_fingerprint(event) != master


def r14_is_all_day(event):
    """R14: all-day events are not synced."""
    return bool(event.all_day)


def r15_is_private(event):
    """R15: private (and confidential) events are not synced."""
    return event.visibility in ('private', 'confidential')


def is_valid(event):
    """Bad provider data is skipped with a reason; the sync goes on."""
    if not event.provider_event_id or len(event.provider_event_id) > 1024:
        return False
    if event.status == 'cancelled':
        return True
    # All-day events may come as bare dates; they are skipped (R14), never stored.
    kind = datetime.date if event.all_day else datetime.datetime
    return isinstance(event.start, kind) and isinstance(event.end, kind) and event.end >= event.start


# -- composition -----------------------------------------------------------------------------

def decide(event, context):
    """Return (decision, reason) for one calendar event under every rule."""
    existing = context.existing
    if not is_valid(event):
        return SKIPPED, 'invalid_event'
    if existing is not None and existing.frozen:
        return SKIPPED, 'r15_frozen'
    if existing is not None and existing.awaiting_calendar:
        # An echo of (or older than) our own write: it must not undo what the CRM added since.
        return UPDATED, 'b1_awaiting_calendar'
    if existing is None and context.deleted_in_crm:
        return SKIPPED, 'r6_deleted_in_crm'
    if event.status == 'cancelled':
        return _decide_cancelled(event, context)
    if r15_is_private(event):
        return SKIPPED, 'r15_made_private' if existing is not None else 'r15_private'
    if existing is not None and existing.source == 'crm':
        # The echo of an event the CRM created (R5): it stays the CRM's meeting whatever its
        # attendees; only the calendar's edits flow back.
        return _updated(existing)
    reason = _qualifying_skip(event, context)
    if reason:
        # An event that no longer qualifies leaves the timelines like a deleted one (R9).
        return (DELETED, reason) if existing is not None else (SKIPPED, reason)
    if existing is not None:
        return _updated(existing)
    return LOGGED, 'r8_contact_attendee'


def _updated(existing):
    unchanged = existing.status == 'scheduled' and existing.unchanged
    return UPDATED, 'r9_unchanged' if unchanged else 'r9_edited'


def _decide_cancelled(event, context):
    existing = context.existing
    if r13_is_series_member(event):
        # R13: a called-off occurrence of a logged series is kept as its own cancelled meeting.
        if existing is not None:
            return ((UPDATED, 'r9_unchanged') if existing.status == 'cancelled'
                    else (UPDATED, 'r13_cancelled_occurrence'))
        if context.master_logged:
            return LOGGED, 'r13_cancelled_occurrence'
        return SKIPPED, 'r13_series_not_logged'
    if existing is not None:
        return DELETED, 'r9_cancelled'
    return SKIPPED, 'r9_cancelled'


def _qualifying_skip(event, context):
    """The reason a live event does not qualify for a meeting, or '' if it does."""
    if r14_is_all_day(event):
        return 'r14_all_day'
    if context.existing is None and not r4_created_after_connection(event, context.connected_at):
        return 'r4_before_connection'
    if r13_is_series_member(event) and not r13_is_exception(event, context.master):
        return 'r13_occurrence'
    emails = context.people if context.people is not None else people(event)
    if context.internal is not None:
        external = [e for e in emails if e not in context.internal]
    else:
        external = r12_external_people(emails, context.domains, context.user_emails)
    if not external:
        return 'r12_internal_only'
    if not r10_has_contact(external, context.contact_ids, normalized=True):
        return 'r10_no_contacts'
    return ''
