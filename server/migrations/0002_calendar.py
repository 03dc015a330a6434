"""Calendar sync: connections, the B4 decision log and the CRM-to-calendar outbox."""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = 'account'

    class Meeting(Model):
        class Meta:
            database = db
            table_name = 'meeting'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class CalendarConnection(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        user = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        provider = CharField(max_length=20)
        provider_email = CharField(max_length=254, default='')
        access_token_enc = TextField(default='')
        refresh_token_enc = TextField(default='')
        token_expires_at = DateTimeField(null=True)
        scopes = TextField(default='')
        status = CharField(max_length=20, default='connected')
        connected_at = DateTimeField()
        sync_cursor = TextField(null=True)
        last_synced_at = DateTimeField(null=True)
        last_error = TextField(default='')
        channel_id = CharField(null=True, max_length=200)
        channel_token = CharField(null=True, max_length=200)
        channel_resource_id = CharField(null=True, max_length=500)
        channel_expires_at = DateTimeField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'calendar_connection'
            indexes = ((('channel_id',), False), (('status', 'last_synced_at'), False))
    db.create_tables([CalendarConnection])

    class CalendarOutbox(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
        action = CharField(max_length=20)
        payload = TextField(default='{}')
        provider_event_id = CharField(null=True, max_length=1024)
        status = CharField(max_length=20, default='pending')
        attempts = IntegerField(default=0)
        last_error = TextField(default='')
        created_at = DateTimeField()
        done_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'calendar_outbox'
            indexes = ((('status', 'created_at'), False),)
    db.create_tables([CalendarOutbox])

    class SyncDecision(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        provider_event_id = CharField(max_length=1024)
        title = CharField(max_length=500, default='')
        decision = CharField(max_length=20)
        reason = CharField(max_length=50, default='')
        meeting_id = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'sync_decision'
            indexes = ((('user', 'provider_event_id', 'created_at'), False), (('user', 'created_at'), False))
    db.create_tables([SyncDecision])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('sync_decision'))
    migrator.migrate(migrator.drop_table('calendar_outbox'))
    migrator.migrate(migrator.drop_table('calendar_connection'))
