"""Meetings: listing, scheduling from the CRM (R5), attendees and the R18 'Add contact'."""
import base64
import binascii
import datetime

from peewee import JOIN, SQL, Tuple, fn

from server.calendars.links import http_url
from server.db import MAX_ID, Prepared, is_postgres, lock_row, row_loader, write_transaction
from server.errors import NotFound, ValidationFailed
from server.models import (Company, Contact, Deal, Meeting, MeetingAttendee, MeetingCompany,
                           MeetingContact, MeetingDeal, MeetingTicket, Note, Ticket, User, utcnow)
from server.models.crm import contact_name
from server.services import calendar_delivery, matching
from server.services.hooks import meeting_hooks
from server.sync.rules import internal_emails

ASSOCIATIONS = {
    # input key: (record model, link model, link field)
    'contact_ids': (Contact, MeetingContact, 'contact'),
    'company_ids': (Company, MeetingCompany, 'company'),
    'deal_ids': (Deal, MeetingDeal, 'deal'),
    'ticket_ids': (Ticket, MeetingTicket, 'ticket'),
}

# Fields no calendar event carries (issue 11 §1).
CRM_ONLY_FIELDS = frozenset({'outcome', 'meeting_type'})


# -- cursors -------------------------------------------------------------------------------

def cursor_for(start, meeting_id):
    """The cursor of the page after the meeting that starts at ``start`` with ``meeting_id``."""
    raw = f'{start.isoformat()}|{meeting_id}'.encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip('=')


def encode_cursor(meeting):
    return cursor_for(meeting.start, meeting.id)


def decode_cursor(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + '=' * (-len(cursor) % 4)).decode()
        start, _, meeting_id = raw.partition('|')
        start, meeting_id = datetime.datetime.fromisoformat(start), int(meeting_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        start = meeting_id = None
    # Only what encode_cursor makes: a naive start and an id the id column can hold.
    if start is None or start.tzinfo is not None or not 0 < meeting_id <= MAX_ID:
        raise ValidationFailed('The cursor is not valid.', {'cursor': ['Not a valid cursor.']})
    return start, meeting_id


# -- reading -------------------------------------------------------------------------------

# Only what an attendee shows: every extra column was paid for 100 times per meetings page.
attendees_of_meetings = Prepared(lambda meeting_ids: (
    MeetingAttendee.select(MeetingAttendee.meeting, MeetingAttendee.email,
                           MeetingAttendee.display_name, MeetingAttendee.response_status,
                           MeetingAttendee.is_organizer, Contact.id, Contact.email,
                           Contact.first_name, Contact.last_name, Contact.job_title,
                           Company.name, User.id)
    .join(Contact, JOIN.LEFT_OUTER, on=(MeetingAttendee.contact == Contact.id))
    .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
    # R12: is the attendee a user of the account (one query less than asking afterwards).
    .switch(MeetingAttendee)
    .join(User, JOIN.LEFT_OUTER, on=((User.email == MeetingAttendee.email)
                                      & (User.account == MeetingAttendee.account)))
    .where(MeetingAttendee.meeting.in_(meeting_ids))
    .order_by(MeetingAttendee.meeting, MeetingAttendee.position, MeetingAttendee.id)))


def attendee_lists(account, meeting_ids):
    """{meeting id: [attendee, ...]} in each meeting's order, one query for all: each attendee a
    dict in the API's shape (AttendeeSchema), with its contact or None and the R12 flag.

    Dicts, not models: building and dumping 100 attendee models (with their contacts and
    companies) per meetings page cost a third of the request. The list API, meeting pages and
    timelines all read these.
    """
    lists = {meeting_id: [] for meeting_id in meeting_ids}
    if not lists:
        return lists
    rows = attendees_of_meetings.raw_rows(list(lists))
    # R12 for the whole page in one call; the query already joined each attendee to a user.
    users = {row[1] for row in rows if row[-1] is not None}
    internal = internal_emails({row[1] for row in rows}, frozenset(account.domains), users)
    for (meeting_id, email, display_name, response_status, is_organizer, contact_id,
         contact_email, first_name, last_name, job_title, company_name, _) in rows:
        lists[meeting_id].append({
            'email': email, 'display_name': display_name, 'response_status': response_status,
            'is_organizer': bool(is_organizer),  # SQLite gives 0/1
            'is_internal': email in internal,
            'contact': None if contact_id is None else {
                'id': contact_id, 'name': contact_name(first_name, last_name, contact_email),
                'email': contact_email, 'company': company_name, 'job_title': job_title},
        })
    return lists


def attach_attendees(account, meetings):
    """Set ``meeting.attendees`` (``attendee_lists``) for ``meetings``: no N+1."""
    lists = attendee_lists(account, [m.id for m in meetings])
    for meeting in meetings:
        meeting.attendees = lists[meeting.id]
    return meetings


def attach_details(meetings):
    """Load association ids and note counts for ``meetings`` (one query per kind)."""
    ids = [m.id for m in meetings]
    for meeting in meetings:
        for key in ASSOCIATIONS:
            setattr(meeting, key, [])
        meeting.note_count = 0
    if not ids:
        return meetings
    by_id = {m.id: m for m in meetings}
    for key, (_, link, field) in ASSOCIATIONS.items():
        column = getattr(link, field)
        for row in link.select(link.meeting, column).where(link.meeting.in_(ids)):
            getattr(by_id[row.meeting_id], key).append(getattr(row, field + '_id'))
    counts = (Note.select(Note.meeting, fn.COUNT(Note.id).alias('n'))
              .where(Note.meeting.in_(ids)).group_by(Note.meeting))
    for row in counts:
        by_id[row.meeting_id].note_count = row.n
    return meetings


def page_query(user_id, account_id, start_from, start_to, after_start, after_id, limit):
    """The user's meetings in (start, id) order within the filters, after a cursor's key."""
    query = Meeting.select().where(Meeting.user == user_id, Meeting.account == account_id)
    if start_from is not None:
        # A meeting still running at ``from`` is still of interest.
        query = query.where(Meeting.end > start_from)
    if start_to is not None:
        query = query.where(Meeting.start < start_to)
    if after_start is not None:
        query = query.where(Tuple(Meeting.start, Meeting.id) > Tuple(after_start, after_id))
    return query.order_by(Meeting.start, Meeting.id).limit(limit)


def matches_search(q):
    """``?q=`` of the meetings list (issue 10 §3): the text appears, case-insensitively, in the
    title, an attendee's e-mail or display name, an attendee contact's name or company, or
    the name of a company the meeting is associated with.

    Correlated EXISTS per meeting of the page's window: each is a look-up by the meeting's id
    (the (meeting, email) and (meeting, company) indexes), so a search costs the meetings it
    scans, never the whole account's attendees."""
    # SQLite's LIKE folds ASCII letters only: other text compares casefolded (as records do).
    if not q.isascii() and not is_postgres():
        folded = q.casefold()

        def has(column):
            return fn.casefold(column).contains(folded)
    else:
        def has(column):
            return column.contains(q)
    attendee = MeetingAttendee.alias('sa')
    person, employer = Contact.alias('sc'), Company.alias('sco')
    by_attendee = (attendee.select(SQL('1'))
                   .join(person, JOIN.LEFT_OUTER, on=(attendee.contact == person.id))
                   .join(employer, JOIN.LEFT_OUTER, on=(person.company == employer.id))
                   .where(attendee.meeting == Meeting.id,
                          has(attendee.email) | has(attendee.display_name)
                          | has(person.first_name) | has(person.last_name)
                          | has(employer.name)))
    link, associated = MeetingCompany.alias('smc'), Company.alias('sac')
    by_company = (link.select(SQL('1'))
                  .join(associated, on=(link.company == associated.id))
                  .where(link.meeting == Meeting.id, has(associated.name)))
    return has(Meeting.title) | fn.EXISTS(by_attendee) | fn.EXISTS(by_company)


# The list the extension polls: its SQL is compiled once per shape of filters.
_meeting_page = Prepared(page_query)
_meeting_row = row_loader(Meeting, [f.name for f in Meeting._meta.sorted_fields])


def list_for_user(user, start_from=None, start_to=None, cursor=None, limit=50, q=None):
    """The caller's meetings, soonest first, with a cursor to the next page."""
    args = (user.id, user.account_id, start_from, start_to,
            *(decode_cursor(cursor) if cursor else (None, None)), limit + 1)
    if q:
        meetings = list(page_query(*args).where(matches_search(q)))
    else:
        meetings = [_meeting_row(row) for row in _meeting_page.raw_rows(*args)]
    next_cursor = encode_cursor(meetings[limit - 1]) if len(meetings) > limit else None
    meetings = meetings[:limit]
    attach_attendees(user.account, meetings)
    return meetings, next_cursor


# Every meeting-scoped request (notes, detail, start) looks its meeting up first.
_meeting_in_account = Prepared(lambda meeting_id, account_id: (
    Meeting.select().where(Meeting.id == meeting_id, Meeting.account == account_id).limit(1)))


def get_meeting(user, meeting_id):
    """A meeting of the caller's account, or NotFound."""
    # Raw rows into a model (row_loader): peewee's own row loading resolved every column's
    # name again on each call, a fifth of a meeting brief (issue 10).
    rows = _meeting_in_account.raw_rows(int(meeting_id), user.account_id)
    if not rows:
        raise NotFound('Meeting not found.')
    return _meeting_row(rows[0])


def suggested_outcome(meeting, now):
    """Issue 11 §1: a meeting started with Start (R19) whose end has passed was held."""
    if meeting.outcome == 'scheduled' and meeting.started_at is not None and meeting.end <= now:
        return 'completed'
    return None


def detail(user, meeting_id):
    meeting = get_meeting(user, meeting_id)
    attach_attendees(user.account, [meeting])
    attach_details([meeting])
    meeting.calendar_delivery = calendar_delivery.state(meeting, user)
    meeting.suggested_outcome = suggested_outcome(meeting, utcnow())
    return meeting


# -- writing -------------------------------------------------------------------------------

def _check_record_ids(account_id, data):
    """Every associated record must exist in the caller's account."""
    errors = {}
    for key, (model, _, _) in ASSOCIATIONS.items():
        wanted = set(data.get(key) or [])
        if not wanted:
            continue
        found = {r.id for r in model.select(model.id).where(
            model.id.in_(list(wanted)), model.account == account_id)}
        missing = sorted(wanted - found)
        if missing:
            errors[key] = [f'Unknown id {i}.' for i in missing]
    if errors:
        raise ValidationFailed('Some associated records do not exist.', errors)


def _link_contacts(meeting_id, contact_ids):
    """Put the meeting on these contacts' timelines, skipping links that exist."""
    contact_ids = set(contact_ids)
    if not contact_ids:
        return
    existing = {r.contact_id for r in MeetingContact.select(MeetingContact.contact).where(
        MeetingContact.meeting == meeting_id, MeetingContact.contact.in_(list(contact_ids)))}
    rows = [{'meeting': meeting_id, 'contact': c} for c in sorted(contact_ids - existing)]
    if rows:
        MeetingContact.insert_many(rows).execute()


def _add_attendee_rows(meeting, attendees, start_position=0):
    """Insert attendee rows matched to existing contacts (R10/R11); return the new rows."""
    contacts = matching.contacts_by_email(meeting.account_id, [a['email'] for a in attendees])
    rows = []
    for offset, attendee in enumerate(attendees):
        contact = contacts.get(attendee['email'])
        rows.append({
            'meeting': meeting.id, 'account': meeting.account_id, 'email': attendee['email'],
            'display_name': attendee.get('display_name', ''),
            'response_status': attendee.get('response_status', 'needsAction'),
            'is_organizer': attendee.get('is_organizer', False),
            'contact': contact.id if contact else None, 'position': start_position + offset,
        })
    if rows:
        MeetingAttendee.insert_many(rows).execute()
    _link_contacts(meeting.id, [r['contact'] for r in rows if r['contact']])
    return rows


def schedule(user, data):
    """Create a meeting from the CRM (R5): the activity, its attendees and associations."""
    _check_record_ids(user.account_id, data)
    now = utcnow()
    with write_transaction():
        meeting = Meeting.create(
            account=user.account_id, user=user.id, created_by=user.id, title=data['title'],
            start=data['start'], end=data['end'], description=data.get('description', ''),
            location=data.get('location', ''), video_link=data.get('video_link', ''),
            organizer_email=user.email, source='crm', created_at=now, updated_at=now)
        _add_attendee_rows(meeting, data.get('attendees', []))
        for key, (_, link, field) in ASSOCIATIONS.items():
            ids = sorted(set(data.get(key) or []))
            if key == 'contact_ids':
                _link_contacts(meeting.id, ids)
            elif ids:
                link.insert_many([{'meeting': meeting.id, field: i} for i in ids]).execute()
        meeting_hooks.run('scheduled', meeting, user)
    meeting_hooks.run_after_commit('scheduled', meeting, user)
    return detail(user, meeting.id)


def _check_type(account, meeting, changes):
    """A meeting's type is one of the account's meeting types (or '' for none); a type since
    removed from the list may stay on the meetings that have it."""
    if 'type' not in changes:
        return changes
    changes = dict(changes)
    name = changes.pop('type').strip()
    if name and name != meeting.meeting_type and name not in account.meeting_type_list:
        raise ValidationFailed('Unknown meeting type.', {'type': [
            f'Not one of the account\'s meeting types: {", ".join(account.meeting_type_list)}.']})
    changes['meeting_type'] = name
    return changes


def update(user, meeting_id, changes):
    """Edit a meeting's own fields, its outcome and its type (issue 11 §1)."""
    meeting = get_meeting(user, meeting_id)
    changes = _check_type(user.account, meeting, changes)
    start = changes.get('start', meeting.start)
    end = changes.get('end', meeting.end)
    if end <= start:
        raise ValidationFailed('The meeting must end after it starts.', {'end': ['Must be after start.']})
    if changes:
        # Outcome and type are the CRM's own: changing only them owes the calendar nothing.
        on_calendar = bool(set(changes) - CRM_ONLY_FIELDS)
        changes = dict(changes, updated_at=utcnow())
        with write_transaction():
            lock_row(Meeting, meeting.id)  # one writer of a meeting at a time (B1)
            Meeting.update(**changes).where(Meeting.id == meeting.id).execute()
            if on_calendar:
                meeting_hooks.run('updated', meeting, user)
        if on_calendar:
            meeting_hooks.run_after_commit('updated', meeting, user)
    return detail(user, meeting.id)


def follow_up(user, meeting_id, data):
    """Issue 11 §3: schedule the next meeting (R5: calendar event with invitations) with this
    meeting's contacts, companies, deals and tickets."""
    meeting = get_meeting(user, meeting_id)
    if data['end'] <= data['start']:
        raise ValidationFailed('The meeting must end after it starts.', {'end': ['Must be after start.']})
    attach_details([meeting])
    associations = {key: getattr(meeting, key) for key in ASSOCIATIONS}
    return schedule(user, dict(data, **associations))


def add_attendees(user, meeting_id, attendees):
    """Add attendees in the CRM; the calendar push (B1) hangs off the 'attendees_added' hook."""
    meeting = get_meeting(user, meeting_id)
    with write_transaction():
        # Concurrent adds to one meeting queue here, so each reads the attendees the one
        # before it wrote (positions, duplicates) and the outbox reads them whole (B1).
        lock_row(Meeting, meeting.id)
        present = {r.email for r in MeetingAttendee.select(MeetingAttendee.email).where(
            MeetingAttendee.meeting == meeting.id)}
        new = []
        for attendee in attendees:  # each e-mail once: the schema says so, the index insists
            if attendee['email'] not in present:
                present.add(attendee['email'])
                new.append(attendee)
        position = MeetingAttendee.select(fn.COUNT(MeetingAttendee.id)).where(
            MeetingAttendee.meeting == meeting.id).scalar()
        _add_attendee_rows(meeting, new, position)
        if new:
            Meeting.update(updated_at=utcnow()).where(Meeting.id == meeting.id).execute()
            meeting_hooks.run('attendees_added', meeting, user, emails=[a['email'] for a in new])
    if new:
        meeting_hooks.run_after_commit('attendees_added', meeting, user,
                                       emails=[a['email'] for a in new])
    return detail(user, meeting.id)


def delete(user, meeting_id, cancel_in_calendar=False):
    """Delete the CRM meeting; the calendar event stays unless asked (R6, B3)."""
    meeting = get_meeting(user, meeting_id)
    with write_transaction():
        meeting_hooks.run('deleted', meeting, user, cancel_in_calendar=cancel_in_calendar)
        meeting.delete_instance()
    meeting_hooks.run_after_commit('deleted', meeting, user, cancel_in_calendar=cancel_in_calendar)


def add_attendee_as_contact(user, meeting_id, email):
    """R18: create the contact for an attendee and put every meeting it attends on its timeline.

    Returns (contact, created). A second call returns the same contact with created=False.
    """
    meeting = get_meeting(user, meeting_id)
    email = (email or '').strip().lower()
    if '\x00' in email or len(email) > 254:
        raise NotFound('This e-mail is not an attendee of the meeting.')  # PostgreSQL refuses NUL
    attendee = MeetingAttendee.get_or_none(MeetingAttendee.meeting == meeting.id,
                                           MeetingAttendee.email == email)
    if attendee is None:
        raise NotFound('This e-mail is not an attendee of the meeting.')
    if matching.internal_flags(user.account, [email])[email]:
        raise ValidationFailed('Members of your own organisation are not added as contacts (R12).',
                               {'email': ['Internal attendee.']})
    first, _, last = (attendee.display_name or '').strip().partition(' ')
    # Issue 10: a new contact belongs to the company whose domain its address has.
    company = (Company.select(Company.id).where(
        Company.account == user.account_id, Company.domain == email.rpartition('@')[2],
        Company.domain != '').order_by(Company.id).first())
    with write_transaction():
        # Insert-or-ignore on the unique (account, email) index, then read: two Add clicks racing
        # each other (or a colleague adding the same person) end with one contact, never a 500.
        created = bool(Contact.insert(account=user.account_id, email=email, first_name=first,
                                      last_name=last.strip(), owner=user.id,
                                      company=company.id if company else None)
                       .on_conflict_ignore().as_rowcount().execute())
        contact = Contact.get(Contact.account == user.account_id, Contact.email == email)
        link_attendees(contact)
    return contact, created


def link_attendees(contact):
    """Match every attendee with the contact's e-mail to it and put their meetings on its timeline.

    R11: the attendee's e-mail is the contact's e-mail. Used by R18's Add and whenever a contact
    is created or its e-mail changes, so /meetings never shows a known e-mail without its contact.
    """
    MeetingAttendee.update(contact=contact.id).where(
        MeetingAttendee.account == contact.account_id, MeetingAttendee.email == contact.email,
        MeetingAttendee.contact.is_null()).execute()
    # Its attendees now all point at it: found by contact id, since the (account, email) index
    # holds only unmatched attendees (migration 0009).
    meeting_ids = [r.meeting_id for r in MeetingAttendee.select(MeetingAttendee.meeting).where(
        MeetingAttendee.contact == contact.id)]
    linked = {r.meeting_id for r in MeetingContact.select(MeetingContact.meeting).where(
        MeetingContact.contact == contact.id)}
    missing = [{'meeting': m, 'contact': contact.id} for m in meeting_ids if m not in linked]
    if missing:
        MeetingContact.insert_many(missing).execute()


def link_attendees_of(account_id, contacts):
    """``link_attendees`` for many new contacts at once: two statements whatever their number.

    R11: every unmatched attendee whose e-mail is one of ``contacts``' now points at it, and
    each meeting it attends is on its timeline (Add all, POST /people)."""
    contacts = list(contacts)
    if not contacts:
        return
    match = Contact.alias('match')
    MeetingAttendee.update(contact=match.select(match.id).where(
        match.account == MeetingAttendee.account, match.email == MeetingAttendee.email)).where(
        MeetingAttendee.account == account_id, MeetingAttendee.contact.is_null(),
        MeetingAttendee.email.in_(sorted(c.email for c in contacts))).execute()
    (MeetingContact.insert_from(
        MeetingAttendee.select(MeetingAttendee.meeting, MeetingAttendee.contact).where(
            MeetingAttendee.contact.in_(sorted(c.id for c in contacts))),
        [MeetingContact.meeting, MeetingContact.contact]).on_conflict_ignore().execute())


def start(user, meeting_id):
    """R19: the URL to open (video link first, then the calendar event) and note the start."""
    meeting = get_meeting(user, meeting_id)
    # Only web addresses: the links of a synced event are whatever its organiser put there.
    url = http_url(meeting.video_link) or http_url(meeting.calendar_link)
    if not url:
        raise ValidationFailed('This meeting has neither a video link nor a calendar event.',
                               {'url': ['Nothing to open.']})
    now = utcnow()
    Meeting.update(started_at=now).where(Meeting.id == meeting.id).execute()
    return {'url': url, 'started_at': now}
