"""Say why a calendar connection needs attention, so Settings › Calendar and the panel can.

``reconnect_reason`` tells an expired grant (the provider refused the tokens) from tokens this
server can no longer decrypt (TOKEN_ENCRYPTION_KEY lost or changed): the fix is the same, the
explanation is not. ``push_error`` keeps why the provider refused a push channel (Google and
Graph accept only https addresses); ``last_error`` is the last sync's and is cleared by each
successful sync, which would hide a channel that can never open.
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('calendar_connection', 'reconnect_reason',
                            CharField(max_length=30, default='')),  # noqa: F405
        migrator.add_column('calendar_connection', 'push_error', TextField(default='')))  # noqa: F405


def down(migrator, db):
    migrator.migrate(migrator.drop_column('calendar_connection', 'push_error'),
                     migrator.drop_column('calendar_connection', 'reconnect_reason'))
