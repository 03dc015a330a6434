"""Meeting notes (R20): idempotent by client_id so a retried POST never stores twice (B2)."""
from peewee import IntegrityError, Value

from server.db import Prepared, lock_row, write_transaction
from server.errors import Conflict, Forbidden, NotFound
from server.models import Meeting, Note, User, utcnow
from server.schemas.fields import api_datetime
from server.services.meetings import get_meeting


# A retried POST finds its first note by client_id.
_by_client_id = Prepared(lambda author_id, client_id: (
    Note.select().where(Note.author == author_id, Note.client_id == client_id).limit(1)))


def list_for_meeting(user, meeting_id):
    """A meeting's notes, oldest first, with their authors."""
    meeting = get_meeting(user, meeting_id)
    return list(Note.select(Note, User).join(User)
                .where(Note.meeting == meeting.id)
                .order_by(Note.typed_at, Note.id))


# One statement adds a note: it goes in only if its meeting is in the author's account (else
# no row comes back: 404), so the meeting look-up is not a query of its own. RETURNING works on
# PostgreSQL and SQLite >= 3.35. Timestamps are two arguments: Prepared needs one per value.
_insert_note = Prepared(lambda account_id, meeting_id, author_id, body, client_id, typed_at,
                        created_at, updated_at: (
    Note.insert_from(
        Meeting.select(Meeting.account, Meeting.id, Value(author_id), Value(body),
                       Value(client_id), Value(typed_at), Value(created_at), Value(updated_at))
        .where(Meeting.id == meeting_id, Meeting.account == account_id),
        [Note.account, Note.meeting, Note.author, Note.body, Note.client_id, Note.typed_at,
         Note.created_at, Note.updated_at])
    .returning(Note.id)))


def add(user, meeting_id, body, client_id=None, typed_at=None):
    """Add a note; return (note, created). The same client_id returns the first note.

    ``typed_at`` is when the user typed it (a note sent late from an outbox, B2); the API
    checks it is recent. Without one the note was typed now.
    """
    client_id = client_id or None
    now = utcnow()
    typed_at = typed_at or now
    try:
        # Insert first: a new client_id is the common case, so it costs no look-up; the unique
        # (author, client_id) index catches a retry, even one racing the first POST.
        with write_transaction():
            rows = _insert_note.raw_rows(user.account_id, int(meeting_id), user.id, body,
                                         client_id, typed_at, now, now)
    except IntegrityError:
        existing = next(iter(_by_client_id(user.id, client_id)), None) if client_id else None
        if existing is None:
            raise
        # The insert found the meeting in the account, or there had been no row to clash.
        return _same_meeting(existing, int(meeting_id)), False
    if not rows:
        raise NotFound('Meeting not found.')
    note = Note(id=rows[0][0], account=user.account_id, meeting=int(meeting_id), author=user,
                body=body, client_id=client_id, typed_at=typed_at, created_at=now, updated_at=now)
    return note, True


def _same_meeting(note, meeting_id):
    if note.meeting_id != meeting_id:
        raise Conflict('This client_id already belongs to a note of another meeting.',
                       {'client_id': ['Already used for another meeting.']})
    return note


def _get_own(user, note_id):
    note = (Note.select(Note, User).join(User)
            .where(Note.id == note_id, Note.account == user.account_id).first())
    if note is None:
        raise NotFound('Note not found.')
    if note.author_id != user.id:
        raise Forbidden('Only the author can change a note.')
    return note


def _unchanged_since(note, based_on, message):
    """Refuse (409, with the stored text and version) if the note changed since ``based_on``."""
    if based_on is not None and api_datetime(based_on) != api_datetime(note.updated_at):
        raise Conflict(message, {
            'based_on': ['The note was changed since: keep one of the two texts.'],
            'body': [note.body], 'updated_at': [api_datetime(note.updated_at)]})


def edit(user, note_id, body, based_on=None):
    """Change the text of one of the caller's notes; it shows as edited (issue 11 §4).

    ``based_on`` is the ``updated_at`` the edit started from (an edit typed offline arrives
    late): if the note changed since, nothing is written and the 409 carries the stored text
    (``errors.body``) and version (``errors.updated_at``), for the user to choose.
    """
    with write_transaction():
        lock_row(Note, int(note_id))
        note = _get_own(user, note_id)
        _unchanged_since(note, based_on, 'The note was changed since this edit began.')
        if note.body != body:
            note.body = body
            note.updated_at = note.edited_at = utcnow()
            note.save(only=[Note.body, Note.updated_at, Note.edited_at])
    return note


def remove(user, note_id, based_on=None):
    """Delete one of the caller's notes (issue 11 §4).

    ``based_on`` is the ``updated_at`` the rep saw when deleting (a delete queued offline
    arrives late): if the note changed since, nothing is deleted and the 409 is the edit's,
    with the stored text. A note already gone is a 404; the outbox counts that as delivered
    (its own earlier attempt may have deleted it and lost the answer).
    """
    with write_transaction():
        lock_row(Note, int(note_id))
        note = _get_own(user, note_id)
        _unchanged_since(note, based_on, 'The note was changed since this delete was asked.')
        note.delete_instance()
