"""A lease on each calendar connection so two workers never sync one user at once."""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('calendar_connection', 'sync_lock_owner',
                            CharField(max_length=100, null=True)),  # noqa: F405
        migrator.add_column('calendar_connection', 'sync_lock_until',
                            DateTimeField(null=True)))  # noqa: F405


def down(migrator, db):
    migrator.migrate(migrator.drop_column('calendar_connection', 'sync_lock_until'),
                     migrator.drop_column('calendar_connection', 'sync_lock_owner'))
