"""Google Calendar behind the CalendarProvider interface; only the primary calendar (R2)."""
import datetime
import uuid

from server.calendars.base import (ChangePage, Channel, ClientBackedProvider, CursorExpired,
                                   PushAddressRefused)
from server.calendars.google import parse
from server.calendars.google.client import GoogleClient, HttpStatusError
from server.calendars.timeutil import rfc3339

CALENDAR_ID = 'primary'  # R2: never any other calendar of the user
PAGE_SIZE = 250


class GoogleProvider(ClientBackedProvider):
    name = 'google'

    def __init__(self, credentials, config, on_refresh=None, page_size=None, email=''):
        self.client = GoogleClient(credentials, config, on_refresh=on_refresh)
        self.events = self.client.service.events()
        self.page_size = page_size or int(config.get('GOOGLE_PAGE_SIZE', PAGE_SIZE))
        self.email = email

    def list_changes(self, sync_cursor=None, page=None, since=None):
        """One page of events.list; a sync token Google no longer knows raises CursorExpired."""
        params = {'calendarId': CALENDAR_ID, 'showDeleted': True, 'singleEvents': False,
                  'maxResults': self.page_size}
        if sync_cursor:
            params['syncToken'] = sync_cursor
        elif since is not None:
            params['timeMin'] = rfc3339(since)  # Google compares it to each event's end
        if page:
            params['pageToken'] = page
        try:
            body = self.client.execute(self.events.list(**params))
        except HttpStatusError as error:
            if error.status == 410:
                raise CursorExpired(str(error)) from error
            raise
        return ChangePage(events=[parse.parse_event(item) for item in body.get('items', [])],
                          next_page=body.get('nextPageToken'),
                          sync_cursor=body.get('nextSyncToken'))

    def get_event(self, event_id):
        try:
            item = self.client.execute(self.events.get(calendarId=CALENDAR_ID, eventId=event_id))
        except HttpStatusError as error:
            if error.status in (404, 410):
                return None
            raise
        return parse.parse_event(item)

    def insert_event(self, event, send_updates=True):
        """Insert with a client-chosen id, so a retry after a lost response finds the first
        insert (409) instead of creating and inviting twice."""
        body = dict(parse.event_body(event), id=event.event_id or uuid.uuid4().hex)
        try:
            item = self.client.execute(self.events.insert(
                calendarId=CALENDAR_ID, body=body, sendUpdates=self._send(send_updates)))
        except HttpStatusError as error:
            if error.status != 409:
                raise
            existing = self.get_event(body['id'])
            if existing is None:
                raise
            return existing
        return parse.parse_event(item)

    def patch_event(self, event_id, event, send_updates=True):
        item = self.client.execute(self.events.patch(
            calendarId=CALENDAR_ID, eventId=event_id, body=parse.event_body(event),
            sendUpdates=self._send(send_updates)))
        return parse.parse_event(item)

    def delete_event(self, event_id, send_updates=True):
        """Delete; an event that is already gone counts as deleted (a retry is harmless)."""
        try:
            self.client.execute(self.events.delete(
                calendarId=CALENDAR_ID, eventId=event_id, sendUpdates=self._send(send_updates)))
        except HttpStatusError as error:
            if error.status not in (404, 410):
                raise

    def time_zone(self):
        """settings.get('timezone'): the zone the user set in Google Calendar (an IANA name).
        A grant without the calendar.settings.readonly scope (made before it was asked for)
        answers 403: the zone is then unknown, which must not fail the sync."""
        try:
            item = self.client.execute(self.client.service.settings().get(setting='timezone'))
        except HttpStatusError as error:
            if error.status in (403, 404):
                return ''
            raise
        return item.get('value') or ''

    def watch(self, address, channel_id, token, ttl_seconds):
        body = {'id': channel_id, 'type': 'web_hook', 'address': address, 'token': token,
                'params': {'ttl': str(int(ttl_seconds))}}
        try:
            item = self._open_channel(body)
        except HttpStatusError as error:
            if error.status != 400 or error.reason != 'channelIdNotUnique':
                raise
            # A retried watch whose first answer was lost: that channel exists, but without
            # its resourceId it can neither be kept nor stopped. Open another under a fresh
            # id; the orphan's notifications name a channel we don't hold (ignored) and it
            # expires after its TTL.
            item = self._open_channel(dict(body, id=uuid.uuid4().hex))
        expires = None
        if item.get('expiration'):
            expires = datetime.datetime.fromtimestamp(
                int(item['expiration']) / 1000, datetime.timezone.utc).replace(tzinfo=None)
        return Channel(id=item['id'], token=item.get('token', token),
                       resource_id=item.get('resourceId', ''), expires_at=expires)

    def _open_channel(self, body):
        try:
            return self.client.execute(self.events.watch(calendarId=CALENDAR_ID, body=body))
        except HttpStatusError as error:
            if error.status == 400 and error.reason == 'webhookUrlNotHttps':
                raise PushAddressRefused(str(error)) from error
            raise

    def unwatch(self, channel):
        """Stop the channel; one Google no longer knows is already stopped."""
        try:
            self.client.execute(self.client.service.channels().stop(
                body={'id': channel.id, 'resourceId': channel.resource_id}))
        except HttpStatusError as error:
            if error.status != 404:
                raise

    @staticmethod
    def _send(send_updates):
        return 'all' if send_updates else 'none'
