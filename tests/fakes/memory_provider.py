"""An in-memory CalendarProvider: one user's primary calendar held in a dict.

``MemoryCalendar`` is the ground truth (what the user sees at the provider); ``MemoryProvider``
speaks the provider interface over it, with Google-like semantics: a full pass then a sync
cursor, deletions reported as ``cancelled``, expired cursors, client-chosen event ids,
invitations recorded per attendee, and optional injected faults.
"""
import copy
import dataclasses
import datetime
import itertools
import threading
import uuid

from server.calendars.base import (Attendee, AuthExpired, CalendarEvent, CalendarProvider,
                                   ChangePage, Channel, CursorExpired, ProviderError)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class MemoryCalendar:
    """The calendar's ground truth; edits here are what the user does in the calendar."""

    def __init__(self, owner='rep@acme.com', page_size=250):
        self.owner = owner
        self.page_size = page_size
        self.events = {}  # id -> CalendarEvent (cancelled ones stay, as tombstones)
        self.seq = {}  # id -> change number
        self.invitations = []  # (event id, e-mail, 'invite' | 'update' | 'cancel')
        self.channels = {}
        self.calls = []  # operation names, in order
        self.epoch = 0  # cursors of an earlier epoch are expired (Google's 410)
        self.time_zone = ''  # the IANA zone the calendar is set to; '' = not told (B5)
        self._counter = itertools.count(1)
        self._lock = threading.RLock()

    def _touch(self, event):
        event.updated = _now()
        self.seq[event.provider_event_id] = next(self._counter)

    def add(self, event):
        """Create an event in the calendar (as the user would)."""
        with self._lock:
            event = copy.deepcopy(event)
            event.created = event.created or _now()
            self.events[event.provider_event_id] = event
            self._touch(event)
            return event

    def edit(self, event_id, **changes):
        with self._lock:
            event = self.events[event_id]
            for name, value in changes.items():
                setattr(event, name, value)
            self._touch(event)
            return event

    def remove(self, event_id):
        """Delete an event: like Google, it stays listed as ``cancelled`` for incremental sync."""
        return self.edit(event_id, status='cancelled')

    def expire_cursors(self):
        """Invalidate every sync cursor handed out so far."""
        with self._lock:
            self.epoch += 1

    def seq_max(self):
        return max(self.seq.values(), default=0)

    def live(self):
        """The events that exist now (ground truth for tests)."""
        return {i: e for i, e in self.events.items() if e.status != 'cancelled'}

    def invitations_for(self, event_id, kind='invite'):
        return [email for (eid, email, k) in self.invitations if eid == event_id and k == kind]


class MemoryProvider(CalendarProvider):
    """The provider interface over a MemoryCalendar.

    ``faults(operation)`` may return an exception to raise before (or, for 'lost' writes,
    after) the operation takes effect, so tests can lose responses the way networks do.
    """

    name = 'memory'

    def __init__(self, calendar, faults=None, auth_expired=False):
        self.calendar = calendar
        self.faults = faults or (lambda operation: None)
        self.auth_expired = auth_expired

    def _enter(self, operation):
        self.calendar.calls.append(operation)
        if self.auth_expired:
            raise AuthExpired('token revoked')
        fault = self.faults(operation)
        if fault is not None and not getattr(fault, 'after_effect', False):
            raise fault
        return fault

    @staticmethod
    def _leave(fault):
        if fault is not None:
            raise fault  # the write happened but its response is lost

    def list_changes(self, sync_cursor=None, page=None, since=None):
        fault = self._enter('list')
        with self.calendar._lock:
            # A cursor is 'epoch.change number'; a page token pins its pass:
            # 'full|inc:epoch:changes after:changes up to:offset'.
            if page is not None:
                mode, epoch, floor, ceiling, offset = page.split(':')
                full, floor, ceiling, offset = mode == 'full', int(floor), int(ceiling), int(offset)
            elif sync_cursor is not None:
                epoch, _, floor = sync_cursor.partition('.')
                full, floor, ceiling, offset = False, int(floor), self.calendar.seq_max(), 0
            else:
                full, epoch, floor, ceiling, offset = True, self.calendar.epoch, 0, \
                    self.calendar.seq_max(), 0
            if not full and int(epoch) != self.calendar.epoch:
                raise CursorExpired('sync token expired')
            changed = sorted((s, i) for i, s in self.calendar.seq.items()
                             if (full or s > floor) and s <= ceiling)
            events = [self.calendar.events[i] for _, i in changed]
            if full:
                # A full pass lists what exists, from ``since`` on; deletions need no telling.
                events = [e for e in events if e.status != 'cancelled'
                          and (since is None or e.end is None or e.end >= since)]
            chunk = [copy.deepcopy(e) for e in events[offset:offset + self.calendar.page_size]]
            if offset + len(chunk) < len(events):
                mode = 'full' if full else 'inc'
                result = ChangePage(chunk, next_page=f'{mode}:{epoch}:{floor}:{ceiling}:'
                                                     f'{offset + len(chunk)}')
            else:
                result = ChangePage(chunk, sync_cursor=f'{self.calendar.epoch}.{ceiling}')
        self._leave(fault)
        return result

    def get_event(self, event_id):
        fault = self._enter('get')
        found = self.calendar.events.get(event_id)
        self._leave(fault)
        return copy.deepcopy(found) if found is not None else None

    def _invite(self, event_id, attendees, kind):
        for attendee in attendees:
            if not attendee.is_self and attendee.email != self.calendar.owner:
                self.calendar.invitations.append((event_id, attendee.email, kind))

    def insert_event(self, event, send_updates=True):
        fault = self._enter('insert')
        with self.calendar._lock:
            event_id = event.event_id or uuid.uuid4().hex
            existing = self.calendar.events.get(event_id)
            if existing is None:
                created = self.calendar.add(CalendarEvent(
                    provider_event_id=event_id, title=event.title, description=event.description,
                    location=event.location, start=event.start, end=event.end,
                    video_link=event.video_link, organizer_email=self.calendar.owner,
                    attendees=[Attendee(self.calendar.owner, is_self=True, is_organizer=True,
                                        response_status='accepted')]
                    + [dataclasses.replace(a) for a in event.attendees],
                    html_link=f'https://calendar.example.com/event?eid={event_id}'))
                if send_updates:
                    self._invite(event_id, event.attendees, 'invite')
                existing = created
            result = copy.deepcopy(existing)
        self._leave(fault)
        return result

    def patch_event(self, event_id, event, send_updates=True):
        fault = self._enter('patch')
        with self.calendar._lock:
            current = self.calendar.events.get(event_id)
            if current is None or current.status == 'cancelled':
                raise ProviderError(f'404 event {event_id} not found')
            # Like Google's events.patch, the attendee list sent replaces the event's (the
            # calendar's own user stays): who is new is invited, who is left out is cancelled.
            known = {a.email for a in current.attendees}
            sent = {a.email for a in event.attendees}
            added = [a for a in event.attendees if a.email not in known]
            kept = [a for a in current.attendees
                    if a.email in sent or a.is_self or a.email == self.calendar.owner]
            dropped = [a for a in current.attendees if a not in kept]
            self.calendar.edit(event_id, title=event.title, description=event.description,
                               location=event.location, start=event.start, end=event.end,
                               video_link=event.video_link,
                               attendees=kept + [dataclasses.replace(a) for a in added])
            if send_updates:
                self._invite(event_id, added, 'invite')
                self._invite(event_id, dropped, 'cancel')
            result = copy.deepcopy(self.calendar.events[event_id])
        self._leave(fault)
        return result

    def delete_event(self, event_id, send_updates=True):
        fault = self._enter('delete')
        with self.calendar._lock:
            current = self.calendar.events.get(event_id)
            if current is not None and current.status != 'cancelled':
                self.calendar.remove(event_id)
                if send_updates:
                    self._invite(event_id, current.attendees, 'cancel')
        self._leave(fault)

    def time_zone(self):
        # Not recorded in ``calls``: tests that count list/insert calls stay as they were.
        return self.calendar.time_zone

    def watch(self, address, channel_id, token, ttl_seconds):
        self._enter('watch')
        channel = Channel(id=channel_id, token=token, resource_id=uuid.uuid4().hex,
                          expires_at=_now() + datetime.timedelta(seconds=ttl_seconds))
        self.calendar.channels[channel_id] = (address, channel)
        return channel

    def unwatch(self, channel):
        self._enter('unwatch')
        self.calendar.channels.pop(channel.id, None)
