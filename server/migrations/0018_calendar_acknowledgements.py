"""Concurrency (issue 8 §1, §2): what the calendar has acknowledged, one delivery at a time per
event, and list-version bumps that take their row locks in one order.

- ``meeting.calendar_acked_at``: when the calendar last answered one of our writes of this
  meeting. A page the sync asked for before then may predate that write, so it does not
  overwrite the CRM's meeting (server/sync/engine.py, B1).
- ``calendar_outbox.claimed_until``: the lease of the delivery sending this row; one delivery
  per event at a time, so an older state never reaches the calendar after a newer one.
- PostgreSQL: the list-version functions of migration 0010 lock the version rows they bump in
  id order (and an UPDATE's old and new owners in one statement), so two transactions bumping
  the same users or accounts queue instead of deadlocking.
"""
from peewee import *  # noqa: F403 (generated migration style)

# How each function finds the owners a statement changed, for a transition table {rows}.
OWNERS = {
    'meetside_meetings_version': ('user', 'meetings_version', 'SELECT user_id FROM {rows}'),
    'meetside_attendees_version': ('user', 'meetings_version',
                                   'SELECT m.user_id FROM meeting m '
                                   'WHERE m.id IN (SELECT meeting_id FROM {rows})'),
    'meetside_records_version': ('account', 'records_version', 'SELECT account_id FROM {rows}'),
}


def _is_postgres(db):
    return 'postgres' in type(db).__name__.lower()


def _bump_in_order(owner, column, owners):
    return (f'UPDATE "{owner}" SET {column} = {column} + 1 WHERE id IN ('
            f'SELECT id FROM "{owner}" WHERE id IN ({owners}) ORDER BY id FOR UPDATE)')


def _function(name, body):
    return (f'CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f'BEGIN {body} RETURN NULL; END $$')


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('meeting', 'calendar_acked_at', DateTimeField(null=True)),  # noqa: F405
        migrator.add_column('calendar_outbox', 'claimed_until',
                            DateTimeField(null=True)),  # noqa: F405
    )
    if not _is_postgres(db):
        return  # SQLite serializes writers: its row triggers cannot deadlock
    for name, (owner, column, owners) in OWNERS.items():
        new, old = owners.format(rows='new_rows'), owners.format(rows='old_rows')
        db.execute_sql(_function(name, (
            f"IF TG_OP = 'INSERT' THEN {_bump_in_order(owner, column, new)}; "
            f"ELSIF TG_OP = 'DELETE' THEN {_bump_in_order(owner, column, old)}; "
            f"ELSE {_bump_in_order(owner, column, f'{new} UNION {old}')}; END IF;")))
    # Users: a row trigger (one account, or two when a user moves): lower id first.
    db.execute_sql(_function('meetside_user_records_version', (
        "IF TG_OP = 'INSERT' THEN "
        f"{_bump_in_order('account', 'records_version', 'NEW.account_id')}; "
        "ELSIF TG_OP = 'DELETE' THEN "
        f"{_bump_in_order('account', 'records_version', 'OLD.account_id')}; "
        f"ELSE {_bump_in_order('account', 'records_version', 'OLD.account_id, NEW.account_id')}; "
        'END IF;')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('meeting', 'calendar_acked_at'),
                     migrator.drop_column('calendar_outbox', 'claimed_until'))
    # The functions keep their ordered form: it is equivalent to 0010's, without the deadlock.
