"""Fill in the iCalendar UID (0012) of meetings synced before it: one full pass per calendar.

A meeting synced before migration 0012 has no UID, so a contact's timeline cannot tell that it
and another user's copy are one event (R8) until the event changes. Forgetting the sync cursor
of each connection whose user owns such a meeting makes its next sync a full pass from the
connection time (the path an expired cursor already takes), whose upserts by event id fill in
every UID and duplicate nothing. Connections with nothing to fill keep their cursor.
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    connection = Table('calendar_connection', ('id', 'user_id', 'sync_cursor')).bind(db)  # noqa: F405
    meeting = Table('meeting', ('user_id', 'source', 'provider_event_id', 'ical_uid'))  # noqa: F405
    without_uid = (meeting.select(meeting.user_id)
                   .where(meeting.source == 'calendar', meeting.ical_uid.is_null(),
                          meeting.provider_event_id.is_null(False)))
    (connection.update(sync_cursor=None)
     .where(connection.user_id.in_(without_uid), connection.sync_cursor.is_null(False))
     .execute())


def down(migrator, db):
    """Nothing to undo: the next sync stores a new cursor either way."""
