"""When an admin last saved Settings › Account (issue 13 §1's first-run checklist)."""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    # Plain ALTER, nullable: both databases add it without rebuilding the table.
    db.execute_sql('ALTER TABLE account ADD COLUMN domains_checked_at TIMESTAMP')


def down(migrator, db):
    migrator.migrate(migrator.drop_column('account', 'domains_checked_at'))
