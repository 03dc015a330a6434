"""Partial indexes on the sync's hot tables: index only the rows their look-ups can find.

Every synced event writes a meeting, ~5 attendee rows and a B4 log row, each paying one
B-tree insert per index (~1.2-1.6 us each in SQLite, plus the dirty pages its commit writes):
- meeting_attendee.contact_id: look-ups are always ``contact_id = ?`` (ON DELETE SET NULL of a
  contact, an e-mail change); most attendees (colleagues, strangers) have none.
- meeting_attendee (account_id, email): only attendees not yet matched are looked up by e-mail
  (a new contact links them, R11/R18); matched ones are found by contact_id.
- meeting.created_by_id: synced meetings have no creator; ON DELETE SET NULL of a user looks
  up ``created_by_id = ?``.
- sync_decision.account_id: dropped. Every read filters on the user first (its composites);
  the only user of this index was the ON DELETE CASCADE of an account, which now scans the
  log once per deleted account (a rare admin act: the demo reset) instead of every synced
  event paying for it.

Both SQLite and PostgreSQL use a partial index when the query's WHERE implies its predicate
(``col = ?`` implies ``col IS NOT NULL``). Idempotent: IF EXISTS / IF NOT EXISTS throughout.
"""
from peewee import *  # noqa: F403 (generated migration style)

# (index, table, columns, predicate): the declarations of server/models (tests/sync/test_indexes).
PARTIAL = (
    ('meetingattendee_contact_id', 'meeting_attendee', ('contact_id',),
     '"contact_id" IS NOT NULL'),
    ('meetingattendee_account_id_email', 'meeting_attendee', ('account_id', 'email'),
     '"contact_id" IS NULL'),
    ('meeting_created_by_id', 'meeting', ('created_by_id',), '"created_by_id" IS NOT NULL'),
)
DROPPED = (('syncdecision_account_id', 'sync_decision', ('account_id',)),)


def _create(db, name, table, columns, where=''):
    columns = ', '.join(f'"{c}"' for c in columns)
    where = f' WHERE ({where})' if where else ''
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns}){where}')


def up(migrator, db):
    for name, table, columns, where in PARTIAL:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
        _create(db, name, table, columns, where)
    for name, _, _ in DROPPED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def down(migrator, db):
    for name, table, columns, _ in PARTIAL:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
        _create(db, name, table, columns)
    for name, table, columns in DROPPED:
        _create(db, name, table, columns)
