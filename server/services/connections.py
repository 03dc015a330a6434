"""Users' calendar connections: store (encrypted), R3's one provider per account, disconnect.

``connection_hooks`` lets the sync layer follow connections without an import cycle:
'connected' and 'disconnected' fire after commit with the CalendarConnection.
"""
import logging

from server.calendars import revocation
from server.calendars.base import Credentials, ProviderError
from server.db import write_transaction
from server.errors import Conflict, NotFound
from server.models import Account, CalendarConnection, utcnow
from server.services import crypto
from server.services.hooks import Hooks

log = logging.getLogger(__name__)

PROVIDERS = {'google': 'Google Calendar', 'outlook': 'Outlook (Office 365)'}
LIVE_STATUSES = ('connected', 'needs_reconnect')

connection_hooks = Hooks()


class UnknownProvider(NotFound):
    code = 'unknown_provider'


class OtherProviderInstalled(Conflict):
    """R3: the account already uses the other provider."""
    code = 'other_provider_installed'


def check_provider(name):
    if name not in PROVIDERS:
        raise UnknownProvider(f'There is no calendar provider called "{name}".')
    return name


def check_allowed(user, provider):
    """R3: refuse ``provider`` if the user's account already installed the other one."""
    check_provider(provider)
    installed = Account.get_by_id(user.account_id).calendar_provider
    if installed and installed != provider:
        raise OtherProviderInstalled(
            f'Your account uses {PROVIDERS[installed]}. An account connects one calendar '
            f'provider only, so you can connect your {PROVIDERS[installed]} calendar but not '
            f'{PROVIDERS[provider]}.')


def get(user):
    """The user's connection row (any status), or None."""
    return CalendarConnection.get_or_none(CalendarConnection.user == user.id)


def connect(user, provider, email, credentials, config):
    """Store the user's connection with encrypted tokens (R1); the first connection of an
    account installs its provider (R3). Returns the CalendarConnection."""
    check_provider(provider)
    cipher = crypto.cipher(config)
    now = utcnow()
    email = (email or '').strip().lower()
    with write_transaction():
        # One conditional UPDATE claims the account for this provider: two users connecting
        # different providers at the same moment cannot both win.
        claimed = (Account.update(calendar_provider=provider)
                   .where(Account.id == user.account_id,
                          (Account.calendar_provider == '') | (Account.calendar_provider == provider))
                   .execute())
        if not claimed:
            check_allowed(user, provider)  # raises with the account's provider in the message
        connection = get(user)
        fields = dict(provider=provider, provider_email=email,
                      access_token_enc=cipher.encrypt(credentials.access_token),
                      refresh_token_enc=cipher.encrypt(credentials.refresh_token),
                      token_expires_at=credentials.expires_at, scopes=credentials.scopes or '',
                      status='connected', last_error='', reconnect_reason='', push_error='',
                      updated_at=now)
        if connection is None:
            connection = CalendarConnection.create(account=user.account_id, user=user.id,
                                                   connected_at=now, created_at=now, **fields)
        else:
            same_calendar = (connection.status in LIVE_STATUSES
                             and connection.provider == provider
                             and connection.provider_email == email)
            if not same_calendar:
                # R4: a new integration period starts; the old cursor belongs to another one.
                fields.update(connected_at=now, sync_cursor=None, last_synced_at=None)
            for name, value in fields.items():
                setattr(connection, name, value)
            connection.save()
    connection_hooks.run_after_commit('connected', connection)
    return connection


def credentials_of(connection, config):
    """The connection's decrypted OAuth credentials."""
    cipher = crypto.cipher(config)
    return Credentials(access_token=cipher.decrypt(connection.access_token_enc),
                       refresh_token=cipher.decrypt(connection.refresh_token_enc),
                       expires_at=connection.token_expires_at, scopes=connection.scopes or '')


def still_live(connection):
    """A WHERE clause matching ``connection``'s row only while it is the same live connection.

    Syncs and calendar writes hold a connection read before they called the provider; when
    they finish, the user may have disconnected (status) or disconnected and connected again
    (a new integration period, R4: a new connected_at). What they write back (a cursor, an
    error, needs_reconnect) belongs to the connection they started on and to no other.
    """
    return ((CalendarConnection.id == connection.id)
            & CalendarConnection.status.in_(LIVE_STATUSES)
            & (CalendarConnection.connected_at == connection.connected_at))


def save_credentials(connection, credentials, config):
    """Persist refreshed tokens (encrypted) on the connection row and object."""
    cipher = crypto.cipher(config)
    fields = {'access_token_enc': cipher.encrypt(credentials.access_token),
              'token_expires_at': credentials.expires_at, 'updated_at': utcnow()}
    if credentials.refresh_token:  # providers may rotate it; Google usually keeps it
        fields['refresh_token_enc'] = cipher.encrypt(credentials.refresh_token)
    # Only onto the same live connection: a sync that refreshed while the user disconnected
    # must not store tokens again after disconnect() wiped them (Microsoft's could not be
    # revoked), nor over those of a connection made since (its grant may be another mailbox's).
    stored = CalendarConnection.update(**fields).where(still_live(connection)).execute()
    if stored:
        for name, value in fields.items():
            setattr(connection, name, value)


def mark_needs_reconnect(connection, message, reason='auth_expired'):
    """The provider refused the tokens even after a refresh (``reason`` 'auth_expired'), or this
    server cannot decrypt them ('token_unreadable'): the user must connect again.

    Syncs, channel renewals and outbox deliveries only pick 'connected' rows, so everything
    stops retrying until the user reconnects. Not on a connection the user disconnected
    meanwhile: the revoked grant is why the provider refused, and asking to reconnect a
    calendar the user removed would be wrong. True if marked.
    """
    marked = (CalendarConnection.update(status='needs_reconnect', reconnect_reason=reason,
                                        last_error=(message or '')[:2000], updated_at=utcnow())
              .where(still_live(connection)).execute())
    if marked:
        log.warning('calendar connection %s needs reconnecting (%s): %s', connection.id, reason,
                    message)
    return marked == 1


def mark_tokens_unreadable(connection):
    """TOKEN_ENCRYPTION_KEY no longer decrypts the connection's tokens: say so, stop retrying."""
    return mark_needs_reconnect(connection, crypto.UNREADABLE_MESSAGE, reason='token_unreadable')


def disconnect(user, config, provider_for=None):
    """Stop the push channel, revoke the provider's grant, forget the tokens and cursor; the
    CRM's meetings stay.

    The account keeps its provider while any of its users is still connected (R3); when the
    last one leaves, the account may choose again.

    Order: the channel is stopped while the grant still works; the grant is revoked next, with
    the tokens decrypted before the transaction wipes them, and outside it so no database
    transaction waits on the provider. Revoking first means no crash can leave a live grant
    whose token we no longer hold; the opposite crash (revoked, not yet wiped) heals itself, as
    the next sync reads invalid_grant. Both provider calls are best effort and made once.
    """
    connection = get(user)
    if connection is None or connection.status not in LIVE_STATUSES:
        raise NotFound('Your calendar is not connected.')
    if connection.channel_id:
        _stop_channel(connection, config, provider_for)
    _revoke_grant(connection, config)
    with write_transaction():
        (CalendarConnection.update(status='disconnected', access_token_enc='',
                                   refresh_token_enc='', token_expires_at=None, sync_cursor=None,
                                   channel_id=None, channel_token=None, channel_resource_id=None,
                                   channel_expires_at=None, last_error='', reconnect_reason='',
                                   push_error='', updated_at=utcnow())
         .where(CalendarConnection.id == connection.id).execute())
        others = (CalendarConnection.select()
                  .where(CalendarConnection.account == connection.account_id,
                         CalendarConnection.status.in_(LIVE_STATUSES)).exists())
        if not others:
            Account.update(calendar_provider='').where(Account.id == connection.account_id).execute()
    connection = CalendarConnection.get_by_id(connection.id)
    connection_hooks.run_after_commit('disconnected', connection)
    return connection


def _stop_channel(connection, config, provider_for):
    """Best effort: a channel we cannot stop expires on its own and no longer verifies."""
    from server.calendars.base import Channel
    if provider_for is None:
        from server.calendars.registry import provider_for
    provider = None
    try:
        provider = provider_for(connection, config)
        provider.unwatch(Channel(id=connection.channel_id, token=connection.channel_token or '',
                                 resource_id=connection.channel_resource_id or ''))
    except (ProviderError, crypto.TokenUnreadable, crypto.EncryptionKeyMissing) as error:
        log.info('could not stop channel of connection %s: %s', connection.id, error)
    finally:
        if provider is not None and hasattr(provider, 'close'):
            provider.close()


def _revoke_grant(connection, config):
    """Best effort: revoke the provider's grant so a leaked token is worthless and the app
    leaves the user's list of connected apps; any failure is logged and disconnecting goes on."""
    label = f'connection {connection.id}'
    if not revocation.supported(connection.provider):
        log.info('%s: %s offers no per-app revocation; its tokens are only forgotten here',
                 label, connection.provider)
        return
    try:
        credentials = credentials_of(connection, config)
    except (crypto.TokenUnreadable, crypto.EncryptionKeyMissing) as error:
        log.warning('could not revoke the %s grant of %s: its tokens are unreadable (%s)',
                    connection.provider, label, error.code)
        return
    revocation.revoke(connection.provider, credentials, config, label=label)


def state(user):
    """The connection state the extension needs (R21), for server.services.calendar_state."""
    connection = get(user)
    if connection is None or connection.status not in LIVE_STATUSES:
        return {'connected': False, 'status': 'not_connected', 'provider': None, 'email': None,
                'last_synced_at': None, 'reason': None, 'message': None}
    last = connection.last_synced_at
    reconnect = connection.status == 'needs_reconnect'
    return {'connected': connection.status == 'connected', 'status': connection.status,
            'provider': connection.provider, 'email': connection.provider_email or None,
            'last_synced_at': last.isoformat() + 'Z' if last else None,
            # Why the user must reconnect, in words an admin can act on (None while connected).
            'reason': (connection.reconnect_reason or 'auth_expired') if reconnect else None,
            'message': (connection.last_error or None) if reconnect else None}


def init_app(app):
    """Report connection state to GET /api/v1/me (R21)."""
    from server.services import calendar_state
    calendar_state.register(state)
