"""Migration 0008 dropped the single-column indexes of the sync's hot tables: every look-up on
those columns must still be served by an index (a composite that starts with the column)."""
import pytest

from server.db import db, is_postgres
from server.models import Meeting, MeetingAttendee, MeetingContact, SyncDecision

DROPPED = ('meeting_account_id', 'meeting_user_id', 'meetingattendee_meeting_id',
           'meetingattendee_account_id', 'meetingcontact_meeting_id',
           'meetingcontact_contact_id', 'syncdecision_user_id')

# The queries the API and the sync make on the columns whose own index is gone, in the shape
# the services write them (server/services/meetings.py, records.py, sync_decisions.py).
QUERIES = {
    'meetings of a user': lambda: Meeting.select().where(
        Meeting.user == 1, Meeting.account == 1).order_by(Meeting.start.desc(), Meeting.id.desc()),
    'meetings of an account': lambda: Meeting.select().where(Meeting.account == 1),
    'attendees of meetings': lambda: MeetingAttendee.select().where(
        MeetingAttendee.meeting.in_([1, 2])).order_by(MeetingAttendee.meeting,
                                                      MeetingAttendee.position),
    'attendees with an e-mail': lambda: MeetingAttendee.select().where(
        MeetingAttendee.account == 1, MeetingAttendee.email == 'a@b.example'),
    'links of a meeting': lambda: MeetingContact.select().where(MeetingContact.meeting == 1),
    'timeline of a contact': lambda: MeetingContact.select().where(MeetingContact.contact == 1),
    'decision log': lambda: SyncDecision.select().where(
        SyncDecision.user == 1, SyncDecision.account == 1).order_by(
        SyncDecision.created_at.desc(), SyncDecision.id.desc()).limit(50),
    'decisions of an event': lambda: SyncDecision.select().where(
        SyncDecision.user == 1, SyncDecision.account == 1,
        SyncDecision.provider_event_id == 'ev1'),
}


def index_names():
    if is_postgres():
        rows = db.execute_sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    else:
        rows = db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
    return {name for (name,) in rows}


def test_redundant_indexes_are_gone_and_their_composites_stay(app):
    names = index_names()
    assert not names & set(DROPPED)
    assert {'meeting_user_id_start_id', 'meeting_account_id_start',
            'meetingattendee_meeting_id_email', 'meetingattendee_account_id_email',
            'meetingcontact_meeting_id_contact_id', 'meetingcontact_contact_id_meeting_id',
            'syncdecision_user_id_created_at'} <= names


@pytest.mark.parametrize('name', sorted(QUERIES))
def test_lookups_on_sync_tables_use_an_index(app, name):
    if is_postgres():
        pytest.skip("PostgreSQL's planner scans tables this small whatever the indexes")
    sql, params = QUERIES[name]().sql()
    plan = ' | '.join(row[-1] for row in db.execute_sql('EXPLAIN QUERY PLAN ' + sql, params))
    assert 'USING' in plan and 'INDEX' in plan, plan
    assert not any(step.startswith('SCAN') and 'INDEX' not in step for step in plan.split(' | ')), plan
