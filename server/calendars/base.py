"""The provider interface and the neutral types every calendar provider speaks.

Datetimes here are naive UTC, like the database. Providers translate their own formats in
their ``parse`` module; the sync engine and rules only ever see these types.
"""
import abc
import dataclasses
import datetime
from typing import Optional


@dataclasses.dataclass
class Attendee:
    email: str  # lower-case
    display_name: str = ''
    response_status: str = 'needsAction'  # needsAction | accepted | declined | tentative
    is_organizer: bool = False
    is_self: bool = False  # the connected user themself


@dataclasses.dataclass
class CalendarEvent:
    provider_event_id: str
    status: str = 'confirmed'  # confirmed | tentative | cancelled
    title: str = ''
    description: str = ''
    location: str = ''
    start: Optional[datetime.datetime] = None
    end: Optional[datetime.datetime] = None
    all_day: bool = False
    visibility: str = 'default'  # default | public | private | confidential
    created: Optional[datetime.datetime] = None  # R4 compares this to the connection time
    updated: Optional[datetime.datetime] = None
    organizer_email: str = ''
    attendees: list = dataclasses.field(default_factory=list)
    # R13: a series master has ``recurrence``; an exception instance names its master.
    is_recurring_master: bool = False
    recurring_event_id: Optional[str] = None
    original_start: Optional[datetime.datetime] = None
    html_link: str = ''
    video_link: str = ''
    ical_uid: str = ''


@dataclasses.dataclass
class NewEvent:
    """What the CRM asks a provider to create or change (R5, B1)."""
    title: str
    start: datetime.datetime
    end: datetime.datetime
    description: str = ''
    location: str = ''
    video_link: str = ''
    attendees: list = dataclasses.field(default_factory=list)  # list[Attendee]
    # Client-chosen key (base32hex, which Google accepts as the event id; Graph takes it as
    # transactionId) so a retried insert whose response was lost returns the first event
    # instead of creating (and inviting) twice. '' lets the provider choose.
    event_id: str = ''
    # A private reminder on the user's own calendar (a task's, issue 11 §2): shown as private,
    # and it never has attendees, so no provider invites anyone.
    private: bool = False


@dataclasses.dataclass
class SeriesOccurrence:
    """A plain occurrence the provider folded into its series master (R13)."""
    occurrence_id: str
    series_id: str
    start: datetime.datetime


@dataclasses.dataclass
class SeriesPattern:
    """A series master's recurrence as the occurrences it should have (Outlook only, R13).

    ``rule`` is a dateutil ``rrule`` whose dtstart is aware, in the series' own time zone, so
    every occurrence keeps its local time across DST changes.
    """
    series_id: str
    rule: object
    duration: datetime.timedelta
    MAX_STARTS = 2000  # a year of a daily series on every weekday, five times over

    def starts(self, window_start, window_end):
        """Naive-UTC starts of the occurrences a calendar view of [window_start, window_end)
        lists (those that overlap it), or None past MAX_STARTS (nothing is concluded then)."""
        utc = datetime.timezone.utc
        after = (window_start - self.duration).replace(tzinfo=utc)
        found = []
        for when in self.rule.xafter(after, inc=False):
            when = when.astimezone(utc).replace(tzinfo=None)
            if when >= window_end:
                break
            found.append(when)
            if len(found) > self.MAX_STARTS:
                return None
        return found


@dataclasses.dataclass(frozen=True)
class CalendarView:
    """The window a page's calendar view covers; ``complete``: the page belongs to a full
    listing of that window (not a delta of changes)."""
    start: datetime.datetime
    end: datetime.datetime
    complete: bool


@dataclasses.dataclass
class ChangePage:
    """One page of changes. ``next_page`` continues this pass; ``sync_cursor`` ends it.

    Outlook only: ``occurrences`` are the plain occurrences of series the page listed: the
    sync remembers them, because Graph later reports an occurrence's deletion by its id alone.
    ``series`` are the recurrences of those series' masters and ``view`` the window the page
    lists: a calendar view never lists an occurrence deleted before the sync first saw it,
    so the sync compares what a series should have with what the pass listed (R13).
    """
    events: list
    next_page: Optional[str] = None
    sync_cursor: Optional[str] = None
    occurrences: list = dataclasses.field(default_factory=list)  # list[SeriesOccurrence]
    series: list = dataclasses.field(default_factory=list)  # list[SeriesPattern]
    view: Optional[CalendarView] = None


@dataclasses.dataclass
class Channel:
    """A push channel (Google watch) or subscription (Graph)."""
    id: str
    token: str
    resource_id: str = ''
    expires_at: Optional[datetime.datetime] = None


@dataclasses.dataclass
class Credentials:
    access_token: str
    refresh_token: str = ''
    expires_at: Optional[datetime.datetime] = None
    scopes: str = ''


class ProviderError(Exception):
    """Base class of provider failures."""


class CursorExpired(ProviderError):
    """The stored sync token / delta link is no longer valid (Google 410): resync in full."""


class AuthExpired(ProviderError):
    """Credentials were refused even after a refresh: the user must reconnect."""


class PushAddressRefused(ProviderError):
    """The provider will not push to this address: Google (push.webhookUrlNotHttps) and Graph
    (InvalidRequest "NotificationUrl scheme='http' is not supported") accept only https."""


class TransientError(ProviderError):
    """429, 5xx or a timeout: retry later, after ``retry_after`` seconds if the provider said."""

    def __init__(self, message='', retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


class CalendarProvider(abc.ABC):
    """One user's primary calendar at one provider (R2: never any other calendar)."""

    name = ''

    @abc.abstractmethod
    def list_changes(self, sync_cursor=None, page=None, since=None):
        """Return a ChangePage of events changed since ``sync_cursor`` (None: a full pass
        of events from ``since`` on), continuing at ``page`` if given."""

    @abc.abstractmethod
    def get_event(self, event_id):
        """Return the CalendarEvent or None if it does not exist."""

    @abc.abstractmethod
    def insert_event(self, event, send_updates=True):
        """Create ``event`` (a NewEvent); with send_updates the provider e-mails invitations."""

    @abc.abstractmethod
    def patch_event(self, event_id, event, send_updates=True):
        """Replace the event's fields with ``event`` (a NewEvent), inviting new attendees."""

    @abc.abstractmethod
    def delete_event(self, event_id, send_updates=True):
        """Delete (cancel) the event, telling attendees if send_updates."""

    @abc.abstractmethod
    def time_zone(self):
        """The IANA name of the zone the user's calendar is set to (B5), or '' when the
        provider does not say (a grant made before the settings scope was asked for)."""

    @abc.abstractmethod
    def watch(self, address, channel_id, token, ttl_seconds):
        """Ask for push notifications to ``address``; return a Channel."""

    @abc.abstractmethod
    def unwatch(self, channel):
        """Stop a Channel."""


class ClientBackedProvider(CalendarProvider):
    """A provider that talks through ``self.client``, which owns the (refreshed) credentials."""

    client = None

    @property
    def credentials(self):
        return self.client.credentials

    def close(self):
        self.client.close()
