"""CRM records (contacts, companies, deals, tickets): one generic, account-scoped CRUD.

Each kind is described once in ``KINDS``; listing, search, keyset pagination, reference checks
and the meeting timeline (R8, R20) are written once for all four.
"""
import base64
import binascii
import dataclasses
import decimal
import json
import re

from peewee import (JOIN, AutoField, CharField, DecimalField, ForeignKeyField, IntegerField,
                    IntegrityError, Tuple, fn)

from server.db import MAX_ID, is_postgres, lock_row, write_transaction
from server.errors import Conflict, NotFound, ValidationFailed
from server.models import (
    Company,
    Contact,
    Deal,
    Meeting,
    MeetingAttendee,
    MeetingCompany,
    MeetingContact,
    MeetingDeal,
    MeetingTicket,
    Note,
    Ticket,
    User,
)
from server.services import deal_changes
from server.services.meetings import (
    attach_attendees,
    decode_cursor,
    encode_cursor,
    link_attendees,
)
from server.sync.rules import normalize_email
from server.translatable import N_, Sentence

MAX_SEARCH_WORDS = 5
WHOLE_EMAIL = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')


@dataclasses.dataclass(frozen=True)
class Kind:
    """How one record type is stored, listed, searched and linked to meetings."""
    label: str  # 'Contact', used in messages
    model: type
    link: type  # the Meeting<->record association table
    order: tuple  # keyset: every list is ordered by these columns, the last one unique
    search: tuple  # columns that ``?q=`` matches, every word in any of them
    filters: tuple = ()  # exact-match query parameters that are model fields
    references: tuple = ()  # foreign keys ('company', 'owner') that must stay in the account
    unique: tuple = ()  # fields unique per account (a duplicate answers 409)
    descending: bool = False
    joins_company: bool = False  # the output shows the company's name
    joins_owner: bool = False  # the output names the owner (not only an id)
    after_write: object = None  # called as after_write(record, changes) inside the write
    # Request fields that are no column: popped before the write, checked by check_context(
    # user, **context), and given with the record as it was to before_update(user, record,
    # changes, **context) inside the write (a deal's change remembers its meeting).
    context: tuple = ()
    check_context: object = None
    before_update: object = None
    email_column: object = None  # a whole e-mail in ``?q=`` is looked up here by equality

    @property
    def link_field(self):
        return getattr(self.link, self.model._meta.name)


def _match_attendees(contact, changes):
    """R11: a contact's e-mail decides which meeting attendees are this contact."""
    if 'email' not in changes:
        return
    # Attendees of the old address are no longer this contact (its timeline history stays).
    MeetingAttendee.update(contact=None).where(MeetingAttendee.contact == contact.id,
                                               MeetingAttendee.email != contact.email).execute()
    link_attendees(contact)


KINDS = {
    'contacts': Kind('Contact', Contact, MeetingContact,
                     order=(Contact.last_name, Contact.first_name, Contact.id),
                     search=(Contact.first_name, Contact.last_name, Contact.email, Company.name),
                     filters=('email', 'company_id', 'owner_id'),
                     references=('company', 'owner'), unique=('email',), joins_company=True,
                     joins_owner=True, after_write=_match_attendees, email_column=Contact.email),
    'companies': Kind('Company', Company, MeetingCompany, order=(Company.name, Company.id),
                      search=(Company.name, Company.domain), filters=('domain',)),
    'deals': Kind('Deal', Deal, MeetingDeal, order=(Deal.name, Deal.id), search=(Deal.name,),
                  filters=('stage', 'company_id', 'owner_id'), references=('company', 'owner'),
                  joins_company=True, joins_owner=True, context=('meeting_id',),
                  check_context=deal_changes.check_meeting, before_update=deal_changes.record),
    # Tickets are worked newest first.
    'tickets': Kind('Ticket', Ticket, MeetingTicket, order=(Ticket.id,), search=(Ticket.subject,),
                    filters=('status', 'owner_id'), references=('owner',), descending=True,
                    joins_owner=True),
}

REFERENCED = {'company': Company, 'owner': User}

# Other orders a list can take (the web lists' column headers, issue 13 §2): name -> keyset
# columns, the last one unique; a leading '-' in ``sort`` reverses it. Every column is NOT
# NULL, so the keyset compares plainly.
SORTS = {
    'contacts': {'name': KINDS['contacts'].order, 'email': (Contact.email, Contact.id),
                 'created': (Contact.id,)},
    'companies': {'name': KINDS['companies'].order, 'domain': (Company.domain, Company.id),
                  'created': (Company.id,)},
    'deals': {'name': KINDS['deals'].order, 'stage': (Deal.stage, Deal.name, Deal.id),
              'amount': (Deal.amount, Deal.id), 'created': (Deal.id,)},
    'tickets': {'created': (Ticket.id,), 'subject': (Ticket.subject, Ticket.id),
                'status': (Ticket.status, Ticket.id)},
}


def sort_order(kind_name, sort):
    """(columns, descending) for ``sort`` ('name', '-amount'), the kind's own order if None."""
    kind = KINDS[kind_name]
    if not sort:
        return kind.order, kind.descending
    descending, name = sort.startswith('-'), sort.lstrip('-')
    columns = SORTS[kind_name].get(name)
    if columns is None:
        raise ValidationFailed('Unknown sort.', {'sort': [
            'Sort by one of: ' + ', '.join(sorted(SORTS[kind_name])) + '.']})
    return columns, descending


# -- cursors -------------------------------------------------------------------------------

def _encode_keyset(values):
    raw = json.dumps(values, separators=(',', ':')).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip('=')


def _decode_keyset(cursor, width):
    try:
        raw = base64.urlsafe_b64decode(cursor + '=' * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != width or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
        raise ValidationFailed('The cursor is not valid.', {'cursor': ['Not a valid cursor.']})
    return values


# -- reading -------------------------------------------------------------------------------

def _select(kind, account_id):
    model = kind.model
    columns = [model] + [Company] * kind.joins_company + [User] * kind.joins_owner
    query = model.select(*columns)
    if kind.joins_company:
        query = query.join_from(model, Company, JOIN.LEFT_OUTER, on=(model.company == Company.id))
    if kind.joins_owner:
        query = query.join_from(model, User, JOIN.LEFT_OUTER, on=(model.owner == User.id))
    return query.where(model.account == account_id)


def _search(query, kind, q):
    """Every word of ``q`` must appear (case-insensitively) in one of the kind's columns."""
    if kind.email_column is not None and WHOLE_EMAIL.match(q.strip()):
        # Looking a person up by address uses the (account, email) index, not a scan.
        return query.where(kind.email_column == normalize_email(q))
    for word in q.split()[:MAX_SEARCH_WORDS]:
        # PostgreSQL's ILIKE folds every letter; SQLite's LIKE only ASCII ones, so a word with
        # others ('Müller') compares casefolded text there (a Python call per row: only then).
        fold = not word.isascii() and not is_postgres()
        condition = None
        for column in kind.search:
            match = (fn.casefold(column).contains(word.casefold()) if fold
                     else column.contains(word))
            condition = match if condition is None else (condition | match)
        query = query.where(condition)
    return query


def list_records(user, kind_name, q=None, cursor=None, limit=50, sort=None, **filters):
    """One page of the account's records of a kind: (items, next_cursor).

    ``sort`` is a key of SORTS (a leading '-' for descending); the cursor belongs to it."""
    kind = KINDS[kind_name]
    columns, descending = sort_order(kind_name, sort)
    query = _select(kind, user.account_id)
    for name, value in filters.items():
        if name in kind.filters and value is not None:
            query = query.where(getattr(kind.model, name) == value)
    if q and q.strip():
        query = _search(query, kind, q)
    keyset = Tuple(*columns)
    if cursor:
        after = Tuple(*_typed_keyset(columns, _decode_keyset(cursor, len(columns))))
        query = query.where(keyset < after if descending else keyset > after)
    order = [c.desc() if descending else c.asc() for c in columns]
    items = list(query.order_by(*order).limit(limit + 1))
    next_cursor = None
    if len(items) > limit:
        last = items[limit - 1]
        next_cursor = _encode_keyset([_keyset_value(getattr(last, c.name)) for c in columns])
    return items[:limit], next_cursor


def _typed_keyset(columns, values):
    """A cursor's values checked against the columns' types: PostgreSQL refuses 'abc' for an
    integer or numeric column with an error, which would be a 500 rather than a 422."""
    typed = []
    for column, value in zip(columns, values):
        if isinstance(column, DecimalField):
            try:
                number = decimal.Decimal(value)
            except (ValueError, TypeError, decimal.InvalidOperation):
                number = None
            value = str(number) if number is not None and number.is_finite() else None
        elif isinstance(column, (AutoField, IntegerField, ForeignKeyField)):
            value = value if isinstance(value, int) and -MAX_ID <= value <= MAX_ID else None
        elif isinstance(column, CharField) and not isinstance(value, str):
            value = None
        if value is None:
            raise ValidationFailed('The cursor is not valid.', {'cursor': ['Not a valid cursor.']})
        typed.append(value)
    return typed


def _keyset_value(value):
    # A deal's amount is a Decimal: its text compares as the number in both databases.
    return value if isinstance(value, (str, int)) else str(value)


def get_record(user, kind_name, record_id):
    """A record of the caller's account, or NotFound."""
    kind = KINDS[kind_name]
    record = _select(kind, user.account_id).where(kind.model.id == record_id).first()
    if record is None:
        raise NotFound(Sentence(N_('%(kind)s not found.'), kind=kind.label))
    return record


# -- writing -------------------------------------------------------------------------------

def _check(user, kind, data, record_id=None):
    """References must point into the caller's account; unique fields must be free."""
    errors = {}
    for field in kind.references:
        key = field + '_id'
        if data.get(key) is None:
            continue
        target = REFERENCED[field]
        if not target.select().where(target.id == data[key],
                                     target.account == user.account_id).exists():
            errors[key] = [f'No {field} with id {data[key]} in your account.']
    if errors:
        raise ValidationFailed('Some referenced records do not exist.', errors)
    for field in kind.unique:
        if field in data:
            taken = kind.model.select().where(kind.model.account == user.account_id,
                                              getattr(kind.model, field) == data[field])
            if record_id is not None:
                taken = taken.where(kind.model.id != record_id)
            if taken.exists():
                _duplicate(kind, field)


# The sentence _duplicate builds for the one unique field (contacts' email), for the catalogue.
_DUPLICATE = (N_('Another contact already uses this email.'),
              N_('A contact with this email already exists.'))


def _duplicate(kind, field):
    noun = kind.label.lower()
    raise Conflict(f'A {noun} with this {field} already exists.',
                   {field: [f'Another {noun} already uses this {field}.']})


def _save(user, kind_name, record_id, changes, context=None):
    """Create (no ``record_id``) or update a record and run the kind's follow-up, atomically."""
    kind = KINDS[kind_name]
    try:
        with write_transaction():
            if record_id is None:
                record_id = kind.model.create(account=user.account_id, **changes).id
            else:
                if kind.before_update is not None:
                    kind.before_update(user, _locked(kind, record_id), changes,
                                       **(context or {}))
                kind.model.update(**changes).where(kind.model.id == record_id).execute()
            if kind.after_write is not None:
                kind.after_write(kind.model.get_by_id(record_id), changes)
    except IntegrityError:
        # A concurrent write took a unique value between the check and this write: 409.
        _check(user, kind, changes, record_id)
        raise
    return get_record(user, kind_name, record_id)


def create_record(user, kind_name, data):
    _check(user, KINDS[kind_name], data)
    return _save(user, kind_name, None, data)


def _locked(kind, record_id):
    """The record as it stands inside the write, locked: two changes of one deal each see
    the other's result."""
    lock_row(kind.model, record_id)
    return kind.model.get_by_id(record_id)


def update_record(user, kind_name, record_id, changes):
    kind = KINDS[kind_name]
    record = get_record(user, kind_name, record_id)
    changes = dict(changes)
    context = {name: changes.pop(name) for name in kind.context if name in changes}
    if kind.check_context is not None:
        kind.check_context(user, **context)
    _check(user, kind, changes, record_id=record.id)
    return _save(user, kind_name, record.id, changes, context) if changes else record


def delete_record(user, kind_name, record_id):
    """Delete a record; its meeting associations go with it (ON DELETE CASCADE)."""
    kind = KINDS[kind_name]
    record = get_record(user, kind_name, record_id)
    with write_transaction():
        kind.model.delete().where(kind.model.id == record.id).execute()


# -- the timeline (R8, R20) -----------------------------------------------------------------

def attach_notes(meetings):
    """Load every meeting's notes with their authors, in the order typed, in one query."""
    by_id = {m.id: m for m in meetings}
    for meeting in meetings:
        meeting.notes_list = []
    if by_id:
        rows = (Note.select(Note, User).join(User)
                .where(Note.meeting.in_(list(by_id)))
                .order_by(Note.typed_at, Note.id))
        for note in rows:
            by_id[note.meeting_id].notes_list.append(note)
    return meetings


def timeline(user, kind_name, record_id, cursor=None, limit=50):
    """The meetings on a record's timeline, newest first, with attendees and notes.

    One event appears once (R8): when several users of the account attend it, each user's
    sync keeps a copy, and the timeline shows the viewer's own copy (else the first synced)
    with the notes of every copy. A constant number of queries whatever the page size.
    """
    kind = KINDS[kind_name]
    record = get_record(user, kind_name, record_id)
    query = (Meeting.select().join(kind.link, on=(kind.link.meeting == Meeting.id))
             .where(kind.link_field == record.id, Meeting.account == user.account_id))
    if cursor:
        query = query.where(Tuple(Meeting.start, Meeting.id) < Tuple(*decode_cursor(cursor)))
    newest_first = (Meeting.start.desc(), Meeting.id.desc())
    rows = list(query.order_by(*newest_first).limit(limit + 1))
    page, more = rows[:limit], len(rows) > limit
    if more and rows[limit].start == page[-1].start:
        # Copies of one event share its start: end the page where the start changes, so no
        # event has copies on two pages (and shows twice).
        last = page[-1]
        page.extend(query.where(Meeting.start == last.start, Meeting.id < last.id)
                    .order_by(*newest_first))
        more = query.where(Meeting.start < last.start).exists()
    next_cursor = encode_cursor(page[-1]) if more else None
    attach_notes(page)
    meetings = _one_per_event(page, user.id)
    attach_attendees(user.account, meetings)
    return record, meetings, next_cursor


def _one_per_event(meetings, viewer_id):
    """``meetings`` (newest first, notes attached) with each event's copies made one: the
    viewer's own copy if there is one, else the first synced, holding every copy's notes."""
    events = {}
    for meeting in meetings:
        key = (meeting.ical_uid, meeting.start) if meeting.ical_uid else meeting.id
        events.setdefault(key, []).append(meeting)
    shown = []
    for copies in events.values():
        own = [m for m in copies if m.user_id == viewer_id]
        chosen = own[0] if own else min(copies, key=lambda m: m.id)
        if len(copies) > 1:
            chosen.notes_list = sorted((n for m in copies for n in m.notes_list),
                                       key=lambda n: (n.created_at, n.id))
        shown.append(chosen)
    return shown
