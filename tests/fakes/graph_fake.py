"""A protocol-faithful fake of the Microsoft identity platform and Microsoft Graph calendar API.

Served over real HTTP so authlib's OAuth2Session (via MS_AUTHORITY / MS_GRAPH_ENDPOINT) talks
to it unmodified. ``/me/calendarView/delta`` follows Graph's delta query: pages linked by
``@odata.nextLink``, the last page ends with ``@odata.deltaLink``; following that link returns
only changes since, deletions as ``@removed``; a delta token the fake forgot answers 410
``syncStateNotFound``. Series masters are expanded into occurrences within the window, as a
calendar view does (their RRULE, in the series' time zone: tests/fakes/recurrence.py), and a
master shows its recurrence as Graph's patternedRecurrence. As on Graph, a delta lists only
what the client could have seen: an occurrence (or event) deleted before it was ever in a
view the client listed is not reported at all, not even as ``@removed``. Graph e-mails
invitations itself; the store's invitation log records them.
"""
import datetime
import hashlib
import json
import secrets
import urllib.parse

from tzlocal.windows_tz import tz_win
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from server.calendars.timeutil import parse_iso
from tests.fakes import recurrence
from tests.fakes.server import FakeServer, Grant
from tests.fakes.store import PRIMARY, FakeAttendee

GRAPH = '/v1.0'
MAX_SUBSCRIPTION_MINUTES = 4230  # Graph's limit for Outlook event subscriptions
RESPONSES_OUT = {'needsAction': 'none', 'accepted': 'accepted', 'declined': 'declined',
                 'tentative': 'tentativelyAccepted'}
RESPONSES_IN = {v: k for k, v in RESPONSES_OUT.items()}
RESPONSES_IN['notResponded'] = 'needsAction'


def graph_time(value):
    return {'dateTime': value.strftime('%Y-%m-%dT%H:%M:%S.0000000'), 'timeZone': 'UTC'}


def read_time(field):
    """Graph dateTimeTimeZone -> naive UTC (only UTC and offsets are faked)."""
    if field.get('timeZone') not in (None, 'UTC', 'Etc/UTC', 'Coordinated Universal Time'):
        raise ValueError(f"time zone {field.get('timeZone')!r} is not faked; send UTC")
    return parse_iso(field['dateTime'])


as_datetime = recurrence.as_datetime


class GraphFake(FakeServer):
    """Microsoft identity platform + Graph /me/events, calendarView/delta, subscriptions."""

    tenant = 'common'

    def __init__(self, *args, **kwargs):
        self.delta_tokens = {}  # token -> dict(owner, seq, start, end)
        self.skip_tokens = {}  # token -> dict(owner, items, offset, seq, start, end)
        self.subscriptions = {}  # id -> dict(owner, url, client_state, expires)
        self.page_size = 50  # Graph's default page size; Prefer: odata.maxpagesize overrides
        self.validate_subscriptions = True
        # How a deleted series shows in a delta: its master's removal (False), or, as a
        # calendar view of instances may report it, only the removals of its occurrences in
        # the window (True). The sync must get both right (R9, R13).
        self.series_deletion_as_occurrences = False
        super().__init__(*args, **kwargs)
        self.store.listeners.append(self._push)

    def rules(self):
        return [
            Rule('/<tenant>/oauth2/v2.0/authorize', endpoint='authorize_tenant', methods=['GET']),
            Rule('/<tenant>/oauth2/v2.0/token', endpoint='token_tenant', methods=['POST']),
            Rule(f'{GRAPH}/me', endpoint='me', methods=['GET']),
            Rule(f'{GRAPH}/me/mailboxSettings', endpoint='mailbox_settings', methods=['GET']),
            Rule(f'{GRAPH}/me/calendarView/delta', endpoint='delta', methods=['GET']),
            Rule(f'{GRAPH}/me/events', endpoint='create_event', methods=['POST']),
            Rule(f'{GRAPH}/me/events/<event_id>', endpoint='get_event', methods=['GET']),
            Rule(f'{GRAPH}/me/events/<event_id>', endpoint='update_event', methods=['PATCH']),
            Rule(f'{GRAPH}/me/events/<event_id>', endpoint='delete_event', methods=['DELETE']),
            Rule(f'{GRAPH}/subscriptions', endpoint='create_subscription', methods=['POST']),
            Rule(f'{GRAPH}/subscriptions/<sub_id>', endpoint='renew_subscription',
                 methods=['PATCH']),
            Rule(f'{GRAPH}/subscriptions/<sub_id>', endpoint='delete_subscription',
                 methods=['DELETE']),
        ]

    def config(self):
        """The app config keys that point the Outlook provider at this fake."""
        return {'MS_CLIENT_ID': self.client_id, 'MS_CLIENT_SECRET': self.client_secret,
                'MS_AUTHORITY': f'{self.url}/{self.tenant}', 'MS_GRAPH_ENDPOINT': self.url + GRAPH}

    # -- test hooks ------------------------------------------------------------------------
    def grant(self, email):
        """Issue tokens for ``email`` without the browser dance (for provider-level tests)."""
        return self.issue_tokens(Grant(email.lower(), 'offline_access Calendars.ReadWrite User.Read MailboxSettings.Read'))

    def invalidate_delta_tokens(self):
        """Every delta link handed out so far now answers 410 syncStateNotFound."""
        with self.lock:
            self.delta_tokens.clear()

    # -- OAuth (the tenant segment is part of the address, as on login.microsoftonline.com) --
    def authorize_tenant(self, request, tenant):
        return self.authorize(request)

    def token_tenant(self, request, tenant):
        return self.token(request)

    def issue_tokens(self, grant, with_refresh=True):
        # Microsoft rotates refresh tokens: every grant answers with a fresh one.
        body = super().issue_tokens(grant, with_refresh=True)
        body['ext_expires_in'] = body['expires_in']
        return body

    # -- errors in Graph's JSON shape ------------------------------------------------------
    def error_body(self, status, reason, message, headers=None):
        code = {429: 'TooManyRequests', 500: 'generalException', 503: 'serviceNotAvailable',
                404: 'ErrorItemNotFound', 401: 'InvalidAuthenticationToken'}.get(status, reason)
        return self.json({'error': {'code': code, 'message': message,
                                    'innerError': {'request-id': secrets.token_hex(8)}}},
                         status, headers)

    def expired_cursor_response(self):
        return self.json({'error': {'code': 'syncStateNotFound',
                                    'message': 'The sync state generation is not found.'}}, 410)

    def _api_call(self, request, incremental_list=False):
        self.requests_log.append((request.method, request.path, dict(request.args)))
        grant = self.authenticated(request)
        if grant is None:
            return None, self.error_body(401, 'InvalidAuthenticationToken',
                                         'Access token has expired or is not yet valid.',
                                         headers={'WWW-Authenticate': 'Bearer'})
        return grant.email, self.fault_response(incremental_list)

    def me(self, request):
        owner, error = self._api_call(request)
        if error:
            return error
        return self.json({'id': self.user_id(owner), 'displayName': owner.split('@')[0],
                          'mail': owner, 'userPrincipalName': owner})

    def mailbox_settings(self, request):
        """GET /me/mailboxSettings. Graph gives the time zone in the format the mailbox's
        administrator set up, Windows names by default ("Eastern Standard Time"): the fake
        answers the Windows name of the user's zone where CLDR has one. A grant without
        MailboxSettings.Read(Write) answers 403 ErrorAccessDenied."""
        self.requests_log.append((request.method, request.path, dict(request.args)))
        grant = self.authenticated(request)
        if grant is None:
            return self.error_body(401, 'InvalidAuthenticationToken',
                                   'Access token has expired or is not yet valid.',
                                   headers={'WWW-Authenticate': 'Bearer'})
        fault = self.fault_response(False)
        if fault is not None:
            return fault
        owner = grant.email
        if 'MailboxSettings.Read' not in grant.scope:
            return self.json({'error': {'code': 'ErrorAccessDenied',
                                        'message': 'Access is denied. Check credentials and try again.'}},
                             403)
        zone = self.store.time_zone_of(owner)
        windows = tz_win.get(zone, zone)
        return self.json({
            '@odata.context': f"{self.url}{GRAPH}/$metadata#users('{self.user_id(owner)}')/mailboxSettings",
            'archiveFolder': 'AAMkAGI2TGuLAAA=', 'timeZone': windows,
            'automaticRepliesSetting': {'status': 'disabled', 'externalAudience': 'all',
                                        'internalReplyMessage': '', 'externalReplyMessage': ''},
            'dateFormat': 'M/d/yyyy', 'timeFormat': 'h:mm tt', 'userPurpose': 'user',
            'delegateMeetingMessageDeliveryOptions': 'sendToDelegateOnly',
            'language': {'locale': 'en-US', 'displayName': 'English (United States)'},
            'workingHours': {'daysOfWeek': ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
                             'startTime': '08:00:00.0000000', 'endTime': '17:00:00.0000000',
                             'timeZone': {'name': windows}}})

    @staticmethod
    def user_id(email):
        return hashlib.sha1(email.encode()).hexdigest()[:32]

    # -- representation --------------------------------------------------------------------
    def render(self, event, occurrence_start=None):
        """An event (or one occurrence of a series, at ``occurrence_start``) as Graph JSON."""
        start, end = as_datetime(event.start), as_datetime(event.end)
        kind = 'singleInstance'
        if event.recurrence:
            kind = 'seriesMaster'
        if event.recurring_event_id:
            kind = 'exception'
        event_id = event.id
        if occurrence_start is not None:
            kind, event_id = 'occurrence', self.occurrence_id(event, occurrence_start)
            end, start = occurrence_start + (end - start), occurrence_start
        body = {
            '@odata.etag': f'W/"{event.seq}"', 'id': event_id,
            'createdDateTime': event.created.strftime('%Y-%m-%dT%H:%M:%S.0000000Z'),
            'lastModifiedDateTime': event.updated.strftime('%Y-%m-%dT%H:%M:%S.0000000Z'),
            'iCalUId': hashlib.sha1((event.recurring_event_id or event.id).encode()).hexdigest(),
            'subject': event.title, 'bodyPreview': event.description[:255],
            'body': {'contentType': 'text', 'content': event.description},
            'isAllDay': event.all_day, 'isCancelled': False,
            'isOrganizer': event.organizer == event.owner,
            'sensitivity': {'default': 'normal', 'public': 'normal'}.get(event.visibility,
                                                                        event.visibility),
            'showAs': 'busy', 'type': kind,
            'webLink': f'{self.url}/owa/?itemid={urllib.parse.quote(event_id)}&exvsurl=1',
            'start': graph_time(start), 'end': graph_time(end),
            'location': {'displayName': event.location},
            'organizer': {'emailAddress': {'address': event.organizer, 'name': event.organizer}},
            'attendees': [{'type': 'required',
                           'status': {'response': RESPONSES_OUT.get(a.response, 'none'),
                                      'time': '0001-01-01T00:00:00Z'},
                           'emailAddress': {'address': a.email, 'name': a.name or a.email}}
                          for a in event.attendees],
            'seriesMasterId': None, 'originalStart': None,
            'isOnlineMeeting': bool(event.video_link),
            'onlineMeeting': {'joinUrl': event.video_link} if event.video_link else None,
            'transactionId': event.transaction_id or None,
        }
        if kind in ('occurrence', 'exception'):
            body['seriesMasterId'] = event.recurring_event_id or event.id
            original = occurrence_start if kind == 'occurrence' else event.original_start
            body['originalStart'] = original.strftime('%Y-%m-%dT%H:%M:%SZ')
        zone = recurrence.WINDOWS_NAMES.get(event.time_zone, event.time_zone)
        body['originalStartTimeZone'] = body['originalEndTimeZone'] = zone
        if event.recurrence:
            body['recurrence'] = recurrence.graph_recurrence(event)
        return body

    @staticmethod
    def occurrences(master, start, end):
        """Starts of the series' occurrences that overlap the window [start, end)."""
        return recurrence.occurrence_starts(master, start, end)

    def view_items(self, events, window_start, window_end):
        """What a calendar view lists for ``events``: (event, occurrence start or None)
        pairs of the instances inside the window, rendered page by page (``render_item``)."""
        items = []
        exceptions = {e.id for e in self.store.events.values() if e.recurring_event_id}
        for event in events:
            if event.recurrence and (not event.deleted or self.series_deletion_as_occurrences):
                # A series lists its plain occurrences (a deleted one, their removals).
                items += [(event, when) for when in self.occurrences(event, window_start, window_end)
                          if self.occurrence_id(event, when) not in exceptions]
                continue
            if event.deleted:
                items.append((event, None))
                continue
            start, end = as_datetime(event.start), as_datetime(event.end)
            if end > window_start and start < window_end:
                items.append((event, None))
        return items

    @staticmethod
    def occurrence_id(event, occurrence_start):
        return f'{event.id}_{occurrence_start:%Y%m%dT%H%M%SZ}'

    def render_item(self, item):
        event, occurrence_start = item
        if event.deleted:
            removed = event.id if occurrence_start is None else self.occurrence_id(event, occurrence_start)
            return {'@odata.type': '#microsoft.graph.event', 'id': removed,
                    '@removed': {'reason': 'deleted'}}
        return self.render(event, occurrence_start=occurrence_start)

    # -- calendarView/delta ----------------------------------------------------------------
    def _page_size(self, request):
        prefer = request.headers.get('Prefer', '')
        for part in prefer.split(','):
            name, _, value = part.strip().partition('=')
            if name == 'odata.maxpagesize' and value.isdigit():
                return max(1, int(value))
        return self.page_size

    def delta(self, request):
        args = request.args
        delta_token, skip_token = args.get('$deltatoken'), args.get('$skiptoken')
        owner, error = self._api_call(request, incremental_list=bool(delta_token))
        if error:
            return error
        size = self._page_size(request)
        with self.lock:
            if skip_token:
                state = self.skip_tokens.get(skip_token)
                if state is None or state['owner'] != owner:
                    return self.expired_cursor_response()
            elif delta_token:
                found = self.delta_tokens.get(delta_token)
                if found is None or found['owner'] != owner:
                    return self.expired_cursor_response()
                state = self._snapshot(owner, found['seq'], found['start'], found['end'])
            else:
                if not args.get('startDateTime') or not args.get('endDateTime'):
                    return self.json({'error': {
                        'code': 'ErrorInvalidParameter',
                        'message': 'This request requires a time window specified by the query '
                                   'string parameters StartDateTime and EndDateTime.'}}, 400)
                state = self._snapshot(owner, 0, parse_iso(args['startDateTime']),
                                       parse_iso(args['endDateTime']), initial=True)
            chunk = [self.render_item(i) for i in state['items'][state['offset']:state['offset'] + size]]
            rest = state['offset'] + size
            body = {'@odata.context': f'{self.url}{GRAPH}/$metadata#Collection(event)',
                    'value': chunk}
            link = f'{self.url}{GRAPH}/me/calendarView/delta?'
            if rest < len(state['items']):
                token = secrets.token_urlsafe(16)
                self.skip_tokens[token] = dict(state, offset=rest)
                body['@odata.nextLink'] = f'{link}$skiptoken={token}'
            else:
                token = secrets.token_urlsafe(16)
                self.delta_tokens[token] = {'owner': owner, 'seq': state['seq'],
                                            'start': state['start'], 'end': state['end']}
                body['@odata.deltaLink'] = f'{link}$deltatoken={token}'
        return self.json(body)

    def _snapshot(self, owner, since, start, end, initial=False):
        with self.store.lock:
            changed = self.store.changed_since(owner, since, PRIMARY)
            seq = self.store.seq
            if initial:
                changed = [e for e in changed if not e.deleted]
            else:
                # Graph reports a deletion only of what the client could have seen: an event
                # (or a series' week) created after its last round and already deleted is
                # never listed, not even as @removed.
                changed = [e for e in changed if not e.deleted or e.created_seq <= since]
            items = self.view_items(changed, start, end)
        return {'owner': owner, 'items': items, 'offset': 0, 'seq': seq, 'start': start,
                'end': end}

    # -- events CRUD -----------------------------------------------------------------------
    def _find(self, owner, event_id):
        event = self.store.events.get(event_id)
        if event is None or event.owner != owner or event.calendar != PRIMARY or event.deleted:
            return None
        return event

    def _not_found(self):
        return self.error_body(404, 'ErrorItemNotFound',
                               'The specified object was not found in the store.')

    def get_event(self, request, event_id):
        owner, error = self._api_call(request)
        if error:
            return error
        event = self._find(owner, event_id)
        return self.json(self.render(event)) if event else self._not_found()

    def apply_body(self, body):
        fields = {}
        if 'subject' in body:
            fields['title'] = body['subject'] or ''
        if 'body' in body:
            fields['description'] = (body['body'] or {}).get('content', '')
        if 'location' in body:
            fields['location'] = (body['location'] or {}).get('displayName', '')
        if 'start' in body:
            fields['start'] = read_time(body['start'])
        if 'end' in body:
            fields['end'] = read_time(body['end'])
        if 'isAllDay' in body:
            fields['all_day'] = bool(body['isAllDay'])
        if 'sensitivity' in body:
            fields['visibility'] = {'normal': 'default'}.get(body['sensitivity'], body['sensitivity'])
        if 'attendees' in body:
            fields['attendees'] = [
                FakeAttendee(a['emailAddress']['address'].lower(),
                             a['emailAddress'].get('name', ''),
                             RESPONSES_IN.get((a.get('status') or {}).get('response'), 'needsAction'))
                for a in body['attendees'] or []]
        return fields

    def _event_call(self, request):
        """Authorize an event write and read its body: (owner, body, fields, error response)."""
        owner, error = self._api_call(request)
        if error:
            return None, None, None, error
        body = request.get_json(silent=True) or {}
        try:
            return owner, body, self.apply_body(body), None
        except (ValueError, KeyError, TypeError) as problem:
            return None, None, None, self.error_body(400, 'ErrorInvalidRequest', str(problem))

    def create_event(self, request):
        owner, body, fields, error = self._event_call(request)
        if error:
            return error
        if 'start' not in fields or 'end' not in fields:
            return self.error_body(400, 'ErrorInvalidRequest', 'Start and End are required.')
        transaction = body.get('transactionId') or ''
        with self.store.transaction():
            for existing in self.store.events.values():
                if transaction and existing.owner == owner and existing.transaction_id == transaction:
                    return self.json(self.render(existing), 201)  # a retried POST: no second event
            attendees = fields.pop('attendees', [])
            event = self.store.add_event(owner, attendees=attendees, **fields)
            event.transaction_id = transaction
            self.store.invite(event, [a.email for a in event.attendees], 'invite')
        return self.json(self.render(event), 201)

    def update_event(self, request, event_id):
        owner, _, fields, error = self._event_call(request)
        if error:
            return error
        with self.store.transaction():
            event = self._find(owner, event_id)
            if event is None:
                return self._not_found()
            before = {a.email for a in event.attendees}
            if 'attendees' in fields:
                known = {a.email: a for a in event.attendees}
                fields['attendees'] = [known.get(a.email, a) for a in fields['attendees']]
            event = self.store.edit_event(event_id, **fields)
            after = {a.email for a in event.attendees}
            self.store.invite(event, sorted(after - before), 'invite')
            self.store.invite(event, sorted(before - after), 'cancel')
            if set(fields) - {'attendees'}:
                self.store.invite(event, sorted(after & before), 'update')
        return self.json(self.render(event))

    def delete_event(self, request, event_id):
        owner, error = self._api_call(request)
        if error:
            return error
        with self.store.transaction():
            event = self._find(owner, event_id)
            if event is None:
                return self._not_found()
            self.store.delete_event(event_id)
            if event.organizer == owner:  # the organizer's delete cancels the meeting
                self.store.invite(event, [a.email for a in event.attendees], 'cancel')
        return Response(status=204)

    # -- subscriptions (push) --------------------------------------------------------------
    def create_subscription(self, request):
        owner, error = self._api_call(request)
        if error:
            return error
        body = request.get_json(silent=True) or {}
        missing = [k for k in ('changeType', 'notificationUrl', 'resource', 'expirationDateTime')
                   if not body.get(k)]
        if missing:
            return self.error_body(400, 'InvalidRequest', f'Missing {", ".join(missing)}.')
        if self.push_address_refused(body['notificationUrl']):
            # "This URL must make use of the HTTPS protocol" (subscription resource); Graph
            # answers before it sends any validation request.
            scheme = body['notificationUrl'].split(':', 1)[0]
            return self.error_body(400, 'InvalidRequest',
                                   f"NotificationUrl scheme='{scheme}' is not supported.")
        expires = parse_iso(body['expirationDateTime'])
        limit = self.now() + datetime.timedelta(minutes=MAX_SUBSCRIPTION_MINUTES)
        if expires > limit:
            return self.error_body(400, 'InvalidRequest',
                                   'Subscription expiration can only be 4230 minutes in the future.')
        if len(body.get('clientState') or '') > 128:
            return self.error_body(400, 'InvalidRequest', 'clientState is longer than 128.')
        if self.validate_subscriptions:
            token = secrets.token_urlsafe(12)
            url = body['notificationUrl']
            answer = self.deliver(url + ('&' if '?' in url else '?')
                                  + urllib.parse.urlencode({'validationToken': token}),
                                  {'Content-Type': 'text/plain; charset=utf-8'}, b'')
            if answer_text(answer) != token:
                return self.error_body(400, 'ValidationError',
                                       'Subscription validation request failed. Notification '
                                       'endpoint must respond with 200 OK to validation request.')
        sub_id = secrets.token_hex(16)
        subscription = {'owner': owner, 'url': body['notificationUrl'],
                        'client_state': body.get('clientState', ''), 'expires': expires,
                        'resource': body['resource'], 'change_type': body['changeType']}
        with self.lock:
            self.subscriptions[sub_id] = subscription
        return self.json(self._subscription_body(sub_id, subscription), 201)

    def _subscription_body(self, sub_id, subscription):
        return {'id': sub_id, 'resource': subscription['resource'],
                'changeType': subscription['change_type'],
                'clientState': subscription['client_state'],
                'notificationUrl': subscription['url'],
                'expirationDateTime': subscription['expires'].strftime('%Y-%m-%dT%H:%M:%S.0000000Z')}

    def _subscription(self, owner, sub_id):
        found = self.subscriptions.get(sub_id)
        return found if found is not None and found['owner'] == owner else None

    def _no_subscription(self):
        return self.error_body(404, 'ResourceNotFound', 'The object was not found.')

    def renew_subscription(self, request, sub_id):
        owner, error = self._api_call(request)
        if error:
            return error
        body = request.get_json(silent=True) or {}
        with self.lock:
            subscription = self._subscription(owner, sub_id)
            if subscription is None:
                return self._no_subscription()
            subscription['expires'] = parse_iso(body['expirationDateTime'])
        return self.json(self._subscription_body(sub_id, subscription))

    def delete_subscription(self, request, sub_id):
        owner, error = self._api_call(request)
        if error:
            return error
        with self.lock:
            if self._subscription(owner, sub_id) is None:
                return self._no_subscription()
            del self.subscriptions[sub_id]
        return Response(status=204)

    def _push(self, event):
        now = self.now()
        with self.lock:
            due = [(sid, s) for sid, s in self.subscriptions.items()
                   if s['owner'] == event.owner and s['expires'] > now and event.calendar == PRIMARY]
        change = 'deleted' if event.deleted else ('created' if event.created == event.updated
                                                  else 'updated')
        for sub_id, subscription in due:
            body = {'value': [{
                'subscriptionId': sub_id, 'clientState': subscription['client_state'],
                'changeType': change,
                'subscriptionExpirationDateTime': subscription['expires'].strftime(
                    '%Y-%m-%dT%H:%M:%S.0000000Z'),
                'resource': f'Users/{self.user_id(event.owner)}/Events/{event.id}',
                # As Graph sends them: the etag moves with every change of the event.
                'resourceData': {'@odata.type': '#Microsoft.Graph.Event',
                                 '@odata.id': f'Users/{self.user_id(event.owner)}/Events/{event.id}',
                                 '@odata.etag': f'W/"{event.seq}"', 'id': event.id},
                'tenantId': secrets.token_hex(4)}]}
            self.deliver(subscription['url'], {'Content-Type': 'application/json'},
                         json.dumps(body).encode())


def answer_text(answer):
    """The body of a delivery answer (requests.Response, Flask test response or a stub)."""
    if answer is None or getattr(answer, 'status_code', 200) != 200:
        return None
    text = getattr(answer, 'text', None)
    if text is None and hasattr(answer, 'get_data'):
        text = answer.get_data(as_text=True)
    return text if isinstance(text, str) else None
