"""Revoking a provider's OAuth grant when a user disconnects their calendar: best effort, once.

Google implements RFC 7009 at GOOGLE_REVOKE_URI: POSTing the refresh token (form field
``token``) revokes the whole grant, every access token issued from it included, and Meetside
leaves the user's Google Account › Third-party access.

Microsoft's identity platform has no per-app revocation of delegated tokens: Graph's
``revokeSignInSessions`` would sign the user out of every application they use, so it is never
called. An Outlook connection is only forgotten locally; the user removes the app at
https://myapps.microsoft.com (work or school) or https://account.live.com/consent/Manage
(personal Microsoft account).

A failed revocation only logs a warning and is not retried: the caller wipes the tokens anyway,
so afterwards nothing could be retried with, and disconnecting must never wait on a provider.
"""
import logging

import requests

log = logging.getLogger(__name__)

# The config key holding each provider's revocation endpoint; a provider absent here has none.
REVOKE_URL_KEYS = {'google': 'GOOGLE_REVOKE_URI'}
# Seconds: the user waits on the Disconnect button. CALENDAR_HTTP_TIMEOUT overrides it.
TIMEOUT = 10.0


def supported(provider):
    """True when ``provider`` can revoke an app's grant on its own."""
    return provider in REVOKE_URL_KEYS


def revoke(provider, credentials, config, label='a connection'):
    """Revoke the grant behind ``credentials`` at ``provider``; True when the provider confirmed.

    Never raises for an unreachable or refusing provider: it logs a warning naming ``label``
    (never a token) and returns False.
    """
    if not supported(provider):
        return False
    # Revoking the refresh token ends the grant; an access token is the fallback Google also
    # accepts (it revokes the refresh token it came with).
    token = credentials.refresh_token or credentials.access_token
    if not token:
        log.warning('could not revoke the %s grant of %s: no token is stored', provider, label)
        return False
    timeout = float(config.get('CALENDAR_HTTP_TIMEOUT', TIMEOUT))
    try:
        answer = requests.post(config[REVOKE_URL_KEYS[provider]], data={'token': token},
                               timeout=timeout)
    except requests.RequestException as error:
        log.warning('could not revoke the %s grant of %s: %s', provider, label, error)
        return False
    if not answer.ok:
        log.warning('could not revoke the %s grant of %s: it answered HTTP %s %s', provider,
                    label, answer.status_code, _error_code(answer))
        return False
    log.info('revoked the %s grant of %s', provider, label)
    return True


def _error_code(answer):
    """The OAuth ``error`` code of a refusal (e.g. invalid_token), or ''."""
    try:
        body = answer.json()
    except ValueError:
        return ''
    return str(body.get('error', '')) if isinstance(body, dict) else ''
