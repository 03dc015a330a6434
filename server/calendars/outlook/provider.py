"""Outlook (Office 365) behind the CalendarProvider interface, through Microsoft Graph.

Only the user's default calendar is read (``/me/calendarView``) and written (``/me/events``)
(R2). A calendar view lists each occurrence of a series; like Google with singleEvents=False,
this provider hands the sync the series master instead of its unchanged occurrences, while
exceptions (moved or changed occurrences) come through as their own events (R13).
"""
import datetime
import urllib.parse

from server.calendars.base import ChangePage, Channel, ClientBackedProvider, CursorExpired
from server.calendars.outlook import parse
from server.calendars.outlook.client import GraphClient, GraphError
from server.calendars.timeutil import parse_iso, rfc3339

PAGE_SIZE = 100
WINDOW_PAST = datetime.timedelta(days=1)
WINDOW_FUTURE = datetime.timedelta(days=365)
MAX_SUBSCRIPTION = datetime.timedelta(minutes=4230 - 30)  # Graph's limit, minus a margin
STALE_DELTA_CODES = {'syncStateNotFound', 'syncStateInvalid', 'resyncRequired',
                     'fullSyncRequired'}


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class OutlookProvider(ClientBackedProvider):
    name = 'outlook'

    def __init__(self, credentials, config, on_refresh=None, page_size=None, email=''):
        self.client = GraphClient(credentials, config, on_refresh=on_refresh)
        self.page_size = page_size or int(config.get('OUTLOOK_PAGE_SIZE', PAGE_SIZE))
        self.window_future = datetime.timedelta(
            days=int(config.get('OUTLOOK_WINDOW_DAYS', WINDOW_FUTURE.days)))
        self.email = (email or '').lower()

    def list_changes(self, sync_cursor=None, page=None, since=None):
        """One page of calendarView/delta: the cursor is the deltaLink, a page the nextLink."""
        if page:
            url = page
        elif sync_cursor:
            url = sync_cursor
        else:
            start = since or utcnow() - WINDOW_PAST
            url = '/me/calendarView/delta?' + urllib.parse.urlencode({
                'startDateTime': rfc3339(start),
                'endDateTime': rfc3339(max(start, utcnow()) + self.window_future)})
        try:
            body = self.client.call('GET', url, headers={
                'Prefer': f'outlook.timezone="UTC", odata.maxpagesize={self.page_size}'})
        except GraphError as error:
            if error.status == 410 or error.code in STALE_DELTA_CODES:
                raise CursorExpired(str(error)) from error
            raise
        return ChangePage(events=self._events(body.get('value', [])),
                          next_page=body.get('@odata.nextLink'),
                          sync_cursor=body.get('@odata.deltaLink'))

    def _events(self, items):
        events, masters = [], []
        for item in items:
            if item.get('type') == 'occurrence':
                master_id = item.get('seriesMasterId')
                if master_id and master_id not in masters:
                    masters.append(master_id)
                continue
            events.append(parse.parse_event(item, self.email))
        for master_id in masters:
            master = self.get_event(master_id)
            if master is not None:
                events.append(master)
        return events

    def get_event(self, event_id):
        try:
            item = self.client.call('GET', '/me/events/' + urllib.parse.quote(event_id, safe=''))
        except GraphError as error:
            if error.status == 404:
                return None
            raise
        return parse.parse_event(item, self.email)

    def insert_event(self, event, send_updates=True):
        """POST /me/events; Graph e-mails the invitations itself. ``event_id`` becomes the
        transactionId, so a retried POST returns the first event instead of a second one.
        Graph cannot create a meeting without inviting: send_updates=False is not honoured."""
        body = parse.event_body(event)
        if event.event_id:
            body['transactionId'] = event.event_id
        return parse.parse_event(self.client.call('POST', '/me/events', json=body), self.email)

    def patch_event(self, event_id, event, send_updates=True):
        item = self.client.call('PATCH', '/me/events/' + urllib.parse.quote(event_id, safe=''),
                                json=parse.event_body(event))
        return parse.parse_event(item, self.email)

    def delete_event(self, event_id, send_updates=True):
        """DELETE; the organizer's delete sends cancellations. Already gone counts as done."""
        try:
            self.client.call('DELETE', '/me/events/' + urllib.parse.quote(event_id, safe=''))
        except GraphError as error:
            if error.status != 404:
                raise

    def watch(self, address, channel_id, token, ttl_seconds):
        """A Graph subscription on the user's events. Graph picks the id; ``channel_id`` is not
        used. ``token`` is the clientState every notification echoes."""
        body = {'changeType': 'created,updated,deleted', 'notificationUrl': address,
                'resource': '/me/events', 'clientState': token,
                'expirationDateTime': rfc3339(self._expiry(ttl_seconds))}
        item = self.client.call('POST', '/subscriptions', json=body)
        return self._channel(item, token)

    def renew(self, channel, ttl_seconds):
        """Extend a subscription (PATCH); Google has no equivalent, so this is Graph-only."""
        item = self.client.call('PATCH', '/subscriptions/' + channel.id,
                                json={'expirationDateTime': rfc3339(self._expiry(ttl_seconds))})
        return self._channel(item, channel.token)

    def unwatch(self, channel):
        try:
            self.client.call('DELETE', '/subscriptions/' + channel.id)
        except GraphError as error:
            if error.status != 404:
                raise

    @staticmethod
    def _expiry(ttl_seconds):
        return utcnow() + min(datetime.timedelta(seconds=ttl_seconds), MAX_SUBSCRIPTION)

    @staticmethod
    def _channel(item, token):
        return Channel(id=item['id'], token=item.get('clientState') or token,
                       resource_id=item.get('resource', ''),
                       expires_at=parse_iso(item.get('expirationDateTime')))
