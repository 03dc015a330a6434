"""R13 on Outlook: remember the plain occurrences a calendar view lists, with series and start.

Graph reports an occurrence the organizer deleted by its id alone (``@removed``), so the sync
must already know which series and which week that id was (server/sync/occurrences.py).
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = 'account'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class SeriesOccurrence(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
        user = ForeignKeyField(User, on_delete='CASCADE', index=False)
        occurrence_id = CharField(max_length=1024)
        series_id = CharField(max_length=1024)
        start = DateTimeField()

        class Meta:
            database = db
            table_name = 'series_occurrence'
            indexes = ((('user', 'occurrence_id'), True),)
    db.create_tables([SeriesOccurrence])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('series_occurrence'))
