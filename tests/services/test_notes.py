"""Notes service (R20, B2): the insert-first path keeps client_id idempotency exact."""
import datetime
import threading

import pytest
from playhouse.test_utils import count_queries

from server.db import db
from server.errors import Conflict, NotFound
from server.models import Note, User
from server.services import meetings, notes
from tests.clock import ahead


def schedule(user, title='Call'):
    start = ahead()
    return meetings.schedule(user, {'title': title, 'start': start,
                                    'end': start + datetime.timedelta(minutes=30)})


def test_b2_retry_returns_the_first_note_unchanged(caller):
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        meeting = schedule(user)
        first, created = notes.add(user, meeting.id, 'Send pricing', 'client-id-0001')
        again, created_again = notes.add(user, meeting.id, 'Send pricing (edited)', 'client-id-0001')
        assert (created, created_again) == (True, False)
        assert again.id == first.id and again.body == 'Send pricing'
        assert Note.select().count() == 1


def test_b2_client_id_of_another_meeting_is_a_conflict(caller):
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        one, other = schedule(user, 'One'), schedule(user, 'Other')
        notes.add(user, one.id, 'First', 'client-id-0002')
        with pytest.raises(Conflict):
            notes.add(user, other.id, 'Second', 'client-id-0002')
        assert [n.meeting_id for n in Note.select()] == [one.id]


def test_r20_notes_without_client_id_are_all_stored(caller, make_caller):
    colleague = make_caller('colleague@acme.com')
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        meeting = schedule(user)
        notes.add(user, meeting.id, 'One')
        notes.add(user, meeting.id, 'Two')
        # client_id is unique per author: a colleague may use the same one.
        notes.add(user, meeting.id, 'Mine', 'client-id-0003')
        _, created = notes.add(User.get_by_id(colleague.user.id), meeting.id, 'Theirs',
                               'client-id-0003')
        assert created
        assert sorted(n.body for n in Note.select()) == ['Mine', 'One', 'Theirs', 'Two']


def test_r20_note_on_a_meeting_of_another_account_is_not_found_and_not_stored(caller, make_caller):
    stranger = make_caller('eve@globex.com', account='Globex')
    with db.connection_context():
        meeting = schedule(User.get_by_id(caller.user.id))
        with pytest.raises(NotFound):
            notes.add(User.get_by_id(stranger.user.id), meeting.id, 'Peek', 'client-id-0004')
        with pytest.raises(NotFound):
            notes.add(User.get_by_id(caller.user.id), meeting.id + 1000, 'Nowhere')
        assert Note.select().count() == 0


def test_r20_new_note_is_one_statement_and_reads_back_as_returned(caller):
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        meeting = schedule(user)
        with count_queries() as counted:
            note, created = notes.add(user, meeting.id, 'Send pricing', 'client-id-0005')
        # The meeting's account check is part of the INSERT (a transaction around it aside).
        assert created and counted.count == 1
        stored = Note.get_by_id(note.id)
        assert (stored.account_id, stored.meeting_id, stored.author_id, stored.body,
                stored.client_id, stored.created_at, stored.updated_at) == (
            user.account_id, meeting.id, user.id, 'Send pricing', 'client-id-0005',
            note.created_at, note.updated_at)
        assert note.author.email == user.email


def test_b2_b9_an_edit_and_a_delete_based_on_the_same_version_at_once_one_wins(caller):
    """Issue 11 §4: the rep's panel sends a queued delete while the web page saves an edit, both
    based on the same version, at the same moment (8 rounds, real threads and connections).
    Exactly one happens: the edit (then the delete is a 409 with the edited text) or the delete
    (then the edit finds no note) -- never an edit of a deleted note, or a note deleted over an
    edit nobody saw."""
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        meeting = schedule(user)
    winners = []
    for n in range(8):
        with db.connection_context():
            note, _ = notes.add(user, meeting.id, f'Budget {n}', f'client-id-race-{n:04d}')
            seen = note.updated_at
        barrier, outcomes = threading.Barrier(2), {}

        def attempt(name, action):
            barrier.wait()
            try:
                with db.connection_context():
                    action()
                outcomes[name] = 'done'
            except (Conflict, NotFound) as error:
                outcomes[name] = error.code
        threads = [threading.Thread(target=attempt, args=('edit', lambda: notes.edit(
                       user, note.id, f'Budget {n} (web)', seen))),
                   threading.Thread(target=attempt, args=('delete', lambda: notes.remove(
                       user, note.id, seen)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        with db.connection_context():
            stored = Note.get_or_none(Note.id == note.id)
        if outcomes == {'edit': 'done', 'delete': 'conflict'}:
            assert stored.body == f'Budget {n} (web)'
            winners.append('edit')
        else:
            assert outcomes == {'edit': 'not_found', 'delete': 'done'}, outcomes
            assert stored is None
            winners.append('delete')
    assert len(winners) == 8
