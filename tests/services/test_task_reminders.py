"""Issue 11 §2, B8: a task with a due time may put a private reminder on the rep's own primary
calendar -- no attendees, no invitations (Google sendUpdates=none, Graph without attendees) --
through the calendar outbox, created exactly once; done or deleted, it leaves the calendar.

Through the real Google and Microsoft clients and their protocol-faithful fakes, whose
invitation logs prove no one was mailed."""
import datetime

import pytest

from server.db import db, write_transaction
from server.models import CalendarOutbox, Meeting, Task
from server.services import outbox
from server.services.due_dates import local_now
from server.sync import runner
from tests.clock import DAY, today
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake

ZONE = 'Asia/Taipei'  # UTC+8, no DST


@pytest.fixture(params=['google', 'outlook'])
def calendar(request, app, caller):
    fake = request.getfixturevalue('google_fake' if request.param == 'google' else 'graph_fake')
    fake.push_sink = lambda url, headers, body: None
    app.config.update(fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    assert caller.patch('/me', json={'time_zone': ZONE}).status_code == 200
    connect_to_fake(fake, request.param, caller.user, app.config)
    fake.provider_name = request.param
    return fake


def reminders(fake, owner):
    """The owner's live events at the fake (the reminders: nothing else is on the calendar)."""
    return [e for e in fake.store.events.values()
            if e.owner == owner and e.status != 'cancelled' and not e.recurring_event_id]


def tomorrow_local():
    return local_now(today(hour=12), ZONE).date() + DAY


def post_task(caller, **fields):
    body = {'title': 'Call Ana back', 'due_date': tomorrow_local().isoformat(),
            'due_time': '15:00', 'reminder': True, **fields}
    resp = caller.post('/tasks', json=body)
    assert resp.status_code in (200, 201), resp.json
    return resp.json


def assert_no_invitation(fake):
    assert fake.store.invitations == []
    if fake.provider_name == 'google':
        assert fake.send_updates and {value for _, _, value in fake.send_updates} == {'none'}


def test_issue11_b8_reminder_is_private_without_attendees_and_invites_no_one(app, caller, calendar):
    task = post_task(caller)
    (event,) = reminders(calendar, caller.user.email)
    assert (event.title, event.visibility, event.attendees) == ('Call Ana back', 'private', [])
    due = datetime.datetime.combine(tomorrow_local(), datetime.time(15)) - datetime.timedelta(hours=8)
    assert event.start == due  # 15:00 in the owner's zone
    with db.connection_context():
        assert Task.get_by_id(task['id']).reminder_event_id == event.id
        assert [(r.action, r.status) for r in CalendarOutbox.select()] == [('insert', 'done')]
    assert_no_invitation(calendar)
    # The sync's echo of the reminder logs no meeting (R15: private; and no attendee).
    with db.connection_context():
        assert runner.sync_user(caller.user.id, app.config).status == 'ok'
        assert Meeting.select().count() == 0


def test_issue11_b2_reminder_of_a_retried_task_is_created_once(caller, calendar):
    first = post_task(caller, client_id='reminder-task-0001')
    again = post_task(caller, client_id='reminder-task-0001')
    assert again['id'] == first['id']
    assert len(reminders(calendar, caller.user.email)) == 1
    with db.connection_context():
        assert CalendarOutbox.select().count() == 1


def test_issue11_completing_the_task_removes_its_reminder(caller, calendar):
    task = post_task(caller)
    assert len(reminders(calendar, caller.user.email)) == 1
    assert caller.patch(f"/tasks/{task['id']}", json={'done': True}).status_code == 200
    assert reminders(calendar, caller.user.email) == []
    with db.connection_context():
        assert Task.get_by_id(task['id']).reminder_event_id is None
    assert_no_invitation(calendar)


def test_issue11_deleting_the_task_removes_its_reminder(caller, calendar):
    task = post_task(caller)
    assert caller.delete(f"/tasks/{task['id']}").status_code == 204
    assert reminders(calendar, caller.user.email) == []
    assert_no_invitation(calendar)


def test_issue11_moving_the_due_time_moves_the_reminder(caller, calendar):
    task = post_task(caller)
    assert caller.patch(f"/tasks/{task['id']}", json={'due_time': '17:30'}).status_code == 200
    (event,) = reminders(calendar, caller.user.email)
    assert event.start == datetime.datetime.combine(
        tomorrow_local(), datetime.time(17, 30)) - datetime.timedelta(hours=8)
    assert_no_invitation(calendar)


def test_issue11_no_reminder_without_a_due_time_or_when_not_asked(caller, calendar):
    post_task(caller, due_time=None)
    post_task(caller, reminder=False)
    assert reminders(calendar, caller.user.email) == []
    with db.connection_context():
        assert CalendarOutbox.select().count() == 0


def test_issue11_reminder_from_a_typed_line(caller, calendar):
    resp = caller.post('/tasks', json={'text': 'call back tomorrow 3pm', 'reminder': True})
    assert resp.status_code == 201 and resp.json['due_time'] == '15:00'
    (event,) = reminders(calendar, caller.user.email)
    assert event.visibility == 'private' and event.attendees == []
    assert_no_invitation(calendar)


def test_issue11_a_task_given_to_a_colleague_takes_its_reminder_off_my_calendar(
        caller, make_caller, calendar):
    colleague = make_caller('bo@acme.com', account='Acme', name='Bo')
    task = post_task(caller)
    assert len(reminders(calendar, caller.user.email)) == 1
    resp = caller.patch(f"/tasks/{task['id']}", json={'owner_id': colleague.user.id})
    assert resp.status_code == 200
    assert reminders(calendar, caller.user.email) == []  # Bo has no calendar connected
    with db.connection_context():
        assert Task.get_by_id(task['id']).reminder_event_id is None
    assert_no_invitation(calendar)


@pytest.mark.parametrize('provider', ['google', 'outlook'])
def test_issue11_b8_tasks_made_before_the_calendar_was_connected_get_their_reminder_on_connect(
        app, caller, provider, request):
    """Issue 11 §2: a task asking for a reminder while no calendar was connected used to get
    none, even after the rep connected one. Connecting now puts the reminders of open tasks
    still ahead on the calendar, once; past, done or unasked-for tasks get none."""
    fake = request.getfixturevalue('google_fake' if provider == 'google' else 'graph_fake')
    fake.push_sink = lambda url, headers, body: None
    fake.provider_name = provider
    app.config.update(fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    assert caller.patch('/me', json={'time_zone': ZONE}).status_code == 200
    wanted = post_task(caller, title='Send the quote')
    post_task(caller, title='Yesterday', due_date=(tomorrow_local() - 2 * DAY).isoformat())
    done = post_task(caller, title='Done already')
    assert caller.patch(f"/tasks/{done['id']}", json={'done': True}).status_code == 200
    post_task(caller, title='No reminder asked', reminder=False)
    with db.connection_context():
        assert CalendarOutbox.select().count() == 0  # no calendar yet: nothing owed
    connect_to_fake(fake, provider, caller.user, app.config)
    (event,) = reminders(fake, caller.user.email)
    assert (event.title, event.attendees) == ('Send the quote', [])
    assert_no_invitation(fake)
    with db.connection_context():
        assert Task.get_by_id(wanted['id']).reminder_event_id == event.id
        assert [(r.action, r.status) for r in CalendarOutbox.select()] == [('insert', 'done')]
    # Reconnecting later owes nothing again.
    with db.connection_context():
        assert outbox.owe_missing_reminders(caller.user.id) == 0


def test_issue11_b2_two_writers_owing_one_reminder_at_once_create_it_once(
        app, caller, google_fake):
    """Issue 11 §2, B2: the connect-time pass and a writer that read the task before it (an
    edit of the task, a second connect) both saw no reminder and each owed the calendar an
    insert: two reminders. A compare-and-set on the task now lets only the first one owe it."""
    google_fake.push_sink = lambda url, headers, body: None
    google_fake.provider_name = 'google'
    app.config.update(google_fake.config(), **FAST_RETRIES,
                      TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    assert caller.patch('/me', json={'time_zone': ZONE}).status_code == 200
    task = post_task(caller, title='Send the quote')
    with db.connection_context():
        read_before = Task.get_by_id(task['id'])  # no reminder yet, as the second writer saw it
    connect_to_fake(google_fake, 'google', caller.user, app.config)  # the first writer
    with db.connection_context():
        with write_transaction():
            outbox.on_task_written(read_before, caller.user)
        outbox.after_commit()
        assert [(r.action, r.status) for r in CalendarOutbox.select()] == [('insert', 'done')]
    assert len(reminders(google_fake, caller.user.email)) == 1
    assert_no_invitation(google_fake)
