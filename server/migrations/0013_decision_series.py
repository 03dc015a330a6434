"""Remember, on the B4 log, which series an occurrence belongs to and when it falls (R13).

Microsoft Graph reports an organizer's deletion of one occurrence as ``@removed`` with only the
occurrence's id: no series, no start. The engine rebuilds the called-off occurrence from the
newest decision it wrote for that id. The log rather than a table of its own: the engine
already writes one row per event it sees (no extra statement per page), and retention
(server/services/decision_retention.py) keeps every event's newest row, so what the engine last
saw of an occurrence stays. No index: the look-up goes through (user, provider_event_id,
created_at).
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('sync_decision', 'series_event_id',
                            CharField(max_length=1024, null=True)),  # noqa: F405
        migrator.add_column('sync_decision', 'occurrence_start',
                            DateTimeField(null=True)),  # noqa: F405
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('sync_decision', 'series_event_id'),
                     migrator.drop_column('sync_decision', 'occurrence_start'))
