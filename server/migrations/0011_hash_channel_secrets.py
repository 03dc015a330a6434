"""Store push-channel secrets (Google channel token, Graph clientState) only as sha256 digests.

Webhooks now compare the digest of what a notification carries, so existing plaintext secrets
are hashed in place: live channels keep verifying with no renewal gap. The digest is
'sha256:' + hex (server.sync.channels.secret_digest), written out here so that later changes
to that module cannot change what this migration did. Rows already hashed are left alone.
"""
import hashlib

from peewee import *  # noqa: F403 (generated migration style)

PREFIX = 'sha256:'


def up(migrator, db):
    # The runner wraps each migration in one transaction: all rows are hashed, or none.
    table = Table('calendar_connection', ('id', 'channel_token')).bind(db)  # noqa: F405
    rows = list(table.select(table.id, table.channel_token)
                .where(table.channel_token.is_null(False)).tuples())
    for row_id, secret in rows:
        if secret and not secret.startswith(PREFIX):
            digest = PREFIX + hashlib.sha256(secret.encode('utf-8')).hexdigest()
            table.update(channel_token=digest).where(table.id == row_id).execute()


def down(migrator, db):
    """A digest cannot be turned back: drop the channels, which the next renewal reopens."""
    table = Table('calendar_connection', ('id', 'channel_id', 'channel_token',  # noqa: F405
                                          'channel_expires_at')).bind(db)
    table.update(channel_id=None, channel_token=None, channel_expires_at=None).where(
        table.channel_token.startswith(PREFIX)).execute()
