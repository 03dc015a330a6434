"""The HTTP side of Microsoft Graph: authlib's OAuth2Session (requests) with token refresh.

OAuth2Session refreshes an expired token before a call by itself (and reports the new token
through ``update_token``); a 401 from Graph refreshes once and retries; a refused refresh is
AuthExpired. 429/5xx/timeouts become TransientError after a few retries.
"""
import datetime
import time

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from server.calendars.base import AuthExpired, Credentials, ProviderError, TransientError
from server.calendars.retry import RetryPolicy, parse_retry_after, with_retries

SCOPES = 'offline_access Calendars.ReadWrite User.Read MailboxSettings.Read'
TRANSIENT_STATUSES = {429, 500, 502, 503, 504}


class GraphError(ProviderError):
    """A non-transient Graph failure the provider decides about (404, 410...)."""

    def __init__(self, status, code, message):
        super().__init__(f'{status} {code}: {message}')
        self.status, self.code = status, code


def token_endpoint(config):
    return config['MS_AUTHORITY'].rstrip('/') + '/oauth2/v2.0/token'


def _epoch(value):
    return value.replace(tzinfo=datetime.timezone.utc).timestamp() if value else None


class GraphClient:
    """One user's Graph session: JSON in and out, errors mapped, retries bounded."""

    def __init__(self, credentials, config, on_refresh=None):
        self.policy = RetryPolicy.from_config(config)
        self.base = config['MS_GRAPH_ENDPOINT'].rstrip('/')
        self.on_refresh = on_refresh
        token = {'access_token': credentials.access_token, 'token_type': 'Bearer',
                 'refresh_token': credentials.refresh_token or None}
        # Without a known expiry, assume a fresh token; a 401 will tell otherwise.
        token['expires_at'] = _epoch(credentials.expires_at) or time.time() + 3600
        self.session = OAuth2Session(
            config['MS_CLIENT_ID'], config['MS_CLIENT_SECRET'], token=token,
            token_endpoint=token_endpoint(config), scope=credentials.scopes or SCOPES,
            token_endpoint_auth_method='client_secret_post', update_token=self._updated)

    def close(self):
        self.session.close()

    @property
    def credentials(self):
        token = self.session.token
        expires = token.get('expires_at')
        return Credentials(
            access_token=token['access_token'], refresh_token=token.get('refresh_token') or '',
            expires_at=(datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
                        .replace(tzinfo=None) if expires else None),
            scopes=token.get('scope') or '')

    def _updated(self, token, refresh_token=None, access_token=None):
        if self.on_refresh is not None:
            self.on_refresh(self.credentials)

    def url(self, path):
        return path if path.startswith(('http://', 'https://')) else self.base + path

    def call(self, method, path, json=None, headers=None):
        """Send one Graph request with retries; return the decoded JSON body (None if empty)."""
        return with_retries(lambda: self._call_once(method, self.url(path), json, headers),
                            self.policy)

    def _call_once(self, method, url, body, headers):
        try:
            response = self._send(method, url, body, headers)
            if response.status_code == 401:
                # Graph can revoke a token before its expiry: refresh once, then give up.
                self.session.refresh_token(self.session.metadata['token_endpoint'])
                response = self._send(method, url, body, headers)
                if response.status_code == 401:
                    raise AuthExpired('Microsoft refused the credentials after a refresh.')
        except OAuthError as error:
            raise AuthExpired(f'Microsoft refused the token refresh: {error}') from error
        except (requests.Timeout, requests.ConnectionError) as error:
            raise TransientError(f'Microsoft Graph did not answer: {error!r}') from error
        if response.status_code in TRANSIENT_STATUSES:
            raise TransientError(f'Microsoft Graph answered {response.status_code}',
                                 parse_retry_after(response.headers.get('Retry-After')))
        if response.status_code >= 400:
            try:
                error = response.json().get('error') or {}
            except ValueError:
                error = {}
            raise GraphError(response.status_code, error.get('code', ''),
                             error.get('message', response.reason))
        if not response.content:
            return None
        return response.json()

    def _send(self, method, url, body, headers):
        headers = dict({'Prefer': 'outlook.timezone="UTC"'}, **(headers or {}))
        return self.session.request(method, url, json=body, headers=headers,
                                    timeout=self.policy.timeout)
