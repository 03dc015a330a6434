"""The ground truth behind the provider fakes: users' calendars held in memory.

Tests change a calendar "as the user did in Google/Outlook" through this API, and compare the
CRM with ``live_events``. Every change bumps one global sequence number, which is what the fakes'
sync tokens / delta links remember, so a cursor returns exactly the changes made after it.
"""
import contextlib
import dataclasses
import datetime
import secrets
import threading
from typing import Optional

PRIMARY = 'primary'
SECONDARY = 'secondary'  # R2: a second calendar of the same user, never to be synced


def people(attendees):
    """FakeAttendees (lower-case e-mails) from e-mails or FakeAttendees."""
    return [FakeAttendee(a.email.lower(), a.name, a.response) if isinstance(a, FakeAttendee)
            else FakeAttendee(a.lower()) for a in attendees]


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


@dataclasses.dataclass
class FakeAttendee:
    email: str
    name: str = ''
    response: str = 'needsAction'  # needsAction | accepted | declined | tentative


@dataclasses.dataclass
class FakeEvent:
    id: str
    owner: str  # the e-mail of the user whose calendar holds it
    calendar: str = PRIMARY
    title: str = ''
    description: str = ''
    location: str = ''
    start: Optional[datetime.datetime] = None  # naive UTC, or a date for all-day events
    end: Optional[datetime.datetime] = None
    all_day: bool = False
    visibility: str = 'default'
    organizer: str = ''
    attendees: list = dataclasses.field(default_factory=list)
    # A series master holds ``recurrence`` (RRULE strings); an exception names its master.
    recurrence: list = dataclasses.field(default_factory=list)
    # The IANA zone a series recurs in: its occurrences keep their local time across DST.
    time_zone: str = 'UTC'
    recurring_event_id: Optional[str] = None
    original_start: Optional[datetime.datetime] = None
    video_link: str = ''
    status: str = 'confirmed'  # confirmed | cancelled (deleted)
    created: datetime.datetime = dataclasses.field(default_factory=utcnow)
    updated: datetime.datetime = dataclasses.field(default_factory=utcnow)
    seq: int = 0
    created_seq: int = 0  # the change that created it: what a delta client can have seen
    transaction_id: str = ''  # Graph's client-supplied idempotency key

    @property
    def deleted(self):
        return self.status == 'cancelled'


@dataclasses.dataclass
class Invitation:
    """An e-mail the provider sent because the client asked for sendUpdates."""
    event_id: str
    email: str
    kind: str  # invite | update | cancel


class CalendarStore:
    """Thread-safe in-memory calendars of any number of users."""

    def __init__(self):
        self.lock = threading.RLock()
        self.events = {}  # id -> FakeEvent
        self.seq = 0
        self.invitations = []
        self.clock = utcnow  # tests may pin time
        # Each user's own time zone (IANA) as set in their calendar's settings (B5); a user
        # never set here is in UTC, as a new Google or Outlook account is by default.
        self.time_zones = {}
        self.listeners = []  # callables(event) run after each ground-truth change (push)

        self._depth = 0
        self._pending = []

    @contextlib.contextmanager
    def transaction(self):
        """Hold the lock across several steps; listeners run only once it is released."""
        with self.lock:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                pending, self._pending = (self._pending, []) if not self._depth else ([], self._pending)
        for event in pending:
            self._notify(event)

    def _notify(self, event):
        # Outside the lock: a listener may POST a webhook whose handler calls the fake back.
        with self.lock:
            if self._depth:
                self._pending.append(event)
                return event
        for listener in list(self.listeners):
            listener(event)
        return event

    # -- internals shared by the protocol front-ends ---------------------------------------
    def _touch(self, event):
        self.seq += 1
        event.seq = self.seq
        event.updated = self.clock()

    def new_id(self):
        # Google ids use base32hex characters (a-v, 0-9); these fit Graph's opaque ids too.
        return secrets.token_hex(12)

    def changed_since(self, owner, seq, calendar=PRIMARY):
        with self.lock:
            return sorted((e for e in self.events.values()
                           if e.owner == owner and e.calendar == calendar and e.seq > seq),
                          key=lambda e: e.seq)

    def invite(self, event, emails, kind):
        for email in emails:
            if email.lower() != event.owner:
                self.invitations.append(Invitation(event.id, email.lower(), kind))

    # -- the ground-truth API: what "the user did in the calendar" -------------------------
    def add_event(self, owner, title='Meeting', start=None, end=None, attendees=(), organizer=None,
                  all_day=False, visibility='default', description='', location='',
                  recurrence=None, calendar=PRIMARY, video_link='', event_id=None,
                  time_zone='UTC'):
        """Create an event as the user would in the calendar's own UI; return it."""
        owner = owner.lower()
        start = start or (self.clock() + datetime.timedelta(days=1)).replace(minute=0, second=0)
        if all_day and isinstance(start, datetime.datetime):
            start = start.date()
        if end is None:
            end = start + (datetime.timedelta(days=1) if all_day else datetime.timedelta(hours=1))
        with self.lock:
            event = FakeEvent(id=event_id or self.new_id(), owner=owner, calendar=calendar,
                              title=title, description=description, location=location,
                              start=start, end=end, all_day=all_day, visibility=visibility,
                              organizer=(organizer or owner).lower(), attendees=people(attendees),
                              recurrence=list(recurrence or []), video_link=video_link,
                              created=self.clock(), time_zone=time_zone)
            self._touch(event)
            event.created_seq = event.seq
            self.events[event.id] = event
        return self._notify(event)

    def edit_event(self, event_id, **changes):
        """Change fields of an event (title=, start=, attendees=[emails], visibility=...)."""
        with self.lock:
            event = self.events[event_id]
            if 'attendees' in changes:
                changes['attendees'] = people(changes['attendees'])
            for name, value in changes.items():
                if not hasattr(event, name):
                    raise AttributeError(name)
                setattr(event, name, value)
            self._touch(event)
        return self._notify(event)

    def make_private(self, event_id):
        return self.edit_event(event_id, visibility='private')

    def respond(self, event_id, email, response):
        """An attendee answers the invitation (accepted | declined | tentative)."""
        with self.lock:
            event = self.events[event_id]
            for attendee in event.attendees:
                if attendee.email == email.lower():
                    attendee.response = response
            self._touch(event)
        return self._notify(event)

    def delete_event(self, event_id):
        """Delete (cancel) an event; a master's exceptions go with it."""
        with self.lock:
            event = self.events[event_id]
            event.status = 'cancelled'
            self._touch(event)
            for other in self.events.values():
                if other.recurring_event_id == event_id and not other.deleted:
                    other.status = 'cancelled'
                    self._touch(other)
        return self._notify(event)

    def add_exception(self, master_id, original_start, cancelled=False, **changes):
        """Change (or cancel) one occurrence of a series: it becomes its own instance (R13)."""
        with self.lock:
            master = self.events[master_id]
            instance_id = f'{master_id}_{original_start:%Y%m%dT%H%M%SZ}'
            duration = master.end - master.start
            event = FakeEvent(
                id=instance_id, owner=master.owner, calendar=master.calendar,
                title=master.title, description=master.description, location=master.location,
                start=original_start, end=original_start + duration, visibility=master.visibility,
                organizer=master.organizer,
                attendees=[dataclasses.replace(a) for a in master.attendees],
                recurring_event_id=master_id, original_start=original_start,
                video_link=master.video_link, created=master.created,
                time_zone=master.time_zone, created_seq=master.created_seq)
            if 'attendees' in changes:
                changes['attendees'] = people(changes['attendees'])
            for name, value in changes.items():
                setattr(event, name, value)
            if cancelled:
                event.status = 'cancelled'
            self._touch(event)
            self.events[instance_id] = event
        return self._notify(event)

    # -- what tests compare against -------------------------------------------------------
    def set_time_zone(self, owner, zone):
        """The user changes their calendar's time zone (an IANA name), as in its settings."""
        with self.lock:
            self.time_zones[owner.lower()] = zone

    def time_zone_of(self, owner):
        with self.lock:
            return self.time_zones.get(owner.lower(), 'UTC')

    def live_events(self, owner, calendar=PRIMARY):
        """The events the user currently has (not deleted) in one calendar."""
        with self.lock:
            return [e for e in self.events.values()
                    if e.owner == owner.lower() and e.calendar == calendar and not e.deleted]

    def invitations_for(self, event_id):
        with self.lock:
            return [i for i in self.invitations if i.event_id == event_id]
