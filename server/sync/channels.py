"""Push channels (Google watch, Graph subscriptions): start, renew before expiry, stop.

Opening a user's channel and recording why it cannot open is server.services.push_status.
"""
import datetime
import hashlib
import hmac
import logging
import secrets
import uuid

from server.calendars.base import Channel, ProviderError
from server.models import CalendarConnection, utcnow

log = logging.getLogger(__name__)

TTL_SECONDS = 7 * 24 * 3600  # Google caps channels at about a week; Graph at under 3 days
RENEW_MARGIN = datetime.timedelta(hours=24)
# Stored channel secrets are sha256 digests with this prefix (migration 0011 hashed the older,
# plaintext ones): a database leak must not let anyone forge notifications.
DIGEST_PREFIX = 'sha256:'


def webhook_address(config, provider):
    return config['PUBLIC_URL'].rstrip('/') + f'/webhooks/{provider}'


def renew(connection, provider, config):
    """Open a new channel for ``connection`` and stop its old one (the new one comes first, so
    no change falls between the two)."""
    channel = provider.watch(webhook_address(config, connection.provider), uuid.uuid4().hex,
                             secrets.token_urlsafe(32),
                             int(config.get('CALENDAR_CHANNEL_TTL_SECONDS', TTL_SECONDS)))
    old = None
    if connection.channel_id:
        # Stopping a channel needs its id and resource, never its secret (kept only hashed).
        old = Channel(id=connection.channel_id, token='',
                      resource_id=connection.channel_resource_id or '',
                      expires_at=connection.channel_expires_at)
    # A new channel numbers its messages afresh (X-Goog-Message-Number): forget the old count.
    (CalendarConnection.update(channel_id=channel.id, channel_token=secret_digest(channel.token),
                               channel_resource_id=channel.resource_id or '',
                               channel_expires_at=channel.expires_at, channel_message_number=None,
                               updated_at=utcnow())
     .where(CalendarConnection.id == connection.id).execute())
    if old is not None:
        try:
            provider.unwatch(old)
        except ProviderError as error:
            # It expires on its own; its notifications no longer verify against the new token.
            log.info('could not stop channel %s: %s', old.id, error)
    return channel


def due(now=None, margin=RENEW_MARGIN):
    """Connected calendars whose channel is missing or expires within ``margin``."""
    now = now or utcnow()
    return list(CalendarConnection.select().where(
        CalendarConnection.status == 'connected',
        CalendarConnection.channel_id.is_null()
        | CalendarConnection.channel_expires_at.is_null()
        | (CalendarConnection.channel_expires_at < now + margin)))


def _possible_id(channel_id):
    # Never one of ours (and PostgreSQL refuses NUL in a parameter: a 500).
    return bool(channel_id) and '\x00' not in channel_id and len(channel_id) <= 200


def find(provider, channel_id):
    """The connected calendar a push channel (or Graph subscription) id belongs to, or None."""
    return find_many(provider, [channel_id]).get(channel_id)


def find_many(provider, channel_ids):
    """{channel id: connected calendar} for those of ``channel_ids`` that are ours: one query."""
    wanted = sorted({c for c in channel_ids if _possible_id(c)})
    if not wanted:
        return {}
    return {connection.channel_id: connection for connection in CalendarConnection.select().where(
        CalendarConnection.provider == provider, CalendarConnection.channel_id.in_(wanted),
        CalendarConnection.status == 'connected')}


def accept_message_number(connection, number):
    """Record Google's X-Goog-Message-Number for this channel; False if it is a replay.

    Google numbers each channel's messages in increasing (not consecutive) order, so a number at
    or below the highest one accepted was already handled: a copy, or a late one whose change
    the later message's sync has already read. Compare-and-set, so of concurrent copies only one
    is accepted."""
    query = CalendarConnection.update(channel_message_number=number).where(
        CalendarConnection.id == connection.id,
        CalendarConnection.channel_id == connection.channel_id,
        CalendarConnection.channel_message_number.is_null()
        | (CalendarConnection.channel_message_number < number))
    return query.execute() == 1


def secret_digest(token):
    """What is stored for a channel secret: its sha256, like API tokens. The secret has 256
    random bits, so a fast unsalted hash is as safe here as a slow one."""
    return DIGEST_PREFIX + hashlib.sha256(token.encode('utf-8')).hexdigest()


def token_matches(connection, token):
    """Does a notification carry the secret we gave this channel (Google token, Graph
    clientState)? Digests are compared in constant time so nothing leaks through timing."""
    stored = connection.channel_token
    if not token or not stored or not stored.startswith(DIGEST_PREFIX):
        return False
    return hmac.compare_digest(stored.encode(), secret_digest(token).encode())
