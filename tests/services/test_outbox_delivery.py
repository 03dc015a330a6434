"""Outbox delivery under concurrency and faults (issue 8 §1, §2): a patch carries the meeting as
it is when delivered, and one failing row never stops the others."""
import threading

import pytest

from server.calendars.base import TransientError
from server.db import db
from server.models import CalendarOutbox, utcnow
from server.services import outbox
from tests.clock import iso_ahead
from tests.fakes.fixtures import connect_memory_calendar


@pytest.fixture
def calendar(app, caller):
    return connect_memory_calendar(app, caller.user)


def schedule(caller, title='Demo call'):
    response = caller.post('/meetings', json={'title': title, 'start': iso_ahead(),
                                              'end': iso_ahead(minute=30)})
    assert response.status_code == 201, response.json
    return response.json


def rows():
    with db.connection_context():
        return [(r.action, r.status) for r in CalendarOutbox.select().order_by(CalendarOutbox.id)]


def test_b1_a_patch_sends_the_attendees_as_they_are_when_delivered(app, caller, calendar):
    """Issue 8 §1: each patch used to carry the attendee list of its own moment, so delivering
    an older patch after a newer add removed (and later re-invited) the newer attendee. Now the
    first delivery sends every attendee added so far and settles the later patches with it."""
    meeting = schedule(caller)
    calendar.provider.faults = lambda operation: TransientError('503')  # the calendar is down
    for email in ('ann@client.example', 'bob@client.example'):
        response = caller.post(f"/meetings/{meeting['id']}/attendees",
                               json={'attendees': [{'email': email}]})
        assert response.status_code == 200
    assert rows() == [('insert', 'done'), ('patch', 'pending'), ('patch', 'pending')]
    calendar.provider.faults = lambda operation: None
    with db.connection_context():
        first_patch = CalendarOutbox.select().where(CalendarOutbox.action == 'patch').first()
        assert outbox.deliver(first_patch.id, app.config) == 'done'
    [event] = calendar.live().values()
    guests = sorted(a.email for a in event.attendees if a.email != caller.user.email)
    assert guests == ['ann@client.example', 'bob@client.example']
    assert rows() == [('insert', 'done'), ('patch', 'done'), ('patch', 'done')]
    assert calendar.calls.count('patch') == 1 + 2  # the two refused attempts, then one
    assert sorted(calendar.invitations_for(event.provider_event_id)) == [
        'ann@client.example', 'bob@client.example']


def test_one_failing_outbox_row_never_stops_the_others(app, caller, calendar):
    """Issue 8 §2: an exception from one row's delivery aborted the whole deliver_pending batch;
    now it is logged, that row stays owed (its lease released) and the next rows go out."""
    calendar.provider.faults = lambda operation: TransientError('503')
    schedule(caller, 'First'), schedule(caller, 'Second')
    raised = []

    def one_crash(operation):
        if not raised:
            raised.append(operation)
            return RuntimeError('the provider library broke')
        return None
    calendar.provider.faults = one_crash
    with db.connection_context():
        CalendarOutbox.update(created_at=utcnow().replace(year=utcnow().year - 1)).execute()
        assert outbox.deliver_pending(app.config) == 1
        first = CalendarOutbox.select().order_by(CalendarOutbox.id).first()
        assert (first.status, first.claimed_until) == ('pending', None)
    assert [e.title for e in calendar.live().values()] == ['Second']
    assert rows() == [('insert', 'pending'), ('insert', 'done')]


def test_b1_a_row_being_delivered_is_not_taken_again_by_a_later_rows_delivery(app, caller,
                                                                               calendar):
    """Issue 8 §1 (B1): while one delivery's patch was on its way to the calendar, a later
    row's delivery (which first delivers the rows before it) read that same row, still pending,
    and claimed it again, since a row's own lease did not count against it. Two patches of one
    event then raced; when the older list landed last the newest attendee was removed (a
    cancellation) and re-invited by the next patch. Now the second delivery waits ('busy')."""
    meeting = schedule(caller)
    add = lambda email: caller.post(f"/meetings/{meeting['id']}/attendees",  # noqa: E731
                                    json={'attendees': [{'email': email}]})
    calendar.provider.faults = lambda operation: TransientError('503')
    assert add('ann@client.example').status_code == 200
    calendar.provider.faults = lambda operation: None
    with db.connection_context():
        [first] = CalendarOutbox.select().where(CalendarOutbox.action == 'patch',
                                                CalendarOutbox.status == 'pending')
    inner = []

    def add_bob_and_deliver():  # another worker thread, with its own connection
        assert add('bob@client.example').status_code == 200
        with db.connection_context():
            later = CalendarOutbox.select().where(
                CalendarOutbox.action == 'patch', CalendarOutbox.id > first.id).get()
            inner.append(outbox.deliver(later.id, app.config))

    def meanwhile(operation):
        # While the first delivery's patch is on its way: Bob is added, his row delivered.
        if operation == 'patch' and not inner:
            inner.append('adding bob')
            thread = threading.Thread(target=add_bob_and_deliver)
            thread.start()
            thread.join(20)
        return None
    calendar.provider.faults = meanwhile
    with db.connection_context():
        assert outbox.deliver(first.id, app.config) == 'done'
    assert inner == ['adding bob', 'busy']
    assert calendar.calls.count('patch') == 1 + 1  # the refused attempt, then one at a time
    with db.connection_context():
        later = CalendarOutbox.select().where(CalendarOutbox.status == 'pending').get()
        assert outbox.deliver(later.id, app.config) == 'done'
    [event] = calendar.live().values()
    assert sorted(a.email for a in event.attendees if a.email != caller.user.email) == [
        'ann@client.example', 'bob@client.example']
    assert rows() == [('insert', 'done'), ('patch', 'done'), ('patch', 'done')]
    assert calendar.invitations_for(event.provider_event_id, 'cancel') == []
    assert sorted(calendar.invitations_for(event.provider_event_id)) == [
        'ann@client.example', 'bob@client.example']  # each once
