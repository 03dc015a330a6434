"""Concurrency (issue 8 §1, §2): what the calendar has acknowledged, one delivery at a time per
event, and list-version bumps that cannot deadlock.

- ``meeting.calendar_acked_at``: when the calendar last answered one of our writes of this
  meeting. A page the sync asked for before then may predate that write, so it does not
  overwrite the CRM's meeting (server/sync/engine.py, B1).
- ``calendar_outbox.claimed_until``: the lease of the delivery sending this row; one delivery
  per event at a time, so an older state never reaches the calendar after a newer one.
- PostgreSQL: the list versions of migration 0010 move at commit, once per owner and
  transaction (deferred constraint triggers), instead of in the middle of it. A version row
  locked mid-transaction made every writer of a user's meetings (the sync, link_attendees,
  Add attendee, PATCH) queue on it while holding other rows, and two such writers deadlocked
  ("deadlock detected ... while updating tuple in relation user"). Locked while committing,
  a version row is held by a transaction that waits for nothing else: no cycle. SQLite
  serializes writers (BEGIN IMMEDIATE): its triggers stay.
"""
from peewee import *  # noqa: F403 (generated migration style)

# Deferred triggers are row triggers: each row's trigger bumps its owner's version unless this
# transaction already did (a transaction-local setting remembers it), so a 1,000-row page
# still moves a version once.
BUMP = ("IF {owner} IS NOT NULL AND current_setting('meetside.v{kind}' || {owner}, true) "
        "IS DISTINCT FROM txid_current()::text THEN "
        'UPDATE "{table}" SET {column} = {column} + 1 WHERE id = {owner}; '
        "PERFORM set_config('meetside.v{kind}' || {owner}, txid_current()::text, true); END IF;")
OWNERS = {'u': ('user', 'meetings_version'), 'a': ('account', 'records_version')}

# (table, function, kind of owner, how a row names its owner)
DEFERRED = (
    ('meeting', 'meetside_meeting_bump', 'u', '{row}.user_id'),
    ('meeting_attendee', 'meetside_attendee_bump', 'u',
     '(SELECT user_id FROM meeting WHERE id = {row}.meeting_id)'),
    ('contact', 'meetside_contact_bump', 'a', '{row}.account_id'),
    ('company', 'meetside_company_bump', 'a', '{row}.account_id'),
    ('user', 'meetside_user_bump', 'a', '{row}.account_id'),
)
USER_COLUMNS_READ = ('email', 'account_id', 'is_active')  # what R12 reads (as in 0010)
OLD_FUNCTIONS = ('meetside_meetings_version', 'meetside_attendees_version',
                 'meetside_records_version', 'meetside_user_records_version')


def _is_postgres(db):
    return 'postgres' in type(db).__name__.lower()


def _function(name, kind, owner_of):
    """Bump the owner of OLD and of NEW once each, the lower id first."""
    table, column = OWNERS[kind]
    first = BUMP.format(kind=kind, owner='o1', table=table, column=column)
    second = BUMP.format(kind=kind, owner='o2', table=table, column=column)
    return (f'CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ '
            'DECLARE o1 integer; o2 integer; swap integer; BEGIN '
            f"IF TG_OP <> 'INSERT' THEN o1 := {owner_of.format(row='OLD')}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN o2 := {owner_of.format(row='NEW')}; END IF; "
            'IF o1 = o2 THEN o2 := NULL; END IF; '
            'IF o1 IS NULL OR o2 < o1 THEN swap := o1; o1 := o2; o2 := swap; END IF; '
            f'{first} {second} RETURN NULL; END $$')


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('meeting', 'calendar_acked_at', DateTimeField(null=True)),  # noqa: F405
        migrator.add_column('calendar_outbox', 'claimed_until',
                            DateTimeField(null=True)),  # noqa: F405
    )
    if not _is_postgres(db):
        return
    for table, function, kind, owner_of in DEFERRED:
        for event in ('insert', 'update', 'delete'):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_version_{event}" ON "{table}"')
        db.execute_sql(_function(function, kind, owner_of))
        # A user's other columns (sign-in time, its own meetings version) do not count.
        update = (f'UPDATE OF {", ".join(USER_COLUMNS_READ)}' if table == 'user' else 'UPDATE')
        db.execute_sql(f'CREATE CONSTRAINT TRIGGER "{table}_version_deferred" '
                       f'AFTER INSERT OR {update} OR DELETE ON "{table}" '
                       f'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()')
    for name in OLD_FUNCTIONS:
        db.execute_sql(f'DROP FUNCTION IF EXISTS {name}()')


def down(migrator, db):
    if _is_postgres(db):
        import importlib
        for table, function, _, _ in DEFERRED:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_version_deferred" ON "{table}"')
            db.execute_sql(f'DROP FUNCTION IF EXISTS {function}()')
        for statement in importlib.import_module(
                'server.migrations.0010_list_versions')._postgres_up():
            db.execute_sql(statement)
    migrator.migrate(migrator.drop_column('meeting', 'calendar_acked_at'),
                     migrator.drop_column('calendar_outbox', 'claimed_until'))
