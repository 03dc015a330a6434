"""The Outlook provider against the Graph fake: calendar-view delta, parsing of the fields
the rules need, series folding (R13), subscriptions, and the transport."""
import datetime
import json
import urllib.parse

import pytest

from server.calendars.base import Attendee, CalendarView, CursorExpired, NewEvent
from server.calendars.outlook import parse
from server.calendars.outlook.provider import link_view, unpack_link
from server.calendars.timeutil import parse_iso, rfc3339
from tests.fakes.harness import OutlookHarness, later
from tests.fakes.store import FakeAttendee


@pytest.fixture
def outlook(graph_fake, graph_config):
    harness = OutlookHarness(graph_fake, graph_config)
    yield harness
    harness.close()


def full(provider, **kwargs):
    events, page = [], None
    while True:
        result = provider.list_changes(page=page, **kwargs)
        events += result.events
        if not result.next_page:
            return {e.provider_event_id: e for e in events}, result.sync_cursor
        page = result.next_page


def test_delta_pages_end_in_a_delta_link_used_as_the_cursor(outlook):
    for n in range(3):
        outlook.add(f'Meeting {n}')
    provider = outlook.provider(page_size=2)
    first = provider.list_changes()
    assert first.next_page.startswith(outlook.fake.url + '/v1.0/me/calendarView/delta?$skiptoken=')
    events, cursor = full(provider)
    assert len(events) == 3
    assert cursor.startswith(outlook.fake.url + '/v1.0/me/calendarView/delta?$deltatoken=')
    window = outlook.fake.requests_log[0][2]
    assert set(window) == {'startDateTime', 'endDateTime'}


def test_removed_entries_become_cancelled_events(outlook):
    event_id = outlook.add('Doomed')
    provider = outlook.provider()
    _, cursor = full(provider)
    outlook.delete(event_id)
    events, _ = full(provider, sync_cursor=cursor)
    assert events[event_id].status == 'cancelled'


def test_a_stale_delta_answering_400_sync_state_not_found_is_cursor_expired(outlook):
    provider = outlook.provider()
    _, cursor = full(provider)
    outlook.fake.faults.fail_next(410)
    with pytest.raises(CursorExpired):
        provider.list_changes(sync_cursor=cursor)
    # Graph also answers some stale tokens with 400 and the same error code.
    outlook.fake.expired_cursor_response = lambda: outlook.fake.json(
        {'error': {'code': 'syncStateNotFound', 'message': 'stale'}}, 400)
    outlook.expire_cursors()
    with pytest.raises(CursorExpired):
        provider.list_changes(sync_cursor=cursor)


def test_r14_r15_all_day_and_private_are_parsed(outlook):
    day = later(72).date()
    all_day = outlook.add('Holiday', all_day=True, start=day)
    private = outlook.add('Doctor', visibility='private')
    events, _ = full(outlook.provider())
    assert events[all_day].all_day is True
    assert events[all_day].start == datetime.datetime(day.year, day.month, day.day)
    assert events[private].visibility == 'private'


def weekly_with_a_moved_week(outlook):
    """A four-week series whose second week was moved a day later: (first start, master id,
    moved week's id)."""
    start = later(24)
    master = outlook.add('Weekly', start=start, attendees=['ann@client.com'],
                         recurrence=['RRULE:FREQ=WEEKLY;COUNT=4'])
    moved = outlook.fake.store.add_exception(master, start + datetime.timedelta(days=7),
                                             start=start + datetime.timedelta(days=8)).id
    return start, master, moved


def test_r13_occurrences_fold_into_the_series_master_and_exceptions_stay(outlook):
    start, master, moved = weekly_with_a_moved_week(outlook)
    events, _ = full(outlook.provider(page_size=2))
    assert set(events) == {master, moved}
    assert events[master].is_recurring_master
    assert events[moved].recurring_event_id == master
    assert events[moved].original_start == start + datetime.timedelta(days=7)
    assert events[moved].start == start + datetime.timedelta(days=8)


def test_r13_each_page_names_the_plain_occurrences_it_folded_into_their_master(outlook):
    """Graph later reports an organizer's deletion of one of them by its id alone."""
    start, master, moved = weekly_with_a_moved_week(outlook)
    provider, page, named = outlook.provider(page_size=2), None, []
    while True:
        result = provider.list_changes(page=page)
        named += result.occurrences
        if not result.next_page:
            break
        page = result.next_page
    assert sorted((o.series_id, o.start) for o in named) == [
        (master, start + datetime.timedelta(days=7 * n)) for n in (0, 2, 3)]  # not the moved week
    assert moved not in {o.occurrence_id for o in named}
    assert len({o.occurrence_id for o in named}) == 3


def test_people_links_and_times(outlook):
    event_id = outlook.add('Call', organizer='boss@client.com',
                           attendees=[FakeAttendee('rep@acme.com', response='accepted'),
                                      FakeAttendee('boss@client.com', 'The Boss', 'tentative')],
                           video_link='https://teams.microsoft.com/l/meetup-join/1')
    event = full(outlook.provider())[0][event_id]
    assert event.organizer_email == 'boss@client.com'
    me, boss = event.attendees
    assert (me.is_self, me.response_status) == (True, 'accepted')
    assert (boss.display_name, boss.is_organizer, boss.response_status) == ('The Boss', True,
                                                                           'tentative')
    assert event.video_link == 'https://teams.microsoft.com/l/meetup-join/1'
    assert event.html_link.startswith(outlook.fake.url + '/owa/')
    assert event.created is not None and event.created.tzinfo is None


def test_parse_reads_graph_times_and_sensitivity():
    event = parse.parse_event({
        'id': 'AAMk1', 'type': 'singleInstance', 'subject': 'x', 'sensitivity': 'personal',
        'start': {'dateTime': '2026-12-01T10:00:00.0000000', 'timeZone': 'UTC'},
        'end': {'dateTime': '2026-12-01T10:30:00.0000000', 'timeZone': 'UTC'},
        'createdDateTime': '2026-11-20T08:00:00.1234567Z', 'isCancelled': True})
    assert event.start == datetime.datetime(2026, 12, 1, 10, 0)
    assert event.created == datetime.datetime(2026, 11, 20, 8, 0, 0, 123456)
    assert event.visibility == 'private' and event.status == 'cancelled'


def test_a_post_whose_answer_was_lost_is_not_duplicated(outlook):
    outlook.fake.faults.slow_seconds = 0.5
    outlook.config = dict(outlook.config, CALENDAR_HTTP_TIMEOUT=0.3)
    outlook.fake.faults.fail_next('lost')
    start = later(30)
    created = outlook.provider().insert_event(NewEvent(
        'Demo', start, start + datetime.timedelta(hours=1),
        attendees=[Attendee('ann@client.com')], event_id='crm0a0b0c0000077'))
    assert [e.id for e in outlook.fake.store.live_events('rep@acme.com')] == [created.provider_event_id]
    assert outlook.invitations(created.provider_event_id) == ['ann@client.com']


def test_subscription_is_validated_notifies_and_renews(outlook):
    provider = outlook.provider()
    channel = provider.watch('https://crm.example.com/webhooks/outlook', 'ignored', 'state-1',
                             7 * 24 * 3600)
    # Graph caps event subscriptions at 4230 minutes; the provider asks for no more.
    assert channel.expires_at < datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None) + datetime.timedelta(minutes=4230)
    validation_url = outlook.pushes[0][0]
    assert validation_url.startswith('https://crm.example.com/webhooks/outlook?validationToken=')
    event_id = outlook.add('New')
    url, headers, body = outlook.pushes[1]
    note = json.loads(body)['value'][0]
    assert (note['subscriptionId'], note['clientState'], note['resourceData']['id']) == (
        channel.id, 'state-1', event_id)
    renewed = provider.renew(channel, 3600)
    assert renewed.id == channel.id and renewed.expires_at < channel.expires_at


def test_a_subscription_whose_address_does_not_answer_is_refused(outlook):
    from server.calendars.outlook.client import GraphError
    outlook.fake.push_sink = lambda url, headers, body: None
    with pytest.raises(GraphError) as raised:
        outlook.provider().watch('https://crm.example.com/webhooks/outlook', 'x', 's', 3600)
    assert raised.value.status == 400


class Clock:
    """The provider's now, moved by tests to age a calendar-view window."""

    def __init__(self):
        self.now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None,
                                                                        microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, days):
        self.now += datetime.timedelta(days=days)


def windowed(outlook, days=10):
    """A provider whose calendar-view window reaches ``days`` ahead, on a clock tests move."""
    outlook.config = dict(outlook.config, OUTLOOK_WINDOW_DAYS=days)
    clock = Clock()
    provider = outlook.provider(page_size=2)
    provider.clock = clock
    return provider, clock


def delta_windows(outlook):
    """The (startDateTime, endDateTime) of every full pass Graph was asked for."""
    return [(args['startDateTime'], args['endDateTime'])
            for method, path, args in outlook.fake.requests_log
            if path.endswith('/calendarView/delta') and 'startDateTime' in args]


def test_links_carry_their_window_which_graph_never_receives(outlook):
    for n in range(3):
        outlook.add(f'Meeting {n}')
    provider, clock = windowed(outlook, days=10)
    start = rfc3339(clock.now - datetime.timedelta(days=1))
    end = rfc3339(clock.now + datetime.timedelta(days=10))
    first = provider.list_changes()
    assert first.next_page.endswith('#' + urllib.parse.urlencode(
        {'windowStart': start, 'pass': 'full', 'windowEnd': end}))
    assert first.view == CalendarView(parse_iso(start), parse_iso(end), complete=True)
    events, cursor = full(provider)
    assert len(events) == 3
    assert unpack_link(cursor) == (cursor.partition('#')[0], parse_iso(end))
    assert link_view(cursor) == CalendarView(parse_iso(start), parse_iso(end), complete=False)
    full(provider, sync_cursor=cursor)
    for _, _, args in outlook.fake.requests_log:
        assert not any('window' in key or 'window' in value for key, value in args.items())
    assert len(delta_windows(outlook)) == 2  # the two full passes; the delta link was followed


def test_a_delta_link_is_followed_while_enough_of_its_window_is_ahead(outlook):
    provider, clock = windowed(outlook, days=10)
    _, cursor = full(provider)
    clock.advance(4)  # 6 of 10 days left ahead
    moved = outlook.add('Added later')
    events, next_cursor = full(provider, sync_cursor=cursor)
    assert set(events) == {moved}
    assert len(delta_windows(outlook)) == 1
    assert unpack_link(next_cursor)[1] == unpack_link(cursor)[1]  # the same window


def test_a_window_running_out_is_renewed_after_the_last_delta_without_losing_deletions(outlook):
    """Graph's delta link keeps its first window: a year on, events beyond its end would never
    be seen. With under half the window ahead, the delta is followed once more (a full pass
    cannot report deletions) and the same sync goes on with a full pass over a new window."""
    provider, clock = windowed(outlook, days=10)
    near = outlook.add('Near', start=later(24 * 7))
    doomed = outlook.add('Doomed', start=later(24 * 7))
    far = outlook.add('Far', start=later(24 * 14))  # beyond the first window's end
    events, cursor = full(provider)
    assert set(events) == {near, doomed}
    outlook.delete(doomed)
    clock.advance(6)  # 4 of 10 days left ahead: less than half
    first = provider.list_changes(sync_cursor=cursor)
    assert [e.status for e in first.events] == ['cancelled']  # the deletion, from the delta
    assert first.sync_cursor is None and first.next_page  # ... then a new full pass
    events, new_cursor = full(provider, sync_cursor=cursor)
    assert {i: e.title for i, e in events.items() if e.status != 'cancelled'} == {
        near: 'Near', far: 'Far'}
    assert unpack_link(new_cursor)[1] == clock.now + datetime.timedelta(days=10)
    start, end = delta_windows(outlook)[-1]
    # It starts OUTLOOK_LOOKBACK_DAYS back: the recent past's edits still arrive (R9).
    assert (parse_iso(start), parse_iso(end)) == (clock.now - datetime.timedelta(days=90),
                                                  clock.now + datetime.timedelta(days=10))
    # The new delta link is followed again until its own window runs short.
    runs = len(delta_windows(outlook))
    full(provider, sync_cursor=new_cursor)
    assert len(delta_windows(outlook)) == runs


def test_a_cursor_stored_without_a_window_still_works_and_gets_one(outlook):
    """Delta links stored before windows were recorded: their changes are read, then a new
    window starts, since how much of the old one is left is unknown."""
    provider, clock = windowed(outlook, days=10)
    _, cursor = full(provider)
    old_cursor = cursor.partition('#')[0]
    edited = outlook.add('Added after the old cursor')
    events, new_cursor = full(provider, sync_cursor=old_cursor)
    assert edited in events
    assert unpack_link(new_cursor)[1] == clock.now + datetime.timedelta(days=10)
