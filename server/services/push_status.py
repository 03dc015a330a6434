"""Push notifications (Google watch channels, Graph subscriptions): open them, and say plainly
when they cannot work.

Google refuses a channel whose address is not https (400 push.webhookUrlNotHttps) and Graph a
subscription whose notificationUrl is not (400 InvalidRequest). Without push, changes still
arrive through the periodic poll; the user and the administrator are told so, on Settings ›
Calendar and by ``check`` (for a ``flask doctor``-style command), instead of a worker-log line.
"""
import logging

from server.calendars.base import ProviderError, PushAddressRefused, TransientError
from server.models import CalendarConnection, utcnow
from server.services import connections, crypto
from server.translatable import N_

log = logging.getLogger(__name__)

# How often the periodic poll (server.tasks.poll_connected_users) looks for changes.
POLL_MINUTES = 5

NOT_HTTPS = N_('PUBLIC_URL must be https')


def unavailable(why):
    """The sentence shown when push cannot work for ``why``."""
    return (f'push notifications unavailable: {why}; checking for changes every '
            f'{POLL_MINUTES} minutes')


def check(config):
    """The deployment's push problem as one sentence, or None when push can work.

    A configuration check (no database, no provider call): both Google and Microsoft deliver
    pushes only to https addresses, and the address is PUBLIC_URL + /webhooks/<provider>.
    """
    if not (config.get('PUBLIC_URL') or '').strip().lower().startswith('https://'):
        return unavailable(NOT_HTTPS)
    return None


def problem(connection):
    """Why ``connection``'s push channel cannot work (a sentence), or None."""
    if connection is None or connection.status != 'connected':
        return None
    return connection.push_error or None


def describe(connection):
    """(working, sentence) about ``connection``'s push channel, for Settings › Calendar."""
    refused = problem(connection)
    if refused:
        return False, refused
    if connection is not None and connection.channel_id:
        return True, 'on: changes arrive within seconds'
    return False, (f'not open yet; checking for changes every {POLL_MINUTES} minutes until '
                   'it is')


def open_channel(connection, config, provider_for=None):
    """Open (or renew) ``connection``'s push channel and record the outcome on the row.

    A refusal is stored as the sentence ``problem`` shows and cleared by the next channel that
    opens; a transient failure keeps what was known (the hourly renewal tries again). Tokens
    that no longer decrypt mark the connection needs_reconnect, as a sync would. Returns the
    Channel, or None.
    """
    from server.sync import channels
    if provider_for is None:
        from server.sync.runner import default_provider as provider_for
    provider = None
    try:
        provider = provider_for(connection, config)
        channel = channels.renew(connection, provider, config)
    except PushAddressRefused as error:
        log.warning('push refused for connection %s: %s', connection.id, error)
        _record(connection, unavailable(NOT_HTTPS))
        return None
    except TransientError as error:
        log.info('could not open a push channel for connection %s now: %s', connection.id, error)
        return None
    except ProviderError as error:
        log.warning('push channel refused for connection %s: %s', connection.id, error)
        name = connections.PROVIDERS.get(connection.provider, connection.provider)
        _record(connection, unavailable(f'{name} refused the push channel ({error})'))
        return None
    except crypto.TokenUnreadable:
        connections.mark_tokens_unreadable(connection)
        return None
    except crypto.EncryptionKeyMissing as error:
        log.warning('no push channel for connection %s: %s', connection.id, error.code)
        return None
    finally:
        if provider is not None and hasattr(provider, 'close'):
            provider.close()
    _record(connection, '')
    return channel


def renew_due(config, provider_for=None):
    """Open or renew every channel that is missing or expires soon; return how many opened."""
    from server.sync import channels
    return sum(open_channel(connection, config, provider_for) is not None
               for connection in channels.due())


def _record(connection, message):
    (CalendarConnection.update(push_error=message[:2000], updated_at=utcnow())
     .where(connections.still_live(connection)).execute())
    connection.push_error = message
