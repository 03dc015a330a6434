"""The OAuth 2.0 authorization-code flow of each provider (R1), with authlib's OAuth2Session.

Addresses, client ids and scopes come from config, so tests and proxies can point elsewhere.
"""
import dataclasses
import datetime

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from server.calendars.base import Credentials
from server.errors import ServiceError

TIMEOUT = 20


class OAuthFailed(ServiceError):
    """The provider refused the authorization code or could not be reached."""
    status = 502
    code = 'oauth_failed'


class NotConfigured(ServiceError):
    status = 503
    code = 'provider_not_configured'


@dataclasses.dataclass
class Spec:
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    scope: str
    extra: dict
    userinfo_url: str
    email_fields: tuple  # first non-empty field of the userinfo answer is the e-mail


def spec(provider, config):
    """The OAuth settings of ``provider`` ('google' | 'outlook') from the app config."""
    if provider == 'google':
        made = Spec(config['GOOGLE_CLIENT_ID'], config['GOOGLE_CLIENT_SECRET'],
                    config['GOOGLE_AUTH_URI'], config['GOOGLE_TOKEN_URI'],
                    # calendar.settings.readonly: the user's time zone (B5), settings.get('timezone').
                    'openid email https://www.googleapis.com/auth/calendar.events '
                    'https://www.googleapis.com/auth/calendar.settings.readonly',
                    # offline + consent: Google returns a refresh token on every connect.
                    {'access_type': 'offline', 'prompt': 'consent'},
                    config['GOOGLE_USERINFO_URI'], ('email',))
        names = 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET'
    else:
        authority = config['MS_AUTHORITY'].rstrip('/')
        made = Spec(config['MS_CLIENT_ID'], config['MS_CLIENT_SECRET'],
                    authority + '/oauth2/v2.0/authorize', authority + '/oauth2/v2.0/token',
                    # MailboxSettings.Read: the user's time zone (B5), /me/mailboxSettings.
                    'offline_access Calendars.ReadWrite User.Read MailboxSettings.Read', {},
                    config['MS_GRAPH_ENDPOINT'].rstrip('/') + '/me', ('mail', 'userPrincipalName'))
        names = 'MS_CLIENT_ID and MS_CLIENT_SECRET'
    if not made.client_id or not made.client_secret:
        raise NotConfigured(f'This server has no OAuth client for this provider yet: an '
                            f'administrator must set {names}.')
    return made


def _session(settings, redirect_uri, **kwargs):
    return OAuth2Session(settings.client_id, settings.client_secret, scope=settings.scope,
                         redirect_uri=redirect_uri,
                         token_endpoint_auth_method='client_secret_post', **kwargs)


def authorization_url(provider, config, redirect_uri, login_hint=None):
    """Return (url of the consent screen, state to check on the way back)."""
    settings = spec(provider, config)
    extra = dict(settings.extra, **({'login_hint': login_hint} if login_hint else {}))
    with _session(settings, redirect_uri) as session:
        return session.create_authorization_url(settings.authorize_url, **extra)


def exchange(provider, config, redirect_uri, code):
    """Trade the authorization code for tokens and learn the account's e-mail address.

    Returns (Credentials, e-mail)."""
    settings = spec(provider, config)
    try:
        with _session(settings, redirect_uri) as session:
            token = session.fetch_token(settings.token_url, code=code, timeout=TIMEOUT)
            answer = session.get(settings.userinfo_url, timeout=TIMEOUT)
            answer.raise_for_status()
            profile = answer.json()
    except OAuthError as error:
        raise OAuthFailed(f'The provider refused the sign-in: {error.description or error.error}.') from error
    except (requests.RequestException, ValueError) as error:
        raise OAuthFailed(f'The provider could not be reached or answered oddly: {error}.') from error
    email = next((profile.get(f) for f in settings.email_fields if profile.get(f)), '')
    expires = token.get('expires_at')
    credentials = Credentials(
        access_token=token['access_token'], refresh_token=token.get('refresh_token') or '',
        expires_at=(datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
                    .replace(tzinfo=None) if expires else None),
        scopes=token.get('scope') or settings.scope)
    return credentials, email.strip().lower()
