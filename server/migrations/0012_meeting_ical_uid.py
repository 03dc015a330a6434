"""Keep each synced event's iCalendar UID on its meeting.

When two users of an account attend one event, each user's sync logs its own copy of the
meeting; the UID (with the start, which tells a series' occurrences apart) is what lets a
record's timeline show that event once (R8). No index: the timeline compares the copies it
has already loaded, and the sync engine pays for every index on this table.
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    migrator.migrate(migrator.add_column(
        'meeting', 'ical_uid', CharField(max_length=1024, null=True)))  # noqa: F405


def down(migrator, db):
    migrator.migrate(migrator.drop_column('meeting', 'ical_uid'))
