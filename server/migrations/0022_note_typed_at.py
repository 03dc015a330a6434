"""Notes keep the time they were typed (B2, B9, R20).

A note typed offline reaches the server minutes (or days) later; `created_at` is when the
server stored it, `typed_at` is when the user typed it (sent by the client, checked for
sanity by the API). Lists and timelines order by `typed_at`. Existing notes were typed when
they were stored, as far as anyone knows: they take their `created_at`.
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    migrator.migrate(migrator.add_column('note', 'typed_at', DateTimeField(null=True)))  # noqa: F405
    db.execute_sql('UPDATE "note" SET "typed_at" = "created_at" WHERE "typed_at" IS NULL')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "note_meeting_id_typed_at" ON "note" '
                   '("meeting_id", "typed_at")')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "note_meeting_id_typed_at"')
    migrator.migrate(migrator.drop_column('note', 'typed_at'))
