"""R13: find the occurrence of a series before a given one (issue 10, the meeting brief).

The occurrences of a recurring event, and every user's copy of them, share the event's
iCalendar UID (0012). The meeting brief carries the previous occurrence's notes forward, which
asks for the latest meeting of a UID before a start: without an index that scans every earlier
meeting of the account (a million at the scale the bench measures). Partial: meetings made in
the CRM have no UID and pay nothing; a synced meeting pays one B-tree insert more.
Idempotent: IF NOT EXISTS / IF EXISTS.
"""
from peewee import *  # noqa: F403 (generated migration style)

NAME = 'meeting_ical_uid_start'


def up(migrator, db):
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "meeting" ("ical_uid", "start") '
                   'WHERE ("ical_uid" IS NOT NULL)')


def down(migrator, db):
    db.execute_sql(f'DROP INDEX IF EXISTS "{NAME}"')
