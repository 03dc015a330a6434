"""A protocol-faithful fake of Google OAuth 2.0 and the Calendar v3 events API.

Served over real HTTP so googleapiclient (via GOOGLE_CALENDAR_API_ENDPOINT), authlib (via
GOOGLE_AUTH_URI / GOOGLE_TOKEN_URI / GOOGLE_USERINFO_URI) and the app's revocation (via
GOOGLE_REVOKE_URI) talk to it unmodified. Behaviour
follows Google's documentation for events.list incremental sync: a full pass ends with
``nextSyncToken``; a list with ``syncToken`` returns only what changed since, deleted events as
``status: cancelled``; an invalidated token answers 410 ``fullSyncRequired``.
"""
import collections
import datetime
import hashlib
import json
import math
import re
import secrets
import time

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from tests.fakes.server import FakeServer
from tests.fakes.store import PRIMARY, SECONDARY, FakeAttendee

SECONDARY_ID = 'team-calendar@group.calendar.google.com'
EVENT_ID = re.compile(r'^[a-v0-9]{5,1024}$')  # base32hex, as Google requires for client ids
CALENDAR_PREFIX = '/calendar/v3'


def rfc3339(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.000Z')


def parse_time(field):
    """Google {dateTime|date} -> (naive UTC datetime or date, all_day)."""
    if 'date' in field and field['date']:
        return datetime.date.fromisoformat(field['date']), True
    value = datetime.datetime.fromisoformat(field['dateTime'].replace('Z', '+00:00'))
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value, False


class GoogleFake(FakeServer):
    """Google's OAuth endpoints and Calendar v3, with a ground-truth ``store``."""

    def __init__(self, *args, **kwargs):
        self.sync_tokens = {}  # token -> (owner, calendar, seq)
        self.pages = {}  # page token -> dict(owner, calendar, ids, offset, seq, show_deleted)
        self.channels = {}  # channel id -> dict(owner, calendar, address, token, resource_id, ...)
        self._rendered = {}  # event id -> (seq, JSON text)
        self.revoked = []  # e-mails whose grant was revoked, in order
        # Every write's sendUpdates as asked: (event id, 'invite' | 'update' | 'cancel', value).
        # The invitation log holds only the mail sent; this shows what the client asked for.
        self.send_updates = []
        self.user_rate_limit = None  # (calls, seconds) per user, e.g. (10, 1.0); None: no quota
        self._user_calls = {}  # e-mail -> deque of call times in the window
        self.rate_limited_calls = 0
        super().__init__(*args, **kwargs)
        self.store.listeners.append(self._push)

    def rules(self):
        c = CALENDAR_PREFIX
        return [
            Rule('/o/oauth2/v2/auth', endpoint='authorize', methods=['GET']),
            Rule('/token', endpoint='token', methods=['POST']),
            Rule('/v1/userinfo', endpoint='userinfo', methods=['GET']),
            Rule('/revoke', endpoint='revoke', methods=['POST']),
            Rule(f'{c}/users/me/calendarList', endpoint='calendar_list', methods=['GET']),
            Rule(f'{c}/users/me/settings/<setting>', endpoint='get_setting', methods=['GET']),
            Rule(f'{c}/calendars/<calendar_id>/events', endpoint='list_events', methods=['GET']),
            Rule(f'{c}/calendars/<calendar_id>/events', endpoint='insert_event', methods=['POST']),
            Rule(f'{c}/calendars/<calendar_id>/events/watch', endpoint='watch', methods=['POST']),
            Rule(f'{c}/calendars/<calendar_id>/events/<event_id>', endpoint='get_event',
                 methods=['GET']),
            Rule(f'{c}/calendars/<calendar_id>/events/<event_id>', endpoint='patch_event',
                 methods=['PATCH']),
            Rule(f'{c}/calendars/<calendar_id>/events/<event_id>', endpoint='delete_event',
                 methods=['DELETE']),
            Rule(f'{c}/channels/stop', endpoint='stop_channel', methods=['POST']),
        ]

    # -- addresses for the app's configuration ----------------------------------------------
    def config(self):
        """The app config keys that point the Google provider at this fake."""
        return {
            'GOOGLE_CLIENT_ID': self.client_id, 'GOOGLE_CLIENT_SECRET': self.client_secret,
            'GOOGLE_AUTH_URI': self.url + '/o/oauth2/v2/auth',
            'GOOGLE_TOKEN_URI': self.url + '/token',
            'GOOGLE_USERINFO_URI': self.url + '/v1/userinfo',
            'GOOGLE_REVOKE_URI': self.url + '/revoke',
            'GOOGLE_CALENDAR_API_ENDPOINT': self.url + CALENDAR_PREFIX + '/',
        }

    # -- test hooks ------------------------------------------------------------------------
    def grant(self, email):
        """Issue tokens for ``email`` without the browser dance (for provider-level tests)."""
        from tests.fakes.server import Grant
        return self.issue_tokens(Grant(email.lower(), 'openid email calendar.events calendar.settings.readonly'))

    def invalidate_sync_tokens(self):
        """Every sync token handed out so far now answers 410 (Google's fullSyncRequired)."""
        with self.lock:
            self.sync_tokens.clear()

    # -- errors in Google's JSON shape -------------------------------------------------------
    def error_body(self, status, reason, message, headers=None, domain='global'):
        body = {'error': {'code': status, 'message': message,
                          'errors': [{'message': message, 'domain': domain, 'reason': reason}]}}
        return self.json(body, status, headers)

    def rate_limited(self, email):
        """Google's per-user quota (Calendar API "queries per minute per user"): above
        ``user_rate_limit`` = (calls, seconds), a 429 rateLimitExceeded with Retry-After."""
        if not self.user_rate_limit:
            return None
        calls, seconds = self.user_rate_limit
        now = time.monotonic()
        with self.lock:
            window = self._user_calls.setdefault(email, collections.deque())
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) < calls:
                window.append(now)
                return None
            wait = max(1, math.ceil(window[0] + seconds - now))
            self.rate_limited_calls += 1
        return self.error_body(429, 'rateLimitExceeded', 'Rate Limit Exceeded',
                               domain='usageLimits', headers={'Retry-After': str(wait)})

    def expired_cursor_response(self):
        return self.error_body(410, 'fullSyncRequired',
                               'Sync token is no longer valid, a full sync is required.',
                               domain='calendar')

    def unauthorized(self):
        return self.error_body(401, 'authError', 'Invalid Credentials',
                               headers={'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"'})

    def _api_call(self, request, calendar_id, incremental_list=False):
        """Authenticate, resolve the calendar and draw a fault: (owner, calendar, error)."""
        self.requests_log.append((request.method, request.path, dict(request.args)))
        grant = self.authenticated(request)
        if grant is None:
            return None, None, self.unauthorized()
        fault = self.fault_response(incremental_list)
        if fault is not None:
            return None, None, fault
        limited = self.rate_limited(grant.email)
        if limited is not None:
            return None, None, limited
        if calendar_id in ('primary', grant.email):
            return grant.email, PRIMARY, None
        if calendar_id == SECONDARY_ID:
            return grant.email, SECONDARY, None
        return None, None, self.error_body(404, 'notFound', 'Not Found')

    # -- OAuth userinfo --------------------------------------------------------------------
    def userinfo(self, request):
        grant = self.authenticated(request)
        if grant is None:
            return self.unauthorized()
        sub = hashlib.sha1(grant.email.encode()).hexdigest()[:21]
        return self.json({'sub': sub, 'email': grant.email, 'email_verified': True})

    # -- OAuth revocation (RFC 7009) -------------------------------------------------------
    def revoke(self, request):
        """Revoke the grant behind a refresh or access token, as Google's /revoke does.

        The grant is the user's consent to this client: it ends whole, so every refresh and
        access token of that account dies (a later refresh answers invalid_grant, API calls
        401) and the app leaves the account's third-party access. Faults apply like elsewhere.
        """
        self.requests_log.append((request.method, request.path, {}))  # never the token
        token = request.form.get('token') or request.args.get('token')
        kind = self.faults.draw()
        if kind == 'lost':
            self._local.lose_response = True  # revoked, but the answer comes too late
        elif kind == 'timeout':
            time.sleep(self.faults.slow_seconds)
            return self.json({'error': 'server_error'}, 503)
        elif kind is not None:
            return self.json({'error': 'server_error'}, int(kind))
        if not token:
            return self.json({'error': 'invalid_request',
                              'error_description': 'Missing required parameter: token'}, 400)
        with self.lock:
            grant = self.refresh_tokens.get(token) or (self.access_tokens.get(token) or (None,))[0]
            if grant is None:
                return self.json({'error': 'invalid_token',
                                  'error_description': 'Token expired or revoked'}, 400)
            self.revoke_account(grant.email)
        return self.json({})

    def revoke_account(self, email):
        """End this client's grant for ``email``, as "Remove access" in the Google Account does."""
        with self.lock:
            self.refresh_tokens = {t: g for t, g in self.refresh_tokens.items() if g.email != email}
            self.access_tokens = {t: v for t, v in self.access_tokens.items()
                                  if v[0].email != email}
            self.revoked.append(email)

    def calendar_list(self, request):
        owner, _, error = self._api_call(request, 'primary')
        if error:
            return error
        return self.json({'kind': 'calendar#calendarList', 'items': [
            {'kind': 'calendar#calendarListEntry', 'id': owner, 'summary': owner, 'primary': True},
            {'kind': 'calendar#calendarListEntry', 'id': SECONDARY_ID, 'summary': 'Team'}]})

    # Scopes that may read settings.get (Google's reference lists these four).
    SETTINGS_SCOPES = ('calendar.readonly', 'auth/calendar ', 'calendar.settings')

    def get_setting(self, request, setting):
        """settings.get: one user setting as a calendar#setting resource. Only the timezone
        setting is modelled; another id answers 404 like an unknown one. A grant without a
        settings scope answers 403 insufficientPermissions, as Google does."""
        self.requests_log.append((request.method, request.path, dict(request.args)))
        grant = self.authenticated(request)
        if grant is None:
            return self.unauthorized()
        fault = self.fault_response(False)
        if fault is not None:
            return fault
        owner, scope = grant.email, grant.scope + ' '
        if not any(s in scope for s in self.SETTINGS_SCOPES):
            return self.error_body(403, 'insufficientPermissions',
                                   'Request had insufficient authentication scopes.')
        if setting != 'timezone':
            return self.error_body(404, 'notFound', 'Not Found')
        zone = self.store.time_zone_of(owner)
        return self.json({'kind': 'calendar#setting', 'etag': '"%s"' % hashlib.sha1(
            zone.encode()).hexdigest()[:16], 'id': 'timezone', 'value': zone})

    # -- representation --------------------------------------------------------------------
    def _time(self, value, all_day):
        if all_day:
            return {'date': value.isoformat()}
        return {'dateTime': value.strftime('%Y-%m-%dT%H:%M:%SZ'), 'timeZone': 'UTC'}

    def render(self, event):
        base = {'kind': 'calendar#event', 'etag': f'"{event.seq}"', 'id': event.id,
                'status': event.status}
        if event.recurring_event_id:
            base['recurringEventId'] = event.recurring_event_id
            base['originalStartTime'] = self._time(event.original_start, False)
        if event.deleted:
            return base  # Google returns only the identity of a deleted event
        body = dict(base, **{
            'htmlLink': f'{self.url}/calendar/event?eid={event.id}',
            'created': rfc3339(event.created), 'updated': rfc3339(event.updated),
            'summary': event.title, 'creator': {'email': event.owner},
            'organizer': dict({'email': event.organizer},
                              **({'self': True} if event.organizer == event.owner else {})),
            'start': self._time(event.start, event.all_day),
            'end': self._time(event.end, event.all_day),
            'iCalUID': f'{event.recurring_event_id or event.id}@google.com',
            'sequence': 0, 'reminders': {'useDefault': True}, 'eventType': 'default',
        })
        if event.description:
            body['description'] = event.description
        if event.location:
            body['location'] = event.location
        if event.visibility != 'default':
            body['visibility'] = event.visibility
        if event.recurrence:
            body['recurrence'] = list(event.recurrence)
        if event.attendees:
            body['attendees'] = [dict(
                {'email': a.email, 'responseStatus': a.response},
                **({'displayName': a.name} if a.name else {}),
                **({'self': True} if a.email == event.owner else {}),
                **({'organizer': True} if a.email == event.organizer else {}))
                for a in event.attendees]
        if event.video_link:
            if 'meet.google.com' in event.video_link:
                body['hangoutLink'] = event.video_link
            body['conferenceData'] = {'entryPoints': [
                {'entryPointType': 'video', 'uri': event.video_link, 'label': event.video_link}]}
        return body

    def _render_json(self, event):
        """render() as JSON text, cached until the event changes (its seq moves)."""
        cached = self._rendered.get(event.id)
        if cached is None or cached[0] != event.seq:
            cached = (event.seq, json.dumps(self.render(event)))
            self._rendered[event.id] = cached
        return cached[1]

    def apply_body(self, body, fields):
        """Translate a Google event resource into FakeEvent field values (``fields`` dict)."""
        for key, name in (('summary', 'title'), ('description', 'description'),
                          ('location', 'location'), ('visibility', 'visibility')):
            if key in body:
                fields[name] = body[key] or ('default' if name == 'visibility' else '')
        if 'start' in body:
            fields['start'], fields['all_day'] = parse_time(body['start'])
        if 'end' in body:
            fields['end'], _ = parse_time(body['end'])
        if 'recurrence' in body:
            fields['recurrence'] = list(body['recurrence'] or [])
        if 'attendees' in body:
            fields['attendees'] = [FakeAttendee(a['email'].lower(), a.get('displayName', ''),
                                                a.get('responseStatus', 'needsAction'))
                                   for a in body['attendees'] or []]
        entry_points = (body.get('conferenceData') or {}).get('entryPoints') or []
        for point in entry_points:
            if point.get('entryPointType') == 'video':
                fields['video_link'] = point.get('uri', '')
        return fields

    def _send(self, event, send_updates, emails, kind):
        self.send_updates.append((event.id, kind, send_updates))
        if send_updates == 'all':
            self.store.invite(event, emails, kind)
        elif send_updates == 'externalOnly':
            domain = event.owner.rpartition('@')[2]
            self.store.invite(event, [e for e in emails if not e.endswith('@' + domain)], kind)

    # -- events.list -----------------------------------------------------------------------
    def list_events(self, request, calendar_id):
        args = request.args
        sync_token, page_token = args.get('syncToken'), args.get('pageToken')
        owner, calendar, error = self._api_call(request, calendar_id,
                                                incremental_list=bool(sync_token))
        if error:
            return error
        if args.get('singleEvents') == 'true':
            return self.error_body(400, 'badRequest', 'singleEvents=true is not faked.')
        try:
            max_results = min(int(args.get('maxResults', 250)), 2500)
        except ValueError:
            return self.error_body(400, 'invalid', 'Invalid value for maxResults.')
        if max_results < 1:
            return self.error_body(400, 'invalid', 'Invalid value for maxResults.')
        show_deleted = args.get('showDeleted') == 'true'
        if sync_token and any(args.get(k) for k in ('timeMin', 'timeMax', 'updatedMin', 'q',
                                                     'orderBy', 'iCalUID')):
            return self.error_body(400, 'invalid', 'Sync token cannot be combined with filters.')
        with self.lock:
            if page_token:
                page = self.pages.get(page_token)
                if page is None or page['owner'] != owner:
                    return self.error_body(400, 'invalid', 'Invalid page token value.')
            else:
                since = 0
                if sync_token:
                    found = self.sync_tokens.get(sync_token)
                    if found is None or found[:2] != (owner, calendar):
                        return self.expired_cursor_response()
                    since = found[2]
                with self.store.lock:
                    changed = self.store.changed_since(owner, since, calendar)
                    seq = self.store.seq
                # A full pass hides deleted events unless showDeleted; a sync pass never does.
                if not sync_token and not show_deleted:
                    changed = [e for e in changed if not e.deleted]
                if not sync_token:
                    changed = [e for e in changed if self._in_window(e, args)]
                page = {'owner': owner, 'calendar': calendar, 'ids': [e.id for e in changed],
                        'offset': 0, 'seq': seq}
            ids = page['ids'][page['offset']:page['offset'] + max_results]
            rest = page['offset'] + max_results
            items = [self._render_json(self.store.events[i]) for i in ids]
            body = {'kind': 'calendar#events', 'etag': f'"{page["seq"]}"', 'summary': owner,
                    'updated': rfc3339(self.now()), 'timeZone': 'UTC', 'accessRole': 'owner',
                    'defaultReminders': []}
            if rest < len(page['ids']):
                token = 'pt-' + secrets.token_urlsafe(12)
                self.pages[token] = dict(page, offset=rest)
                body['nextPageToken'] = token
            else:
                token = 'st-' + secrets.token_urlsafe(12)
                self.sync_tokens[token] = (owner, calendar, page['seq'])
                body['nextSyncToken'] = token
        # Items are spliced in as cached JSON text: a page of 2,500 costs no re-rendering.
        text = json.dumps(body)[:-1] + ', "items": [' + ','.join(items) + ']}'
        return Response(text, content_type='application/json; charset=UTF-8')

    @staticmethod
    def _in_window(event, args):
        """timeMin bounds an event's end, timeMax its start (a series counts from its start)."""
        def as_datetime(value):
            if isinstance(value, datetime.datetime) or value is None:
                return value
            return datetime.datetime(value.year, value.month, value.day)
        start, end = as_datetime(event.start), as_datetime(event.end)
        if args.get('timeMin') and not event.recurrence and end is not None:
            if end <= parse_time({'dateTime': args['timeMin']})[0]:
                return False
        if args.get('timeMax') and start is not None:
            if start >= parse_time({'dateTime': args['timeMax']})[0]:
                return False
        return True

    # -- events.get / insert / patch / delete ----------------------------------------------
    def get_event(self, request, calendar_id, event_id):
        owner, calendar, error = self._api_call(request, calendar_id)
        if error:
            return error
        event = self.store.events.get(event_id)
        if event is None or event.owner != owner or event.calendar != calendar:
            return self.error_body(404, 'notFound', 'Not Found')
        return self.json(self.render(event))

    def insert_event(self, request, calendar_id):
        owner, calendar, error = self._api_call(request, calendar_id)
        if error:
            return error
        body = request.get_json(silent=True) or {}
        if 'start' not in body or 'end' not in body:
            return self.error_body(400, 'required', 'Missing end time.' if 'start' in body
                                   else 'Missing start time.')
        event_id = body.get('id')
        if event_id is not None and not EVENT_ID.match(event_id):
            return self.error_body(400, 'invalid', 'Invalid resource id value.')
        with self.store.transaction():
            if event_id and event_id in self.store.events:
                return self.error_body(409, 'duplicate', 'The requested identifier already exists.')
            fields = self.apply_body(body, {})
            attendees = fields.pop('attendees', [])
            event = self.store.add_event(owner, calendar=calendar, event_id=event_id,
                                         attendees=attendees, **fields)
            self._send(event, request.args.get('sendUpdates', 'none'),
                       [a.email for a in event.attendees], 'invite')
        return self.json(self.render(event))

    def patch_event(self, request, calendar_id, event_id):
        owner, calendar, error = self._api_call(request, calendar_id)
        if error:
            return error
        body = request.get_json(silent=True) or {}
        with self.store.transaction():
            event = self.store.events.get(event_id)
            if event is None or event.owner != owner or event.calendar != calendar:
                return self.error_body(404, 'notFound', 'Not Found')
            before = {a.email for a in event.attendees}
            fields = self.apply_body(body, {})
            if 'attendees' in fields:
                known = {a.email: a for a in event.attendees}
                # Google keeps the answers of attendees who stay on the event.
                fields['attendees'] = [known.get(a.email, a) for a in fields['attendees']]
            if event.deleted and body.get('status') != 'cancelled':
                fields['status'] = 'confirmed'  # patching a cancelled event restores it
            event = self.store.edit_event(event_id, **fields)
            after = {a.email for a in event.attendees}
            send = request.args.get('sendUpdates', 'none')
            self._send(event, send, sorted(after - before), 'invite')
            self._send(event, send, sorted(before - after), 'cancel')
            if set(fields) - {'attendees'}:
                self._send(event, send, sorted(after & before), 'update')
        return self.json(self.render(event))

    def delete_event(self, request, calendar_id, event_id):
        owner, calendar, error = self._api_call(request, calendar_id)
        if error:
            return error
        with self.store.transaction():
            event = self.store.events.get(event_id)
            if event is None or event.owner != owner or event.calendar != calendar:
                return self.error_body(404, 'notFound', 'Not Found')
            if event.deleted:
                return self.error_body(410, 'deleted', 'Resource has been deleted')
            self.store.delete_event(event_id)
            self._send(event, request.args.get('sendUpdates', 'none'),
                       [a.email for a in event.attendees], 'cancel')
        return Response(status=204)

    # -- push: events.watch / channels.stop ------------------------------------------------
    def watch(self, request, calendar_id):
        owner, calendar, error = self._api_call(request, calendar_id)
        if error:
            return error
        body = request.get_json(silent=True) or {}
        if body.get('type') not in ('web_hook', 'webhook') or not body.get('address') \
                or not body.get('id'):
            return self.error_body(400, 'required', 'Channel id, type and address are required.')
        if self.push_address_refused(body['address']):
            # Google's documented answer (domain push, reason webhookUrlNotHttps).
            return self.error_body(400, 'webhookUrlNotHttps',
                                   f"WebHook callback must be HTTPS: {body['address']}",
                                   domain='push')
        with self.lock:
            if body['id'] in self.channels:
                return self.error_body(400, 'channelIdNotUnique', 'Channel id not unique')
        ttl = int((body.get('params') or {}).get('ttl', 604800))
        expiration_ms = int((time.time() + ttl) * 1000)
        channel = {'owner': owner, 'calendar': calendar, 'address': body['address'],
                   'token': body.get('token', ''), 'resource_id': secrets.token_hex(10),
                   'expiration_ms': expiration_ms, 'message_number': 1}
        with self.lock:
            self.channels[body['id']] = channel
        self._deliver(body['id'], channel, 'sync')
        return self.json({'kind': 'api#channel', 'id': body['id'],
                          'resourceId': channel['resource_id'],
                          'resourceUri': f'{self.url}{CALENDAR_PREFIX}/calendars/{calendar_id}'
                                         '/events?alt=json',
                          'token': channel['token'], 'expiration': str(expiration_ms)})

    def stop_channel(self, request):
        self.requests_log.append((request.method, request.path, {}))
        if self.authenticated(request) is None:
            return self.unauthorized()
        body = request.get_json(silent=True) or {}
        with self.lock:
            channel = self.channels.get(body.get('id'))
            if channel is None or channel['resource_id'] != body.get('resourceId'):
                return self.error_body(404, 'notFound',
                                       f"Channel '{body.get('id')}' not found for project")
            del self.channels[body['id']]
        return Response(status=204)

    def _deliver(self, channel_id, channel, state):
        with self.lock:
            number = channel['message_number']
            channel['message_number'] += 1
        headers = {'X-Goog-Channel-ID': channel_id, 'X-Goog-Channel-Token': channel['token'],
                   'X-Goog-Channel-Expiration': time.strftime(
                       '%a, %d %b %Y %H:%M:%S GMT', time.gmtime(channel['expiration_ms'] / 1000)),
                   'X-Goog-Resource-ID': channel['resource_id'],
                   'X-Goog-Resource-URI': f'{self.url}{CALENDAR_PREFIX}/calendars/primary/events',
                   'X-Goog-Resource-State': state, 'X-Goog-Message-Number': str(number)}
        self.deliver(channel['address'], headers, b'')

    def _push(self, event):
        with self.lock:
            due = [(cid, c) for cid, c in self.channels.items()
                   if c['owner'] == event.owner and c['calendar'] == event.calendar
                   and c['expiration_ms'] > time.time() * 1000]
        for channel_id, channel in due:
            self._deliver(channel_id, channel, 'exists')

