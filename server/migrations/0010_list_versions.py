"""Versions that tell whether a cached meetings list still holds (server/services/meeting_listing.py).

``user.meetings_version`` moves whenever one of the user's meetings or its attendees changes;
``account.records_version`` whenever a contact, company or user of the account does (an
attendee's contact card and R12's "internal" flag read those). The database moves them itself,
with triggers, so no write path can forget to: services, the sync engine's bulk statements,
the CLI, foreign-key cascades and a hand-typed UPDATE all count.

PostgreSQL moves each version once per statement (transition tables), so a 1,000-row insert is
one UPDATE and one row lock per user; SQLite has only row triggers, one UPDATE per changed row.
"""
from peewee import *  # noqa: F403 (generated migration style)

# (table, the version it moves, how a changed row names the version's owner)
SQLITE_TRIGGERS = (
    ('meeting', 'user', 'meetings_version', '{row}.user_id'),
    ('meeting_attendee', 'user', 'meetings_version',
     '(SELECT user_id FROM meeting WHERE id = {row}.meeting_id)'),
    ('contact', 'account', 'records_version', '{row}.account_id'),
    ('company', 'account', 'records_version', '{row}.account_id'),
)
# A user's e-mail decides R12 for attendees; its other columns (sign-in time, the version
# itself) do not, so only these move the account's version.
USER_COLUMNS_READ = ('email', 'account_id', 'is_active')


def _is_postgres(db):
    return 'postgres' in type(db).__name__.lower()


def up(migrator, db):
    # A default in the schema too, so rows inserted by other tools start at 0.
    migrator.migrate(
        migrator.add_column('user', 'meetings_version', IntegerField(  # noqa: F405
            default=0, constraints=[SQL('DEFAULT 0')])),  # noqa: F405
        migrator.add_column('account', 'records_version', IntegerField(  # noqa: F405
            default=0, constraints=[SQL('DEFAULT 0')])),  # noqa: F405
    )
    for statement in (_postgres_up() if _is_postgres(db) else _sqlite_up()):
        db.execute_sql(statement)


def _bump(owner, column, where):
    return f'UPDATE "{owner}" SET "{column}" = "{column}" + 1 WHERE id {where};'


def _sqlite_up():
    for table, owner, column, row_owner in SQLITE_TRIGGERS:
        new, old = row_owner.format(row='NEW'), row_owner.format(row='OLD')
        yield (f'CREATE TRIGGER "{table}_version_insert" AFTER INSERT ON "{table}" BEGIN '
               f'{_bump(owner, column, f"= {new}")} END')
        yield (f'CREATE TRIGGER "{table}_version_update" AFTER UPDATE ON "{table}" BEGIN '
               f'{_bump(owner, column, f"IN ({old}, {new})")} END')
        yield (f'CREATE TRIGGER "{table}_version_delete" AFTER DELETE ON "{table}" BEGIN '
               f'{_bump(owner, column, f"= {old}")} END')
    yield ('CREATE TRIGGER "user_version_insert" AFTER INSERT ON "user" BEGIN '
           f'{_bump("account", "records_version", "= NEW.account_id")} END')
    yield (f'CREATE TRIGGER "user_version_update" AFTER UPDATE OF '
           f'{", ".join(USER_COLUMNS_READ)} ON "user" BEGIN '
           f'{_bump("account", "records_version", "IN (OLD.account_id, NEW.account_id)")} END')
    yield ('CREATE TRIGGER "user_version_delete" AFTER DELETE ON "user" BEGIN '
           f'{_bump("account", "records_version", "= OLD.account_id")} END')


# PostgreSQL: one function per kind of owner; each trigger hands it the changed rows.
POSTGRES_FUNCTIONS = {
    'meetside_meetings_version': 'UPDATE "user" SET meetings_version = meetings_version + 1 '
                                 'WHERE id IN (SELECT user_id FROM {rows})',
    'meetside_attendees_version': 'UPDATE "user" SET meetings_version = meetings_version + 1 '
                                  'WHERE id IN (SELECT m.user_id FROM meeting m '
                                  'WHERE m.id IN (SELECT meeting_id FROM {rows}))',
    'meetside_records_version': 'UPDATE account SET records_version = records_version + 1 '
                                'WHERE id IN (SELECT account_id FROM {rows})',
}
POSTGRES_TRIGGERS = (
    ('meeting', 'meetside_meetings_version'),
    ('meeting_attendee', 'meetside_attendees_version'),
    ('contact', 'meetside_records_version'),
    ('company', 'meetside_records_version'),
)


def _postgres_up():
    for name, update in POSTGRES_FUNCTIONS.items():
        # Each branch is planned only when it runs, so a trigger without OLD (or NEW) rows
        # never touches that transition table.
        yield (f'CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
               f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {update.format(rows='new_rows')}; END IF; "
               f"IF TG_OP IN ('DELETE', 'UPDATE') THEN {update.format(rows='old_rows')}; END IF; "
               'RETURN NULL; END $$')
    for table, function in POSTGRES_TRIGGERS:
        for event, referencing in (('INSERT', 'NEW TABLE AS new_rows'),
                                   ('UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'),
                                   ('DELETE', 'OLD TABLE AS old_rows')):
            yield (f'CREATE TRIGGER "{table}_version_{event.lower()}" AFTER {event} ON "{table}" '
                   f'REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()')
    # Users: a row trigger, because a statement trigger with transition tables cannot be
    # limited to the columns R12 reads, and the meetings version's own updates must not count.
    yield ('CREATE FUNCTION meetside_user_records_version() RETURNS trigger LANGUAGE plpgsql '
           'AS $$ BEGIN '
           "IF TG_OP IN ('INSERT', 'UPDATE') THEN UPDATE account SET records_version = "
           'records_version + 1 WHERE id = NEW.account_id; END IF; '
           "IF TG_OP IN ('DELETE', 'UPDATE') THEN UPDATE account SET records_version = "
           'records_version + 1 WHERE id = OLD.account_id; END IF; '
           'RETURN NULL; END $$')
    changed = ' OR '.join(f'OLD.{c} IS DISTINCT FROM NEW.{c}' for c in USER_COLUMNS_READ)
    yield ('CREATE TRIGGER "user_version_insert" AFTER INSERT ON "user" FOR EACH ROW '
           'EXECUTE FUNCTION meetside_user_records_version()')
    yield (f'CREATE TRIGGER "user_version_update" AFTER UPDATE ON "user" FOR EACH ROW '
           f'WHEN ({changed}) EXECUTE FUNCTION meetside_user_records_version()')
    yield ('CREATE TRIGGER "user_version_delete" AFTER DELETE ON "user" FOR EACH ROW '
           'EXECUTE FUNCTION meetside_user_records_version()')


def down(migrator, db):
    tables = [table for table, *_ in SQLITE_TRIGGERS] + ['user']
    for table in tables:
        for event in ('insert', 'update', 'delete'):
            on = f' ON "{table}"' if _is_postgres(db) else ''
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_version_{event}"{on}')
    if _is_postgres(db):
        for name in (*POSTGRES_FUNCTIONS, 'meetside_user_records_version'):
            db.execute_sql(f'DROP FUNCTION IF EXISTS {name}()')
    migrator.migrate(migrator.drop_column('user', 'meetings_version'),
                     migrator.drop_column('account', 'records_version'))
