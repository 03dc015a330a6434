"""R13 on Outlook: look up the remembered occurrences of a series by the series.

The end of a calendar view compares each series' expected weeks with the ones Graph listed,
and asks which weeks of a series the sync already remembers (their Graph ids) and whether a
series is new to the sync (server/sync/series_pass.py): both by (user, series_id), which the
unique (user, occurrence_id) index cannot serve. Idempotent: IF NOT EXISTS / IF EXISTS.
"""
from peewee import *  # noqa: F403 (generated migration style)

NAME = 'seriesoccurrence_user_id_series_id'


def up(migrator, db):
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "series_occurrence" '
                   '("user_id", "series_id")')


def down(migrator, db):
    db.execute_sql(f'DROP INDEX IF EXISTS "{NAME}"')
