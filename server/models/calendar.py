"""Calendar connections, the sync decision log (B4) and the CRM-to-calendar outbox."""
from peewee import (BigIntegerField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField)

from server.models.account import Account, User
from server.models.base import BaseModel, utcnow
from server.models.meeting import Meeting


class CalendarConnection(BaseModel):
    """One user's connected primary calendar (R1, R2). Tokens are Fernet-encrypted at rest."""
    account = ForeignKeyField(Account, on_delete='CASCADE')
    user = ForeignKeyField(User, unique=True, backref='calendar_connections', on_delete='CASCADE')
    provider = CharField(max_length=20)  # 'google' | 'outlook'
    provider_email = CharField(max_length=254, default='')
    access_token_enc = TextField(default='')
    refresh_token_enc = TextField(default='')
    token_expires_at = DateTimeField(null=True)
    scopes = TextField(default='')
    status = CharField(max_length=20, default='connected')  # connected | needs_reconnect | disconnected
    # R4: only events created after this instant are synced.
    connected_at = DateTimeField(default=utcnow)
    sync_cursor = TextField(null=True)  # Google nextSyncToken or Graph deltaLink
    last_synced_at = DateTimeField(null=True)
    last_error = TextField(default='')
    # Why status is needs_reconnect: 'auth_expired' (the provider refused the grant) or
    # 'token_unreadable' (TOKEN_ENCRYPTION_KEY no longer decrypts the stored tokens), 0019.
    reconnect_reason = CharField(max_length=30, default='')
    # Why the provider refused a push channel ('' while push works or was never tried), 0019.
    push_error = TextField(default='')
    channel_id = CharField(max_length=200, null=True)  # push channel / subscription id
    channel_token = CharField(max_length=200, null=True)  # verified on every webhook
    channel_resource_id = CharField(max_length=500, null=True)
    channel_expires_at = DateTimeField(null=True)
    # The highest X-Goog-Message-Number accepted on the current channel: at or below is a replay.
    channel_message_number = BigIntegerField(null=True)
    # A lease, not a process-local mutex: one sync per user across every worker (0004).
    sync_lock_owner = CharField(max_length=100, null=True)
    sync_lock_until = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('channel_id',), False), (('status', 'last_synced_at'), False))


class WebhookReceipt(BaseModel):
    """An Outlook notification accepted recently (its content's sha256): a copy is a replay."""
    connection = ForeignKeyField(CalendarConnection, on_delete='CASCADE', index=False)
    fingerprint = CharField(max_length=64)
    received_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((('connection', 'fingerprint'), True),)


class SyncDecision(BaseModel):
    """B4: what the sync did with one calendar event, and why."""
    # No index of its own (migration 0009): reads go through the user composites; deleting an
    # account scans the log once rather than every synced event paying for the index.
    account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
    user = ForeignKeyField(User, on_delete='CASCADE', index=False)  # composites below
    provider_event_id = CharField(max_length=1024)
    title = CharField(max_length=500, default='')
    decision = CharField(max_length=20)  # logged | updated | deleted | skipped
    reason = CharField(max_length=50, default='')  # e.g. r14_all_day
    meeting_id = IntegerField(null=True)  # not a foreign key: the log outlives the meeting
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('user', 'provider_event_id', 'created_at'), False),
                   (('user', 'created_at'), False))


class SeriesOccurrence(BaseModel):
    """R13 on Outlook: a plain occurrence a calendar view listed, with its series and start.

    Graph reports an occurrence the organizer deleted by its id alone (``@removed``); this row
    is how the sync still knows which series' week was called off (server/sync/occurrences.py).
    """
    account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
    user = ForeignKeyField(User, on_delete='CASCADE', index=False)  # the unique index below
    occurrence_id = CharField(max_length=1024)
    series_id = CharField(max_length=1024)
    start = DateTimeField()

    class Meta:
        # The second: a series' remembered weeks (server/sync/series_pass.py, migration 0017).
        indexes = ((('user', 'occurrence_id'), True), (('user', 'series_id'), False))


class CalendarOutbox(BaseModel):
    """A calendar write owed for a CRM change (R5, B1, B3), sent exactly once after commit."""
    account = ForeignKeyField(Account, on_delete='CASCADE')
    user = ForeignKeyField(User, on_delete='CASCADE')
    meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
    action = CharField(max_length=20)  # insert | patch | delete
    payload = TextField(default='{}')  # JSON
    provider_event_id = CharField(max_length=1024, null=True)
    status = CharField(max_length=20, default='pending')  # pending | done | failed
    attempts = IntegerField(default=0)
    last_error = TextField(default='')
    created_at = DateTimeField(default=utcnow)
    done_at = DateTimeField(null=True)
    # The lease of the delivery sending it: one delivery per event at a time (migration 0018).
    claimed_until = DateTimeField(null=True)

    class Meta:
        indexes = ((('status', 'created_at'), False),)
