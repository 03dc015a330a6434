"""R13 on Outlook: remember the plain occurrences a calendar view lists, with series and start.

Graph reports an occurrence the organizer deleted by its id alone (``@removed``), so the sync
must already know which series and which week that id was (server/sync/occurrences.py).
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    class Account(Model):  # noqa: F405
        class Meta:
            database = db
            table_name = 'account'

    class User(Model):  # noqa: F405
        class Meta:
            database = db
            table_name = 'user'

    class SeriesOccurrence(Model):  # noqa: F405
        account = ForeignKeyField(Account, on_delete='CASCADE', index=False)  # noqa: F405
        user = ForeignKeyField(User, on_delete='CASCADE', index=False)  # noqa: F405
        occurrence_id = CharField(max_length=1024)  # noqa: F405
        series_id = CharField(max_length=1024)  # noqa: F405
        start = DateTimeField()  # noqa: F405

        class Meta:
            database = db
            table_name = 'series_occurrence'
            indexes = ((('user', 'occurrence_id'), True),)
    db.create_tables([SeriesOccurrence])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('series_occurrence'))
