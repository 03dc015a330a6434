"""Migration 0008 dropped the single-column indexes of the sync's hot tables and 0009 made some
partial: every look-up on those columns must still be served by an index, and the models must
declare exactly the indexes the migrations create."""
import importlib
import re

import pytest

from server.db import db, is_postgres
from server.models import (CalendarConnection, CalendarOutbox, Meeting, MeetingAttendee,
                           MeetingContact, SeriesOccurrence, SyncDecision)

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
    # link_attendees: the unmatched attendees a new contact's e-mail takes (partial index).
    'unmatched attendees with an e-mail': lambda: MeetingAttendee.select().where(
        MeetingAttendee.account == 1, MeetingAttendee.email == 'a@b.example',
        MeetingAttendee.contact.is_null()),
    # link_attendees, an e-mail change (records.py) and ON DELETE SET NULL of a contact.
    'attendees of a contact': lambda: MeetingAttendee.select().where(
        MeetingAttendee.contact == 1, MeetingAttendee.email != 'a@b.example'),
    # ON DELETE SET NULL of a user (partial index: synced meetings have no creator).
    'meetings a user created': lambda: Meeting.select().where(Meeting.created_by == 1),
    'links of a meeting': lambda: MeetingContact.select().where(MeetingContact.meeting == 1),
    'timeline of a contact': lambda: MeetingContact.select().where(MeetingContact.contact == 1),
    'decision log': lambda: SyncDecision.select().where(
        SyncDecision.user == 1, SyncDecision.account == 1).order_by(
        SyncDecision.created_at.desc(), SyncDecision.id.desc()).limit(50),
    # R13 on Outlook: the remembered weeks of a series (server/sync/series_pass.py, 0017).
    'remembered weeks of a series': lambda: SeriesOccurrence.select().where(
        SeriesOccurrence.user == 1, SeriesOccurrence.series_id.in_(['a', 'b'])),
    # Issue 10: the meeting brief's previous occurrence of a series (R13, migration 0028).
    'the occurrence before one': lambda: Meeting.select().where(
        Meeting.account == 1, Meeting.ical_uid == 'uid@x', Meeting.start < '2000-01-01',
        Meeting.id != 1).order_by(Meeting.start.desc()).limit(1),
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
    assert 'syncdecision_account_id' not in names  # 0009: the account cascade scans the log
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


SYNC_MODELS = (Meeting, MeetingAttendee, MeetingContact, SyncDecision, CalendarConnection,
               CalendarOutbox, SeriesOccurrence)


def _normal(text):
    """An index's columns or predicate without the quoting and spacing each database adds."""
    return re.sub(r'[\s"()]|public\.', '', text).lower()


def _shape(unique, sql):
    """(unique, columns, predicate) of a CREATE INDEX statement, whatever wrote it."""
    match = re.search(r'\bON\s+\S+\s+(?:USING\s+\w+\s*)?\((.*?)\)(?:\s+WHERE\s+(.*))?$', sql,
                      re.IGNORECASE | re.DOTALL)
    return bool(unique), _normal(match.group(1)), _normal(match.group(2) or '')


def declared_indexes(model):
    shapes = set()
    for index in model._meta.fields_to_index():
        sql, _ = db.get_sql_context().sql(index).query()
        shapes.add(_shape(index._unique, sql))
    return shapes


def created_indexes(table):
    if is_postgres():
        rows = db.execute_sql(
            "SELECT i.indisunique, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = %s AND NOT i.indisprimary",
            (table,))
    else:
        rows = db.execute_sql(
            "SELECT sql LIKE 'CREATE UNIQUE%', sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))
    return {_shape(unique, sql) for unique, sql in rows}


@pytest.mark.parametrize('model', SYNC_MODELS, ids=lambda m: m.__name__)
def test_models_declare_the_indexes_the_migrations_create(app, model):
    """0009's partial indexes included: a fresh create_tables and an upgraded database agree."""
    assert declared_indexes(model) == created_indexes(model._meta.table_name)


def test_migration_0009_is_idempotent_and_reversible(app):
    """Run again, or after its own down(), 0009 leaves exactly the declared indexes."""
    migration = importlib.import_module('server.migrations.0009_partial_sync_indexes')
    tables = [m._meta.table_name for m in SYNC_MODELS]
    before = {t: created_indexes(t) for t in tables}
    with db.atomic():
        migration.up(None, db)
    assert {t: created_indexes(t) for t in tables} == before
    with db.atomic():
        migration.down(None, db)
    assert (False, 'account_id', '') in created_indexes('sync_decision')
    assert (False, 'contact_id', '') in created_indexes('meeting_attendee')
    with db.atomic():
        migration.up(None, db)
    assert {t: created_indexes(t) for t in tables} == before


def test_issue10_r13_previous_occurrence_uses_the_series_index(app):
    """Migration 0028: the meeting brief's look-up of a series' previous occurrence (the
    statement server/services/briefs.py runs, for a meeting without external attendees) is
    served by the partial (ical_uid, start) index, not by a scan of the account's earlier
    meetings."""
    if is_postgres():
        pytest.skip("PostgreSQL's planner scans tables this small whatever the indexes")
    from server.services.briefs import _build_earlier
    query = _build_earlier(1, 1, '2000-01-01', 'uid@x', 1, [], [])
    sql, params = query.sql()
    plan = ' | '.join(row[-1] for row in db.execute_sql('EXPLAIN QUERY PLAN ' + sql, params))
    assert 'meeting_ical_uid_start' in plan, plan
