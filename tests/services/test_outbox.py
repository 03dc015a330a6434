"""CRM -> calendar through the outbox: R5 insert once with invitations, B1, R6, B3, retries."""
import pytest

from server.calendars.base import TransientError
from server.db import db
from server.models import CalendarConnection, CalendarOutbox, Contact, Meeting, utcnow
from server.services import outbox
from server.sync import runner
from tests.clock import iso_ahead
from tests.fakes.fixtures import connect_memory_calendar

START, END = iso_ahead(), iso_ahead(minute=30)


class Lost(TransientError):
    """The write reached the calendar but its response never came back."""
    after_effect = True


@pytest.fixture
def calendar(app, caller):
    cal = connect_memory_calendar(app, caller.user)
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='buyer@client.com', first_name='Bea')
    return cal


def schedule(caller, **fields):
    body = {'title': 'Demo call', 'start': START, 'end': END,
            'attendees': [{'email': 'buyer@client.com', 'display_name': 'Bea Buyer'},
                          {'email': 'colleague@acme.com'}]}
    body.update(fields)
    resp = caller.post('/meetings', json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def outbox_rows():
    with db.connection_context():
        return [(r.action, r.status, r.attempts) for r in CalendarOutbox.select().order_by(CalendarOutbox.id)]


def sync(app, caller):
    with db.connection_context():
        return runner.sync_user(caller.user.id, app.config)


def test_r5_scheduling_inserts_the_event_once_with_invitations(app, caller, calendar):
    meeting = schedule(caller)
    [event] = calendar.live().values()
    assert event.title == 'Demo call' and event.provider_event_id.startswith('ms')
    assert sorted(calendar.invitations_for(event.provider_event_id)) == [
        'buyer@client.com', 'colleague@acme.com']
    assert meeting['calendar_link'] == event.html_link
    assert outbox_rows() == [('insert', 'done', 1)]
    # The sync's echo of that event updates the same meeting instead of logging a second one.
    result = sync(app, caller)
    assert result.decisions == {'updated': 1}
    with db.connection_context():
        assert Meeting.select().count() == 1
        assert Meeting.get().source == 'crm'


def test_r5_without_a_connected_calendar_nothing_is_owed(app, caller, calendar):
    with db.connection_context():
        CalendarConnection.update(status='disconnected').execute()
    schedule(caller)
    assert outbox_rows() == [] and calendar.live() == {}


def test_r5_b9_a_meeting_scheduled_while_the_calendar_needs_reconnecting_is_held_then_sent(
        app, caller, calendar):
    """B9: the scheduling is not lost because the grant expired: it waits, spending no attempt,
    and reaching the calendar once, with its invitations, after the user reconnects."""
    with db.connection_context():
        CalendarConnection.update(status='needs_reconnect').execute()
    meeting = schedule(caller)
    added = caller.post(f"/meetings/{meeting['id']}/attendees",
                        json={'attendees': [{'email': 'late@client.com'}]})
    assert added.status_code == 200
    assert outbox_rows() == [('insert', 'pending', 0), ('patch', 'pending', 0)]
    assert calendar.live() == {}
    with db.connection_context():
        CalendarConnection.update(status='connected').execute()
        ids = [r.id for r in CalendarOutbox.select().order_by(CalendarOutbox.id)]
        assert [outbox.deliver(i, app.config) for i in ids] == ['done', 'done']
    [event] = calendar.live().values()
    assert sorted(calendar.invitations_for(event.provider_event_id)) == [
        'buyer@client.com', 'colleague@acme.com', 'late@client.com']


def test_b1_attendees_added_later_are_invited(app, caller, calendar):
    """B1 fixes R7: an attendee added in the CRM is added to the calendar event and invited."""
    meeting = schedule(caller)
    resp = caller.post(f"/meetings/{meeting['id']}/attendees",
                       json={'attendees': [{'email': 'new@client.com', 'display_name': 'Nu'}]})
    assert resp.status_code == 200, resp.json
    [event] = calendar.live().values()
    assert 'new@client.com' in [a.email for a in event.attendees]
    invited = [e for (_, e, kind) in calendar.invitations if kind == 'invite']
    assert sorted(invited) == ['buyer@client.com', 'colleague@acme.com', 'new@client.com']
    assert outbox_rows() == [('insert', 'done', 1), ('patch', 'done', 1)]


def test_r6_deleting_the_meeting_keeps_the_calendar_event(app, caller, calendar):
    meeting = schedule(caller)
    assert caller.delete(f"/meetings/{meeting['id']}").status_code == 204
    assert len(calendar.live()) == 1
    assert [k for (_, _, k) in calendar.invitations].count('cancel') == 0
    # The kept event is not logged again by the sync, even after it changes.
    [event_id] = calendar.live()
    calendar.edit(event_id, title='Still in my calendar')
    result = sync(app, caller)
    assert result.decisions == {'skipped': 1}
    with db.connection_context():
        assert Meeting.select().count() == 0


def test_b3_cancel_in_calendar_deletes_the_event_and_tells_attendees(app, caller, calendar):
    meeting = schedule(caller)
    resp = caller.delete(f"/meetings/{meeting['id']}?cancel_in_calendar=true")
    assert resp.status_code == 204
    assert calendar.live() == {}
    cancelled = sorted(e for (_, e, k) in calendar.invitations if k == 'cancel')
    assert cancelled == ['buyer@client.com', 'colleague@acme.com']
    assert [r[:2] for r in outbox_rows()] == [('insert', 'done'), ('delete', 'done'),
                                              ('forget', 'done')]


def test_r5_retry_after_a_lost_response_sends_no_second_invitation(app, caller, calendar):
    lost = [Lost('timeout')]
    calendar.provider.faults = lambda op: lost.pop() if op == 'insert' and lost else None
    meeting = schedule(caller)
    assert len(calendar.live()) == 1  # created, but the CRM never heard back
    assert outbox_rows() == [('insert', 'pending', 1)]
    with db.connection_context():
        row = CalendarOutbox.get()
        assert outbox.deliver(row.id, app.config) == 'done'
        assert outbox.deliver(row.id, app.config) == 'done'  # and again: nothing more happens
        stored = Meeting.get_by_id(meeting['id'])
    [event] = calendar.live().values()
    assert calendar.calls.count('insert') == 1
    assert sorted(calendar.invitations_for(event.provider_event_id)) == [
        'buyer@client.com', 'colleague@acme.com']
    assert stored.provider_event_id == event.provider_event_id
    assert stored.calendar_link == event.html_link


def test_r5_insert_retried_by_the_periodic_job_after_an_outage(app, caller, calendar):
    calendar.provider.faults = lambda op: TransientError('503')
    schedule(caller)
    assert calendar.live() == {}
    calendar.provider.faults = lambda op: None
    with db.connection_context():
        CalendarOutbox.update(created_at=utcnow().replace(year=2020)).execute()
        assert outbox.deliver_pending(app.config) == 1
    assert len(calendar.live()) == 1
    assert outbox_rows() == [('insert', 'done', 2)]


def test_revoked_authorization_keeps_the_write_owed_until_reconnect(app, caller, calendar):
    calendar.provider.auth_expired = True
    schedule(caller)
    with db.connection_context():
        assert CalendarConnection.get().status == 'needs_reconnect'
    assert outbox_rows() == [('insert', 'pending', 1)]


def test_r6_a_colleague_deleting_the_meeting_keeps_it_out_of_the_owners_sync(
        app, caller, calendar, make_caller):
    """The calendar is the meeting owner's: a colleague's delete is remembered for the owner."""
    meeting = schedule(caller)
    colleague = make_caller('colleague@acme.com', account='Acme')
    assert colleague.delete(f"/meetings/{meeting['id']}").status_code == 204
    [event_id] = calendar.live()
    calendar.edit(event_id, title='Still in my calendar')
    assert sync(app, caller).decisions == {'skipped': 1}
    with db.connection_context():
        assert Meeting.select().count() == 0


def test_b1_b3_a_colleagues_changes_go_to_the_owners_calendar(app, caller, calendar, make_caller):
    """B1 and B3 write to the calendar of the meeting's owner, whoever edits it in the CRM."""
    meeting = schedule(caller)
    colleague = make_caller('colleague@acme.com', account='Acme')
    resp = colleague.post(f"/meetings/{meeting['id']}/attendees",
                          json={'attendees': [{'email': 'new@client.com'}]})
    assert resp.status_code == 200, resp.json
    [event] = calendar.live().values()
    assert 'new@client.com' in [a.email for a in event.attendees]
    assert colleague.delete(f"/meetings/{meeting['id']}?cancel_in_calendar=true").status_code == 204
    assert calendar.live() == {}
