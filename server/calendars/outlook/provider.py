"""Outlook (Office 365) behind the CalendarProvider interface, through Microsoft Graph.

Only the user's default calendar is read (``/me/calendarView``) and written (``/me/events``)
(R2). A calendar view lists each occurrence of a series; like Google with singleEvents=False,
this provider hands the sync the series master instead of its unchanged occurrences, while
exceptions (moved or changed occurrences) come through as their own events (R13). The page
also names those unchanged occurrences (``ChangePage.occurrences``): when the organizer deletes
one, Graph reports only its id, and the sync needs to know whose week it was.

A calendar view's delta link keeps the window of the pass that made it: followed forever, it
would never show events beyond the window's original end. So every link this provider hands
out (next page and sync cursor) carries that end in its fragment (``#windowEnd=...``, never
sent to Graph), and when less than RENEW_WHEN_AHEAD_LESS_THAN of the window is left ahead, the
pass that reaches the end of the delta goes on with a fresh full pass over a new window
instead of handing out the old delta link again. That new window starts OUTLOOK_LOOKBACK_DAYS
back, so edits and deletions of the recent past still arrive after a renewal (R9); only events
older than that stop being followed.

The fragment also carries the window's start and, for the links of a full pass, ``pass=full``:
each page tells the sync its view (``ChangePage.view``) and the recurrences of the series it
listed (``ChangePage.series``), so the sync can tell which weeks a series should have but the
view never listed: weeks deleted before the sync first saw them (R13).
"""
import datetime
import urllib.parse

from server.calendars.base import (CalendarView, ChangePage, Channel, ClientBackedProvider,
                                   CursorExpired, PushAddressRefused)
from server.calendars.outlook import parse, recurrence
from server.calendars.outlook.client import GraphClient, GraphError
from server.calendars.timeutil import parse_iso, rfc3339

PAGE_SIZE = 100
WINDOW_PAST = datetime.timedelta(days=1)  # a first pass with no connection time to start from
WINDOW_FUTURE = datetime.timedelta(days=365)
LOOKBACK = datetime.timedelta(days=90)  # how far back a renewed window starts
# A fresh window starts when less than this share of OUTLOOK_WINDOW_DAYS is left ahead.
RENEW_WHEN_AHEAD_LESS_THAN = 0.5
WINDOW_END = 'windowEnd'  # the fragment key of every link: the end of its pass's window
WINDOW_START = 'windowStart'  # ... and its start
PASS = 'pass'  # 'full' on the links of a full pass (every instance of the window is listed)
MAX_SUBSCRIPTION = datetime.timedelta(minutes=4230 - 30)  # Graph's limit, minus a margin
STALE_DELTA_CODES = {'syncStateNotFound', 'syncStateInvalid', 'resyncRequired',
                     'fullSyncRequired'}


def reach(config):
    """How far back any calendar-view window can still report a change: a window lives until
    it runs short ahead (or its sync next runs), and starts at most OUTLOOK_LOOKBACK_DAYS back
    (a first one at the connection time); its whole length plus the lookback bounds both."""
    return (datetime.timedelta(days=int(config.get('OUTLOOK_WINDOW_DAYS', WINDOW_FUTURE.days)))
            + datetime.timedelta(days=int(config.get('OUTLOOK_LOOKBACK_DAYS', LOOKBACK.days))))


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def pack_link(url, window_end, window_start=None, full=False):
    """A Graph link with its pass's window in the fragment (clients never send it)."""
    if window_end is None:
        return url
    fields = {}
    if window_start is not None:
        fields[WINDOW_START] = rfc3339(window_start)
    if full:
        fields[PASS] = 'full'
    fields[WINDOW_END] = rfc3339(window_end)
    return f'{url}#{urllib.parse.urlencode(fields)}'


def _fragment_time(fields, key):
    values = fields.get(key)
    try:
        return parse_iso(values[0]) if values else None
    except ValueError:
        return None


def unpack_link(link):
    """(the Graph link to call, its window's end or None for a link stored without one)."""
    url, fragment = urllib.parse.urldefrag(link)
    return url, _fragment_time(urllib.parse.parse_qs(fragment), WINDOW_END)


def link_view(link):
    """The CalendarView a link's pages list, or None for a link stored without its start."""
    fields = urllib.parse.parse_qs(urllib.parse.urldefrag(link)[1])
    start, end = _fragment_time(fields, WINDOW_START), _fragment_time(fields, WINDOW_END)
    if start is None or end is None:
        return None
    return CalendarView(start, end, complete=fields.get(PASS) == ['full'])


class OutlookProvider(ClientBackedProvider):
    name = 'outlook'

    def __init__(self, credentials, config, on_refresh=None, page_size=None, email='',
                 clock=None):
        self.client = GraphClient(credentials, config, on_refresh=on_refresh)
        self.page_size = page_size or int(config.get('OUTLOOK_PAGE_SIZE', PAGE_SIZE))
        self.window_future = datetime.timedelta(
            days=int(config.get('OUTLOOK_WINDOW_DAYS', WINDOW_FUTURE.days)))
        self.lookback = datetime.timedelta(
            days=int(config.get('OUTLOOK_LOOKBACK_DAYS', LOOKBACK.days)))
        self.email = (email or '').lower()
        self.clock = clock or utcnow  # naive-UTC now; tests move it to age a window

    def list_changes(self, sync_cursor=None, page=None, since=None):
        """One page of calendarView/delta: the cursor is the deltaLink, a page the nextLink,
        each with its window's end in the fragment."""
        if page or sync_cursor:
            link = page or sync_cursor
            (url, window_end), view = unpack_link(link), link_view(link)
            if view is None and window_end is not None:
                # A delta link stored before links carried their start: its window started
                # no later than its end less the window's length, so weeks before that are
                # never taken for deleted (only a few past ones go unchecked).
                view = CalendarView(window_end - self.window_future, window_end, False)
        else:
            url, window_end, view = self._new_window(since)
        try:
            body = self.client.call('GET', url, headers={
                'Prefer': f'outlook.timezone="UTC", odata.maxpagesize={self.page_size}'})
        except GraphError as error:
            if error.status == 410 or error.code in STALE_DELTA_CODES:
                raise CursorExpired(str(error)) from error
            raise
        events, occurrences, series = self._events(body.get('value', []))
        page = ChangePage(events=events, occurrences=occurrences, series=series, view=view)
        next_link, delta_link = body.get('@odata.nextLink'), body.get('@odata.deltaLink')
        start = view.start if view else None
        if next_link:
            page.next_page = pack_link(next_link, window_end, start, view and view.complete)
        elif delta_link and self._window_runs_out(window_end):
            # This delta pass reported every change up to now, deletions included (a full
            # pass could not: it only lists what exists). The same sync goes on with a full
            # pass over a new window; the engine's upsert by event id duplicates nothing.
            fresh, fresh_end, fresh_view = self._new_window(self.clock() - self.lookback)
            page.next_page = pack_link(fresh, fresh_end, fresh_view.start, full=True)
        elif delta_link:
            page.sync_cursor = pack_link(delta_link, window_end, start)
        return page

    def _new_window(self, since):
        """The first link of a full pass, its window's end and its view: from ``since`` (the
        connection time, or the lookback of a renewal) or a day ago, to OUTLOOK_WINDOW_DAYS
        ahead. The view holds the times as sent (whole seconds)."""
        now = self.clock()
        start = since or now - WINDOW_PAST
        end = max(start, now) + self.window_future
        sent = (parse_iso(rfc3339(start)), parse_iso(rfc3339(end)))
        return ('/me/calendarView/delta?' + urllib.parse.urlencode({
            'startDateTime': rfc3339(start), 'endDateTime': rfc3339(end)}), end,
            CalendarView(*sent, complete=True))

    def _window_runs_out(self, window_end):
        """True when less than RENEW_WHEN_AHEAD_LESS_THAN of the window is left ahead. A link
        stored before windows were recorded has no end: it gets a fresh window too."""
        if window_end is None:
            return True
        return window_end - self.clock() < self.window_future * RENEW_WHEN_AHEAD_LESS_THAN

    def _events(self, items):
        """(events, occurrences, series): the page's events with each plain occurrence's series
        master in its place (fetched once), those occurrences, remembered for R13, and the
        masters' recurrences."""
        events, masters, occurrences, series = [], [], [], []
        for item in items:
            if item.get('type') == 'occurrence':
                master_id = item.get('seriesMasterId')
                if master_id and master_id not in masters:
                    masters.append(master_id)
                found = parse.series_occurrence(item)
                if found is not None:
                    occurrences.append(found)
                continue
            events.append(parse.parse_event(item, self.email))
        for master_id in masters:
            item = self._get_item(master_id)
            if item is None:
                continue
            master = parse.parse_event(item, self.email)
            events.append(master)
            pattern = recurrence.series_pattern(item, master.start, master.end)
            if pattern is not None:
                series.append(pattern)
        return events, occurrences, series

    def get_event(self, event_id):
        item = self._get_item(event_id)
        return parse.parse_event(item, self.email) if item is not None else None

    def _get_item(self, event_id):
        """The event's Graph JSON, or None if it does not exist."""
        try:
            return self.client.call('GET', '/me/events/' + urllib.parse.quote(event_id, safe=''))
        except GraphError as error:
            if error.status == 404:
                return None
            raise

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

    def time_zone(self):
        """GET /me/mailboxSettings -> timeZone, which Graph gives in the format the mailbox's
        administrator chose (Windows names by default): mapped to IANA. A grant without
        MailboxSettings.Read (made before it was asked for) answers 403: the zone is unknown."""
        try:
            item = self.client.call('GET', '/me/mailboxSettings')
        except GraphError as error:
            if error.status in (403, 404):
                return ''
            raise
        zone = recurrence.time_zone(item.get('timeZone') or '')
        if zone is None:
            return ''
        return 'UTC' if zone is datetime.timezone.utc else str(zone)

    def watch(self, address, channel_id, token, ttl_seconds):
        """A Graph subscription on the user's events. Graph picks the id; ``channel_id`` is not
        used. ``token`` is the clientState every notification echoes."""
        body = {'changeType': 'created,updated,deleted', 'notificationUrl': address,
                'resource': '/me/events', 'clientState': token,
                'expirationDateTime': rfc3339(self._expiry(ttl_seconds))}
        try:
            item = self.client.call('POST', '/subscriptions', json=body)
        except GraphError as error:
            # Graph's code is a generic InvalidRequest; the address's scheme is what it refused.
            if error.status == 400 and not address.lower().startswith('https://'):
                raise PushAddressRefused(str(error)) from error
            raise
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
