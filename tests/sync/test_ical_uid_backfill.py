"""Migration 0015: meetings synced before 0012 get their iCalendar UID from one full pass (R8)."""
import importlib

from server.db import db
from server.models import CalendarConnection, Contact, Meeting
from server.sync import runner
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake

backfill = importlib.import_module('server.migrations.0015_backfill_ical_uids')


def test_r8_a_meeting_synced_before_0012_gets_its_uid_from_one_full_pass(app, caller,
                                                                          make_caller, google_fake):
    google_fake.push_sink = lambda url, headers, body: None
    app.config.update(google_fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    other = make_caller('olga@globex.example', account='Globex')
    for person in (caller, other):
        with db.connection_context():
            Contact.create(account=person.user.account_id, email='ann@client.example')
        connect_to_fake(google_fake, 'google', person.user, app.config)
        google_fake.store.add_event(person.user.email, f'Intro for {person.user.email}',
                                    attendees=['ann@client.example'])

    def sync(person):
        with db.connection_context():
            assert runner.sync_user(person.user.id, app.config).status == 'ok'

    def cursor(person):
        with db.connection_context():
            return CalendarConnection.get(CalendarConnection.user == person.user.id).sync_cursor

    for person in (caller, other):
        sync(person)
    with db.connection_context():
        # As it was before 0012 for the caller's meeting; Olga's has its UID.
        Meeting.update(ical_uid=None).where(Meeting.user == caller.user.id).execute()
        kept = cursor(other)
        backfill.up(None, db)
    assert cursor(caller) is None and cursor(other) == kept

    sync(caller)
    with db.connection_context():
        meetings = list(Meeting.select().where(Meeting.user == caller.user.id))
    assert len(meetings) == 1 and meetings[0].ical_uid  # filled in, nothing duplicated
    assert cursor(caller) is not None
    with db.connection_context():
        backfill.up(None, db)  # a second run finds nothing left to fill
    assert cursor(caller) is not None
