"""Sign-out that ends the session on the server, and webhook notifications counted once.

- ``user.session_version``: every web session carries the version it was started under; Sign out
  moves it, so a copied session cookie stops working (server/auth.py).
- ``calendar_connection.channel_message_number``: the highest X-Goog-Message-Number seen on the
  current Google channel; a notification at or below it is a replay.
- ``webhook_receipt``: fingerprints of recently accepted Outlook notifications; an identical
  copy within the replay window is dropped (server/sync/replays.py).
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    # Plain SQL, not migrator.add_column: for a NOT NULL column on SQLite that rebuilds the table,
    # which the list-version triggers on "user" (0010) do not survive. Both databases accept it.
    db.execute_sql('ALTER TABLE "user" ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0')
    migrator.migrate(migrator.add_column('calendar_connection', 'channel_message_number',
                                         BigIntegerField(null=True)))  # noqa: F405

    class CalendarConnection(Model):  # noqa: F405
        class Meta:
            database = db
            table_name = 'calendar_connection'

    class WebhookReceipt(Model):  # noqa: F405
        connection = ForeignKeyField(CalendarConnection, on_delete='CASCADE', index=False)  # noqa: F405
        fingerprint = CharField(max_length=64)  # noqa: F405
        received_at = DateTimeField(index=True)  # noqa: F405

        class Meta:
            database = db
            table_name = 'webhook_receipt'
            indexes = ((('connection', 'fingerprint'), True),)
    db.create_tables([WebhookReceipt])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('webhook_receipt'),
                     migrator.drop_column('calendar_connection', 'channel_message_number'),
                     migrator.drop_column('user', 'session_version'))
