"""What the record pages add to server.services.records: titles, clean search text, links."""
from server.services.records import KINDS

MAX_QUERY_LENGTH = 200

# The MeetingInSchema key that associates a new meeting with a record of each kind (R5).
ASSOCIATION_KEYS = {plural: kind.model._meta.name + '_ids' for plural, kind in KINDS.items()}
SINGULAR = {plural: kind.label.lower() for plural, kind in KINDS.items()}


def title(record):
    """What a record is called on a page: a name, or a ticket's subject."""
    return getattr(record, 'name', None) or getattr(record, 'subject', '') or f'#{record.id}'


def clean_query(q):
    """Search text without control characters (PostgreSQL refuses NUL), trimmed and capped."""
    return ''.join(ch for ch in (q or '') if ch.isprintable()).strip()[:MAX_QUERY_LENGTH]


def associated_records(user, meeting):
    """[(plural, [records])] a meeting is associated with, after meetings.attach_details."""
    found = []
    for plural, kind in KINDS.items():
        ids = getattr(meeting, ASSOCIATION_KEYS[plural], None)
        if ids:
            model = kind.model
            rows = model.select().where(model.id.in_(ids), model.account == user.account_id)
            found.append((plural, sorted(rows, key=title)))
    return found
