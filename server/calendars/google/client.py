"""The HTTP side of Google Calendar: googleapiclient over an authorized httplib2 transport.

The OAuth token travels in google.oauth2 Credentials that AuthorizedHttp applies to every
request: an expired token is refreshed before the call, a 401 refreshes once and retries, and
a refused refresh becomes AuthExpired. 429/5xx/timeouts become TransientError after a few
retries (server.calendars.retry).
"""
import json
import socket

import google.auth.exceptions
import google.oauth2.credentials
import google_auth_httplib2
import httplib2
import orjson
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.model import JsonModel

from server.calendars.base import AuthExpired, Credentials, ProviderError, TransientError
from server.calendars.retry import RetryPolicy, parse_retry_after, with_retries

SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events',
          'https://www.googleapis.com/auth/calendar.settings.readonly']
TRANSIENT_STATUSES = {429, 500, 502, 503, 504}
RATE_LIMIT_REASONS = {'rateLimitExceeded', 'userRateLimitExceeded'}


class HttpStatusError(ProviderError):
    """A non-transient HTTP failure the provider decides about (404, 409, 410...)."""

    def __init__(self, status, reason, message):
        super().__init__(f'{status} {reason}: {message}')
        self.status, self.reason = status, reason


def error_reason(error):
    try:
        details = json.loads(error.content.decode('utf-8'))['error']
        return (details.get('errors') or [{}])[0].get('reason', ''), details.get('message', '')
    except (ValueError, KeyError, TypeError, AttributeError):
        return '', str(error)


class FastJsonModel(JsonModel):
    """googleapiclient's JSON model, reading response bodies with orjson.

    A full sync reads pages of up to 2,500 events (~2.4 MB): json.loads took ~20 us per event,
    orjson ~9 us (bench/sync.py (b)). Same Python objects; anything orjson refuses (NaN, integers
    beyond 64 bits, not JSON at all) goes to the stock parsing, so the result never differs.
    """

    def deserialize(self, content):
        if not self._data_wrapper:
            try:
                return orjson.loads(content)
            except orjson.JSONDecodeError:
                pass
        return super().deserialize(content)


class GoogleClient:
    """One user's authorized Calendar v3 service, with error mapping and retries."""

    def __init__(self, credentials, config, on_refresh=None):
        self.policy = RetryPolicy.from_config(config)
        self.on_refresh = on_refresh
        self.google_credentials = google.oauth2.credentials.Credentials(
            token=credentials.access_token,
            refresh_token=credentials.refresh_token or None,
            token_uri=config['GOOGLE_TOKEN_URI'],
            client_id=config['GOOGLE_CLIENT_ID'],
            client_secret=config['GOOGLE_CLIENT_SECRET'],
            scopes=(credentials.scopes.split() if credentials.scopes else SCOPES),
            expiry=credentials.expires_at)
        self._last_token = credentials.access_token
        self.http = google_auth_httplib2.AuthorizedHttp(
            self.google_credentials, http=httplib2.Http(timeout=self.policy.timeout),
            max_refresh_attempts=1)
        # api_endpoint replaces the discovery document's rootUrl + servicePath for every call.
        self.service = build('calendar', 'v3', http=self.http, static_discovery=True,
                             cache_discovery=False, model=FastJsonModel(),
                             client_options={'api_endpoint': config['GOOGLE_CALENDAR_API_ENDPOINT']})

    def close(self):
        self.http.close()

    @property
    def credentials(self):
        c = self.google_credentials
        return Credentials(access_token=c.token, refresh_token=c.refresh_token or '',
                           expires_at=c.expiry, scopes=' '.join(c.scopes or []))

    def execute(self, request):
        """Run a googleapiclient request with retries; map failures to ProviderErrors."""
        try:
            return with_retries(lambda: self._execute_once(request), self.policy)
        finally:
            self._report_refresh()

    def _execute_once(self, request):
        try:
            return request.execute(num_retries=0)
        except HttpError as error:
            status = error.resp.status
            reason, message = error_reason(error)
            if status in TRANSIENT_STATUSES or (status == 403 and reason in RATE_LIMIT_REASONS):
                raise TransientError(f'Google answered {status} {reason}',
                                     parse_retry_after(error.resp.get('retry-after'))) from error
            if status == 401:
                raise AuthExpired('Google refused the credentials after a refresh.') from error
            raise HttpStatusError(status, reason, message) from error
        except google.auth.exceptions.RefreshError as error:
            if getattr(error, 'retryable', False):
                raise TransientError(f'Token refresh failed: {error}') from error
            raise AuthExpired(f'Google refused the token refresh: {error}') from error
        except (socket.timeout, TimeoutError, ConnectionError, httplib2.HttpLib2Error) as error:
            raise TransientError(f'Google did not answer: {error!r}') from error

    def _report_refresh(self):
        token = self.google_credentials.token
        if token != self._last_token:
            self._last_token = token
            if self.on_refresh is not None:
                self.on_refresh(self.credentials)
