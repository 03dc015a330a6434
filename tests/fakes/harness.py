"""One driver per provider for the contract suite: the provider under test plus its ground truth.

Each harness offers the same verbs (add/edit/delete an event as the user, expire cursors,
refuse a token, throttle, read invitations), so one suite runs against every provider.
"""
import datetime
import types
import urllib.parse
import uuid

from server.calendars.base import Attendee, CalendarEvent, Credentials, TransientError
from server.calendars.google.provider import GoogleProvider
from server.calendars.outlook.provider import OutlookProvider
from tests.fakes.memory_provider import MemoryCalendar, MemoryProvider

OWNER = 'rep@acme.com'


def later(hours=24):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    return now.replace(minute=0, second=0) + datetime.timedelta(hours=hours)


class FakeServerHarness:
    """Shared by the HTTP fakes: ground truth lives in ``fake.store``."""

    provider_class = None
    supports_oauth = True

    def __init__(self, fake, config, owner=OWNER):
        self.fake, self.config, self.owner = fake, config, owner
        self.refreshed = []
        self._providers = []
        self.pushes = []  # (address, headers, body) of webhook deliveries
        fake.push_sink = lambda url, headers, body: self.pushes.append((url, headers, body))
        tokens = fake.grant(owner)
        self.credentials = Credentials(tokens['access_token'], tokens['refresh_token'],
                                       scopes=tokens.get('scope', ''))

    def provider(self, page_size=2):
        provider = self.provider_class(self.credentials, self.config,
                                       on_refresh=self.refreshed.append, page_size=page_size,
                                       email=self.owner)
        self._providers.append(provider)
        return provider

    def close(self):
        for provider in self._providers:
            provider.close()

    def add(self, title='Meeting', attendees=(), **kwargs):
        return self.fake.store.add_event(self.owner, title, attendees=attendees, **kwargs).id

    def add_secondary(self, title='Team offsite', attendees=()):
        return self.fake.store.add_event(self.owner, title, attendees=attendees,
                                         calendar='secondary').id

    def edit(self, event_id, **changes):
        self.fake.store.edit_event(event_id, **changes)

    def delete(self, event_id):
        self.fake.store.delete_event(event_id)

    def exists(self, event_id):
        event = self.fake.store.events.get(event_id)
        return event is not None and not event.deleted

    def expire_cursors(self):
        raise NotImplementedError

    def invitations(self, event_id, kind='invite'):
        return sorted(i.email for i in self.fake.store.invitations_for(event_id) if i.kind == kind)

    def reject_token_once(self):
        self.fake.reject_next_calls = 1

    def revoke_access(self):
        self.fake.refresh_fails = True
        self.fake.reject_next_calls = 10

    def throttle(self, retry_after):
        self.fake.faults.retry_after = retry_after
        self.fake.faults.fail_next(*[429] * 20)

    def calls(self):
        return len(self.fake.requests_log)


class GoogleHarness(FakeServerHarness):
    name = 'google'
    provider_class = GoogleProvider

    def expire_cursors(self):
        self.fake.invalidate_sync_tokens()

    def channel_active(self, channel_id):
        return channel_id in self.fake.channels


class OutlookHarness(FakeServerHarness):
    name = 'outlook'
    provider_class = OutlookProvider

    def __init__(self, fake, config, owner=OWNER):
        super().__init__(fake, config, owner)
        # Graph checks a new subscription's address at once: answer its validation request.
        fake.push_sink = self._sink

    def _sink(self, url, headers, body):
        self.pushes.append((url, headers, body))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        if 'validationToken' in query:
            return types.SimpleNamespace(status_code=200, text=query['validationToken'][0])
        return types.SimpleNamespace(status_code=202, text='')

    def expire_cursors(self):
        self.fake.invalidate_delta_tokens()

    def channel_active(self, channel_id):
        return channel_id in self.fake.subscriptions


class MemoryHarness:
    """H3b's in-memory provider: the same verbs straight on MemoryCalendar."""

    name = 'memory'
    supports_oauth = False

    def __init__(self, owner=OWNER):
        self.owner = owner
        self.calendar = MemoryCalendar(owner=owner, page_size=2)
        self.fault = None
        self.providers = []

    def provider(self, page_size=2):
        self.calendar.page_size = page_size
        provider = MemoryProvider(self.calendar, faults=lambda operation: self.fault)
        self.providers.append(provider)
        return provider

    def close(self):
        pass

    def add(self, title='Meeting', attendees=(), start=None, end=None, **kwargs):
        start = start or later()
        event = CalendarEvent(provider_event_id=uuid.uuid4().hex, title=title, start=start,
                              end=end or start + datetime.timedelta(hours=1),
                              organizer_email=self.owner,
                              attendees=[Attendee(a) for a in attendees], **kwargs)
        return self.calendar.add(event).provider_event_id

    def add_secondary(self, title='Team offsite', attendees=()):
        return None  # the memory calendar has no second calendar

    def edit(self, event_id, **changes):
        self.calendar.edit(event_id, **changes)

    def delete(self, event_id):
        self.calendar.remove(event_id)

    def exists(self, event_id):
        return event_id in self.calendar.live()

    def expire_cursors(self):
        self.calendar.expire_cursors()

    def invitations(self, event_id, kind='invite'):
        return sorted(self.calendar.invitations_for(event_id, kind))

    def revoke_access(self):
        for provider in self.providers:
            provider.auth_expired = True

    def throttle(self, retry_after):
        self.fault = TransientError('429', retry_after=retry_after)

    def channel_active(self, channel_id):
        return channel_id in self.calendar.channels
