"""The fault test: the real Google client against the Google fake failing 20 % of its calls.

Hundreds of events, edits, deletes, made-private events, recurring exceptions and meetings
scheduled from the CRM, while calls fail with 429, 500, timeouts, 410 and lost responses. At the
end the CRM must equal the calendar's ground truth: no missing or duplicate meeting, no
duplicate invitation.
"""
import datetime
import random

import pytest

from server.db import db
from server.models import CalendarOutbox, Contact, Meeting
from server.services import outbox
from server.sync import runner
from tests.clock import ahead, iso_ahead
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake
from tests.sync.ground_truth import assert_crm_equals_ground_truth

FAULTS = (429, 500, 'timeout', 410, 'lost')
START = ahead(days=90, hour=9)


@pytest.fixture
def google(app, google_fake, caller):
    """The caller's Google calendar, connected to the fake, with fast retries."""
    app.config.update(google_fake.config(), **dict(
        FAST_RETRIES, CALENDAR_HTTP_TIMEOUT=0.3, CALENDAR_RETRY_ATTEMPTS=3),
        TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY, GOOGLE_PAGE_SIZE=10)
    google_fake.faults.slow_seconds = 0.4
    google_fake.faults.retry_after = 0
    google_fake.push_sink = lambda url, headers, body: None
    connect_to_fake(google_fake, 'google', caller.user, app.config)
    return google_fake


class World:
    """The calendar as the user changes it, and what the CRM must end up holding."""

    def __init__(self, app, fake, caller, contacts):
        self.app, self.fake, self.caller, self.contacts = app, fake, caller, contacts
        self.owner = caller.user.email
        self.expected = {}  # provider event id -> (title, status)
        self.frozen = set()
        self.rng = random.Random(3)

    def add(self, i):
        kind = i % 10
        people = self.rng.sample(self.contacts, 2)
        if kind == 6:
            people = [f'stranger{i}@else.example']  # R10
        elif kind == 7:
            people = [f'colleague{i}@acme.com']  # R12
        start = START + datetime.timedelta(hours=i)
        event = self.fake.store.add_event(
            self.owner, f'Event {i}', start=start, attendees=people + ['someone@else.example'],
            all_day=kind == 8, visibility='private' if kind == 9 else 'default')
        if kind <= 5:
            self.expected[event.id] = (event.title, 'scheduled')
        return event

    def edit(self, event_id, **changes):
        event = self.fake.store.edit_event(event_id, **changes)
        if event_id in self.expected and event_id not in self.frozen:
            if 'attendees' in changes and not set(changes['attendees']) & set(self.contacts):
                del self.expected[event_id]  # no contact left: off the timelines (R9, R10)
            else:
                self.expected[event_id] = (event.title, 'scheduled')

    def delete(self, event_id):
        self.fake.store.delete_event(event_id)
        if event_id not in self.frozen:
            self.expected.pop(event_id, None)

    def make_private(self, event_id):
        self.fake.store.make_private(event_id)
        if event_id in self.expected:
            self.frozen.add(event_id)  # R15: kept as it was, no more changes

    def sync_until_ok(self, limit=40):
        for _ in range(limit):
            with db.connection_context():
                result = runner.sync_user(self.caller.user.id, self.app.config,
                                          sleep=lambda seconds: None)
            if result.status == 'ok':
                return result
            assert result.status == 'retry_later', result
        raise AssertionError('the sync never got through')

    def deliver_until_done(self, limit=40):
        for _ in range(limit):
            with db.connection_context():
                pending = [r.id for r in CalendarOutbox.select().where(
                    CalendarOutbox.status == 'pending').order_by(CalendarOutbox.id)]
                for outbox_id in pending:
                    outbox.deliver(outbox_id, self.app.config)
                if not CalendarOutbox.select().where(CalendarOutbox.status == 'pending').exists():
                    return
        raise AssertionError('the outbox never emptied')


def test_fault_test_crm_equals_ground_truth_without_duplicates(app, google, caller):
    with db.connection_context():
        contacts = [Contact.create(account=caller.user.account_id, email=f'c{i}@client.example').email
                    for i in range(40)]
    world = World(app, google, caller, contacts)
    google.faults.fail_fraction(0.2, kinds=FAULTS, seed=11)

    events = [world.add(i) for i in range(300)]
    # R13: weekly series with contacts; one week moved, one called off.
    for n in range(4):
        master = google.store.add_event(world.owner, f'Weekly {n}', start=START + datetime.timedelta(days=n),
                                        attendees=[contacts[n]], recurrence=['RRULE:FREQ=WEEKLY'])
        world.expected[master.id] = (master.title, 'scheduled')
        moved = google.store.add_exception(master.id, master.start + datetime.timedelta(days=7),
                                           start=master.start + datetime.timedelta(days=8),
                                           end=master.start + datetime.timedelta(days=8, hours=1))
        world.expected[moved.id] = (master.title, 'scheduled')
        off = google.store.add_exception(master.id, master.start + datetime.timedelta(days=14),
                                         cancelled=True)
        world.expected[off.id] = (master.title, 'cancelled')
    world.sync_until_ok()

    # Meetings scheduled in the CRM while the calendar misbehaves (R5), one with a late attendee (B1).
    scheduled = []
    for n in range(8):
        response = caller.post('/meetings', json={
            'title': f'From the CRM {n}', 'start': iso_ahead(days=120 + n, hour=10),
            'end': iso_ahead(days=120 + n, hour=11),
            'attendees': [{'email': contacts[n]}, {'email': f'guest{n}@else.example'}]})
        assert response.status_code == 201, response.json
        scheduled.append(response.json['id'])
    added = caller.post(f'/meetings/{scheduled[0]}/attendees',
                        json={'attendees': [{'email': 'late@else.example'}]})
    assert added.status_code == 200
    world.deliver_until_done()
    with db.connection_context():
        for meeting in Meeting.select().where(Meeting.id.in_(scheduled)):
            world.expected[meeting.provider_event_id] = (meeting.title, 'scheduled')

    # The user keeps working in the calendar: edits, attendee changes, deletes, made private.
    logged = [e.id for e in events if e.id in world.expected]
    for batch in range(4):  # several rounds, each synced (by push or poll) before the next
        for event_id in logged[batch * 10:batch * 10 + 10]:
            world.edit(event_id, title=f'Renamed {event_id[:6]} {batch}')
        world.sync_until_ok()
    for event_id in logged[40:50]:
        world.edit(event_id, attendees=['nobody@else.example'])
    for event_id in logged[50:60]:
        world.make_private(event_id)
    world.sync_until_ok()  # the sync sees them private before anything else happens to them
    for event in events[::7]:
        world.delete(event.id)
    world.sync_until_ok()
    # Frozen meetings ignore later edits and even deletion in the calendar (R15).
    for event_id in logged[50:55]:
        world.edit(event_id, title='Edited after being made private')
    world.delete(logged[55])
    world.sync_until_ok()

    calls = len(google.requests_log)
    google.faults.clear()
    world.sync_until_ok()
    # The faults really happened: about one call in five, of every kind.
    injected = google.faults.injected
    assert sum(injected.values()) >= 0.12 * calls and set(injected) >= {429, 500, 'lost'}, (
        injected, calls)

    with db.connection_context():
        meetings = list(Meeting.select())
        frozen = {m.provider_event_id for m in meetings if m.frozen}
    invitations = assert_crm_equals_ground_truth(meetings, world.expected, google.store.invitations)
    assert invitations, 'no invitation at all'
    assert frozen == set(logged[50:60])

    crm_events = {e.id: e for e in google.store.live_events(world.owner) if e.title.startswith('From the CRM')}
    assert len(crm_events) == 8
    for event in crm_events.values():
        invited = {email for (event_id, email) in invitations if event_id == event.id}
        assert invited == {a.email for a in event.attendees} - {world.owner}
