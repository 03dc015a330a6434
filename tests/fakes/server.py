"""What both provider fakes share: a real HTTP server, OAuth token bookkeeping, fault injection.

A fake is a WSGI app served by werkzeug on 127.0.0.1 in a daemon thread (port 0 picks a free
port), so the real client libraries talk to it over real sockets.
"""
import collections
import datetime
import json
import random
import secrets
import threading
import time
import urllib.parse

import requests
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from server.calendars.timeutil import parse_iso
from tests.fakes.store import CalendarStore, utcnow


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr: tests read the fake's own ``requests_log`` instead."""

    def log_request(self, *args, **kwargs):
        pass


class Faults:
    """Make calendar API calls fail: a scripted sequence first, then a random fraction.

    Kinds: 429 (with Retry-After), 500, 503, 'timeout' (answer after ``slow_seconds``), 'lost'
    (the call takes effect but its answer comes after ``slow_seconds``, as when a response is
    lost), 410 (only applies to incremental list calls: the cursor expired).
    """

    def __init__(self, seed=0):
        self.lock = threading.Lock()
        self.script = collections.deque()
        self.rate = 0.0
        self.kinds = (429, 500, 'timeout')
        self.retry_after = 1
        self.slow_seconds = 2.0
        self.rng = random.Random(seed)
        self.injected = collections.Counter()

    def fail_next(self, *kinds):
        """Fail the next calls with these kinds, in order (e.g. 401 is separate: see reject_next)."""
        with self.lock:
            self.script.extend(kinds)

    def fail_fraction(self, rate, kinds=(429, 500, 'timeout'), seed=None):
        with self.lock:
            self.rate, self.kinds = rate, tuple(kinds)
            if seed is not None:
                self.rng.seed(seed)

    def clear(self):
        with self.lock:
            self.script.clear()
            self.rate = 0.0

    def draw(self, incremental_list=False):
        """Return the fault for this call, or None."""
        with self.lock:
            if self.script:
                kind = self.script.popleft()
            elif self.rate and self.rng.random() < self.rate:
                kind = self.rng.choice(self.kinds)
            else:
                return None
            if kind == 410 and not incremental_list:
                return None
            self.injected[kind] += 1
            return kind


class Grant:
    def __init__(self, email, scope):
        self.email, self.scope = email, scope


class FakeServer:
    """Base of the Google and Graph fakes."""

    token_ttl = 3600
    client_id = 'fake-client-id'
    client_secret = 'fake-client-secret'

    def __init__(self, store=None, host='127.0.0.1', port=0, seed=0):
        self.store = store or CalendarStore()
        self.faults = Faults(seed)
        self.lock = threading.RLock()
        self.codes = {}  # authorization code -> (Grant, redirect_uri)
        self.access_tokens = {}  # token -> (Grant, expires_at epoch)
        self.refresh_tokens = {}  # token -> Grant
        self.reject_next_calls = 0  # answer 401 to this many API calls even with a valid token
        self.refresh_fails = False  # the token endpoint refuses refresh grants (revoked access)
        self.default_login = 'rep@acme.com'  # who "signs in" at the consent screen
        self.requests_log = []  # (method, path, args) of every API call, for assertions
        self.hits = []  # (method, path) of every request, even to an address the fake lacks
        self.push_sink = None  # callable(url, headers, body) replacing real webhook delivery
        # Google and Graph push only to https addresses; a test whose app listens on plain
        # http (127.0.0.1) opts in to pushes there with ``allow_http_push = True``.
        self.allow_http_push = False
        self.url_map = Map(self.rules() + self.control_rules())
        self._httpd = make_server(host, port, self.wsgi, threaded=True,
                                   request_handler=QuietHandler)
        self.port = self._httpd.server_port
        self.url = f'http://{host}:{self.port}'
        self._thread = None
        self._local = threading.local()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self):
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True,
                                        name=type(self).__name__)
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- WSGI ------------------------------------------------------------------------------
    def rules(self):
        raise NotImplementedError

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.hits.append((request.method, request.path))
        adapter = self.url_map.bind_to_environ(environ)
        self._local.lose_response = False
        try:
            endpoint, values = adapter.match()
            response = getattr(self, endpoint)(request, **values)
        except HTTPException as error:
            response = error.get_response()
        if self._local.lose_response:
            time.sleep(self.faults.slow_seconds)  # done, but the client gives up waiting
        return response(environ, start_response)

    @staticmethod
    def json(body, status=200, headers=None):
        return Response(json.dumps(body), status=status, headers=headers,
                        content_type='application/json; charset=UTF-8')

    # -- ground-truth control over HTTP, for manual demos (python -m tests.fakes) -----------
    def control_rules(self):
        return [Rule('/_fake/events', endpoint='control_list', methods=['GET']),
                Rule('/_fake/events', endpoint='control_add', methods=['POST']),
                Rule('/_fake/events/<event_id>', endpoint='control_edit', methods=['PATCH']),
                Rule('/_fake/events/<event_id>', endpoint='control_delete', methods=['DELETE']),
                Rule('/_fake/invitations', endpoint='control_invitations', methods=['GET'])]

    @staticmethod
    def _control_fields(body):
        fields = dict(body)
        for name in ('start', 'end'):
            if isinstance(fields.get(name), str):
                value = fields[name]
                fields[name] = (datetime.date.fromisoformat(value) if len(value) == 10
                                else parse_iso(value))
        return fields

    def _control_event(self, event):
        return {'id': event.id, 'owner': event.owner, 'calendar': event.calendar,
                'title': event.title, 'start': str(event.start), 'end': str(event.end),
                'all_day': event.all_day, 'visibility': event.visibility,
                'attendees': [a.email for a in event.attendees], 'status': event.status}

    def control_list(self, request):
        owner = (request.args.get('owner') or '').lower()
        with self.store.lock:
            events = [e for e in self.store.events.values() if not owner or e.owner == owner]
            return self.json([self._control_event(e) for e in events])

    def control_add(self, request):
        """Create an event as the user would in the calendar: {owner, title, start, ...}."""
        body = self._control_fields(request.get_json(force=True))
        owner = body.pop('owner', self.default_login)
        return self.json(self._control_event(self.store.add_event(owner, **body)), 201)

    def control_edit(self, request, event_id):
        if event_id not in self.store.events:
            return self.json({'error': 'not found'}, 404)
        body = self._control_fields(request.get_json(force=True))
        return self.json(self._control_event(self.store.edit_event(event_id, **body)))

    def control_delete(self, request, event_id):
        if event_id not in self.store.events:
            return self.json({'error': 'not found'}, 404)
        return self.json(self._control_event(self.store.delete_event(event_id)))

    def control_invitations(self, request):
        with self.store.lock:
            return self.json([vars(i) for i in self.store.invitations])

    # -- OAuth 2.0 (authorization code + refresh) -----------------------------------------
    def authorize(self, request):
        """The consent screen, auto-accepted: redirect back with a code and the state."""
        args = request.args
        if args.get('client_id') != self.client_id or args.get('response_type') != 'code':
            return self.json({'error': 'invalid_request'}, 400)
        email = (args.get('login_hint') or self.default_login).lower()
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = (Grant(email, args.get('scope', '')), args.get('redirect_uri'))
        query = urllib.parse.urlencode({'code': code, 'state': args.get('state', '')})
        return Response(status=302, headers={'Location': f"{args['redirect_uri']}?{query}"})

    def _client_ok(self, request):
        auth = request.authorization
        if auth is not None and auth.type == 'basic':
            return auth.username == self.client_id and auth.password == self.client_secret
        return (request.form.get('client_id') == self.client_id
                and request.form.get('client_secret') == self.client_secret)

    def issue_tokens(self, grant, with_refresh=True):
        access = 'at-' + secrets.token_urlsafe(16)
        body = {'access_token': access, 'token_type': 'Bearer', 'expires_in': self.token_ttl,
                'scope': grant.scope}
        with self.lock:
            self.access_tokens[access] = (grant, time.time() + self.token_ttl)
            if with_refresh:
                refresh = 'rt-' + secrets.token_urlsafe(16)
                self.refresh_tokens[refresh] = grant
                body['refresh_token'] = refresh
        return body

    def token(self, request):
        if not self._client_ok(request):
            return self.json({'error': 'invalid_client'}, 401)
        grant_type = request.form.get('grant_type')
        with self.lock:
            if grant_type == 'authorization_code':
                found = self.codes.pop(request.form.get('code'), None)
                if found is None or found[1] != request.form.get('redirect_uri'):
                    return self.json({'error': 'invalid_grant'}, 400)
                return self.json(self.issue_tokens(found[0]))
            if grant_type == 'refresh_token':
                grant = self.refresh_tokens.get(request.form.get('refresh_token'))
                if grant is None or self.refresh_fails:
                    return self.json({'error': 'invalid_grant',
                                      'error_description': 'Token has been expired or revoked.'}, 400)
                return self.json(self.issue_tokens(grant, with_refresh=False))
        return self.json({'error': 'unsupported_grant_type'}, 400)

    def expire_access_tokens(self):
        """Make every issued access token expired (the client must refresh)."""
        with self.lock:
            self.access_tokens = {t: (g, 0) for t, (g, _) in self.access_tokens.items()}

    def authenticated(self, request):
        """Return the Grant of the bearer token, or None (the caller answers 401)."""
        header = request.headers.get('Authorization', '')
        scheme, _, token = header.partition(' ')
        with self.lock:
            if self.reject_next_calls > 0:
                self.reject_next_calls -= 1
                return None
            found = self.access_tokens.get(token.strip()) if scheme.lower() == 'bearer' else None
        if found is None or found[1] < time.time():
            return None
        return found[0]

    # -- faults ----------------------------------------------------------------------------
    def fault_response(self, incremental_list=False):
        """Return a failure Response if a fault is due for this API call, else None."""
        kind = self.faults.draw(incremental_list)
        if kind is None:
            return None
        if kind == 'lost':
            self._local.lose_response = True
            return None
        if kind == 'timeout':
            time.sleep(self.faults.slow_seconds)
            return self.error_body(503, 'backendError', 'Timed out.')
        if kind == 429:
            return self.error_body(429, 'rateLimitExceeded', 'Rate limit exceeded.',
                                   headers={'Retry-After': str(self.faults.retry_after)})
        if kind == 410:
            return self.expired_cursor_response()
        return self.error_body(int(kind), 'backendError', 'Backend error.')

    def error_body(self, status, reason, message, headers=None):
        raise NotImplementedError

    def expired_cursor_response(self):
        raise NotImplementedError

    # -- push ------------------------------------------------------------------------------
    def push_address_refused(self, address):
        """Whether the provider refuses ``address`` for push: not https, unless the test opted in."""
        return not address.lower().startswith('https://') and not self.allow_http_push

    def deliver(self, url, headers, body=b''):
        """POST a push notification (through ``push_sink`` when a test installed one)."""
        if self.push_sink is not None:
            return self.push_sink(url, headers, body)
        try:
            return requests.post(url, headers=headers, data=body, timeout=5)
        except requests.RequestException:
            return None  # a webhook that does not answer is the receiver's problem

    def now(self):
        return utcnow()
