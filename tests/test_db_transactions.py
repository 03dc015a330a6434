"""server.db's write transactions under real concurrency (issue 8 §2): two threads, two
connections, the real database (SQLite file or PostgreSQL), no retries unless the test says so.
"""
import threading

import pytest

from server.db import db, retrying, write_transaction
from server.models import Meeting, MeetingAttendee, User
from tests.clock import ahead


@pytest.fixture
def attendees(caller):
    """Two meetings of one user with one attendee each (ids a1, a2)."""
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        ids = []
        for n in range(2):
            meeting = Meeting.create(account=user.account_id, user=user.id, title=f'm{n}',
                                     start=ahead(), end=ahead(hour=16))
            ids.append(MeetingAttendee.create(meeting=meeting.id, account=user.account_id,
                                              email=f'p{n}@client.example').id)
    return ids


def _run(*bodies, timeout=20):
    """Run each body in its own thread with its own connection; return their errors."""
    errors = []

    def run(body):
        try:
            with db.connection_context():
                body()
        except Exception as error:  # reported to the test, never swallowed
            errors.append(error)
    threads = [threading.Thread(target=run, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), 'a transaction never finished'
    return errors


def _rename(attendee_id, name):
    MeetingAttendee.update(display_name=name).where(MeetingAttendee.id == attendee_id).execute()


def test_write_transactions_take_the_sqlite_write_lock_up_front(attendees):
    """Issue 8 §2: a read-then-write transaction whose snapshot another writer moved past
    failed at once with 'database is locked' on SQLite (WAL, a deferred BEGIN); with the write
    lock taken up front (BEGIN IMMEDIATE) the second writer waits its turn instead."""
    first_read, second_done = threading.Event(), threading.Event()

    def reader_then_writer():
        with write_transaction():
            MeetingAttendee.get_by_id(attendees[0])
            first_read.set()
            second_done.wait(1)  # on SQLite the other writer is waiting for this one
            _rename(attendees[0], 'first')

    def writer():
        first_read.wait(5)
        with write_transaction():
            MeetingAttendee.get_by_id(attendees[1])
            _rename(attendees[1], 'second')
        second_done.set()
    assert _run(reader_then_writer, writer) == []
    with db.connection_context():
        assert {a.display_name for a in MeetingAttendee.select()} == {'first', 'second'}


def test_list_version_bumps_cannot_deadlock_two_writers_of_one_users_meetings(attendees):
    """Issue 8 §2 (migration 0018): the version row bumped mid-transaction (0010) made this a
    deadlock on PostgreSQL: T1 changes attendee 1 (and held the user's version row), T2
    changes attendee 2 (waiting for that row while holding attendee 2), T1 then changes
    attendee 2. Bumped at commit, T2 commits first and T1 goes on. No retries here."""
    first_changed, second_changed = threading.Event(), threading.Event()

    def first():
        with write_transaction():
            _rename(attendees[0], 'one')
            first_changed.set()
            second_changed.wait(1)
            _rename(attendees[1], 'one')

    def second():
        first_changed.wait(5)
        with write_transaction():
            _rename(attendees[1], 'two')
            second_changed.set()
    assert _run(first, second) == []
    with db.connection_context():
        names = [a.display_name for a in MeetingAttendee.select().order_by(MeetingAttendee.id)]
    # Either serial order (PostgreSQL: T2 first; SQLite: T1 holds the write lock first).
    assert names in (['one', 'one'], ['one', 'two'])


def test_retrying_runs_a_deadlocked_transaction_again(attendees):
    """Issue 8 §2: a transaction that loses a deadlock (PostgreSQL; two writers taking two rows
    in opposite orders) is run again by ``retrying``, so both writes land and nobody sees an
    error. On SQLite the write lock taken up front already serializes them."""
    both_started = threading.Barrier(2, timeout=5)
    attempts = []

    def writer(order, name):
        @retrying
        def transaction():
            attempts.append(name)
            with write_transaction():
                _rename(order[0], name)
                if len(attempts) <= 2:
                    try:
                        both_started.wait()
                    except threading.BrokenBarrierError:
                        pass  # SQLite: the other writer waits for this one's commit
                _rename(order[1], name)
        return transaction

    assert _run(writer(attendees, 'a'), writer(attendees[::-1], 'b')) == []
    with db.connection_context():
        names = [a.display_name for a in MeetingAttendee.select().order_by(MeetingAttendee.id)]
    assert names in (['a', 'a'], ['b', 'b'])  # whole transactions, one after the other
