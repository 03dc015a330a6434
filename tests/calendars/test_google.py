"""The Google provider against the Google fake: parsing of every field the rules need, the
transport (endpoint from config, token refresh, retries) and push channels."""
import datetime

import pytest

from server.calendars.base import Credentials, TransientError
from server.calendars.google import parse
from server.calendars.google.provider import GoogleProvider
from tests.fakes.harness import GoogleHarness, later
from tests.fakes.store import FakeAttendee


@pytest.fixture
def google(google_fake, google_config):
    harness = GoogleHarness(google_fake, google_config)
    yield harness
    harness.close()


def listed(provider, **kwargs):
    result = provider.list_changes(**kwargs)
    return {e.provider_event_id: e for e in result.events}


def test_api_endpoint_from_config_receives_every_call(google):
    provider = google.provider()
    assert provider.client.service._baseUrl == google.config['GOOGLE_CALENDAR_API_ENDPOINT']
    provider.list_changes()
    provider.get_event('abcdef0123')
    assert [path for _, path, _ in google.fake.requests_log] == [
        '/calendar/v3/calendars/primary/events',
        '/calendar/v3/calendars/primary/events/abcdef0123']


def test_r14_all_day_events_are_parsed_as_all_day(google):
    day = later(72).date()
    event_id = google.add('Holiday', all_day=True, start=day)
    event = listed(google.provider())[event_id]
    assert event.all_day is True
    assert event.start == datetime.datetime(day.year, day.month, day.day)
    assert event.end == event.start + datetime.timedelta(days=1)


def test_r15_private_visibility_is_parsed(google):
    event_id = google.add('Doctor', visibility='private')
    assert listed(google.provider())[event_id].visibility == 'private'


def test_r13_series_master_and_changed_or_cancelled_occurrences(google):
    start = later(24)
    master = google.add('Weekly', start=start, attendees=['ann@client.com'],
                        recurrence=['RRULE:FREQ=WEEKLY;COUNT=5'])
    store = google.fake.store
    moved = store.add_exception(master, start + datetime.timedelta(days=7),
                                start=start + datetime.timedelta(days=8)).id
    cancelled = store.add_exception(master, start + datetime.timedelta(days=14), cancelled=True).id
    events = listed(google.provider(page_size=10))
    assert events[master].is_recurring_master and events[master].recurring_event_id is None
    assert events[moved].recurring_event_id == master
    assert events[moved].original_start == start + datetime.timedelta(days=7)
    assert events[moved].start == start + datetime.timedelta(days=8)
    assert events[cancelled].status == 'cancelled'
    assert events[cancelled].recurring_event_id == master
    assert events[cancelled].original_start == start + datetime.timedelta(days=14)


def test_people_links_and_times(google):
    event_id = google.add('Call', organizer='boss@client.com',
                          attendees=[FakeAttendee('rep@acme.com', response='accepted'),
                                     FakeAttendee('Boss@Client.com', 'The Boss', 'tentative')],
                          video_link='https://meet.google.com/abc-defg-hij')
    event = listed(google.provider())[event_id]
    assert event.organizer_email == 'boss@client.com'
    me, boss = event.attendees
    assert (me.email, me.is_self, me.response_status) == ('rep@acme.com', True, 'accepted')
    assert (boss.email, boss.display_name, boss.is_organizer) == ('boss@client.com', 'The Boss', True)
    assert boss.response_status == 'tentative'
    assert event.video_link == 'https://meet.google.com/abc-defg-hij'
    assert event.html_link.endswith('eid=' + event_id)
    assert event.created is not None and event.created.tzinfo is None
    assert event.updated >= event.created


def test_parse_turns_offsets_into_naive_utc():
    event = parse.parse_event({
        'id': 'abc01', 'status': 'confirmed', 'summary': 'x',
        'start': {'dateTime': '2026-12-01T10:00:00+01:00'},
        'end': {'dateTime': '2026-12-01T11:30:00-05:00'},
        'created': '2026-11-20T08:00:00.123Z', 'updated': '2026-11-21T08:00:00Z',
        'location': 'https://zoom.us/j/123', 'visibility': 'private'})
    assert event.start == datetime.datetime(2026, 12, 1, 9, 0)
    assert event.end == datetime.datetime(2026, 12, 1, 16, 30)
    assert event.created == datetime.datetime(2026, 11, 20, 8, 0, 0, 123000)
    assert event.video_link == 'https://zoom.us/j/123'


def test_a_video_link_round_trips_through_insert(google):
    from server.calendars.base import NewEvent
    start = later(30)
    created = google.provider().insert_event(NewEvent(
        'Demo', start, start + datetime.timedelta(hours=1), video_link='https://zoom.us/j/42'))
    assert created.video_link == 'https://zoom.us/j/42'


def test_full_pass_since_skips_events_that_ended_before(google):
    old = google.add('Last month', start=later(-24 * 30))
    new = google.add('Next week', start=later(24 * 7))
    events = listed(google.provider(), since=later(-1))
    assert new in events and old not in events


def quick_timeouts(google):
    """A provider with a 0.3 s HTTP timeout, against a fake whose slow answers take 0.5 s."""
    google.fake.faults.slow_seconds = 0.5
    google.config = dict(google.config, CALENDAR_HTTP_TIMEOUT=0.3, CALENDAR_RETRY_ATTEMPTS=4)
    return google.provider()


def test_transient_failures_are_retried_until_success(google):
    google.add('Survivor')
    google.fake.faults.retry_after = 0
    google.fake.faults.fail_next(429, 500, 'timeout')
    provider = quick_timeouts(google)
    assert [e.title for e in listed(provider).values()] == ['Survivor']
    assert google.fake.faults.injected == {429: 1, 500: 1, 'timeout': 1}


def test_persistent_timeouts_raise_transient_error(google):
    google.fake.faults.fail_next(*['timeout'] * 4)
    with pytest.raises(TransientError) as raised:
        quick_timeouts(google).list_changes()
    assert raised.value.retry_after is None
    assert google.fake.faults.injected['timeout'] == 4


def test_an_insert_whose_answer_was_lost_is_not_duplicated(google):
    from server.calendars.base import Attendee, NewEvent
    google.fake.faults.fail_next('lost')
    start = later(30)
    created = quick_timeouts(google).insert_event(NewEvent(
        'Demo', start, start + datetime.timedelta(hours=1), attendees=[Attendee('ann@client.com')]))
    assert [e.id for e in google.fake.store.live_events('rep@acme.com')] == [created.provider_event_id]
    assert google.invitations(created.provider_event_id) == ['ann@client.com']
    assert [m for m, p, _ in google.fake.requests_log] == ['POST', 'POST', 'GET']


def test_issue8_a_watch_whose_answer_was_lost_opens_a_channel_it_can_keep(google):
    """The retry of a lost watch meets channelIdNotUnique: the product must still end with a
    channel whose id and resource it knows (before: the retry's 400 failed the renewal)."""
    google.fake.faults.fail_next('lost')
    channel = quick_timeouts(google).watch('https://crm.example.com/webhooks/google', 'chan-1',
                                           'tok-1', 600)
    assert channel.id != 'chan-1' and channel.resource_id
    assert google.fake.channels[channel.id]['resource_id'] == channel.resource_id
    assert set(google.fake.channels) == {'chan-1', channel.id}  # the orphan expires on its own
    assert [m for m, p, _ in google.fake.requests_log if p.endswith('/watch')] == ['POST'] * 3


def test_an_expired_token_is_refreshed_before_the_call_and_reported(google):
    google.fake.expire_access_tokens()
    past = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=1)
    credentials = Credentials(google.credentials.access_token, google.credentials.refresh_token,
                              expires_at=past)
    provider = GoogleProvider(credentials, google.config, on_refresh=google.refreshed.append)
    try:
        provider.list_changes()
    finally:
        provider.close()
    assert len(google.refreshed) == 1
    assert google.refreshed[0].expires_at > past
    assert provider.credentials.access_token == google.refreshed[0].access_token


def test_watch_pushes_sync_then_changes_to_the_address(google):
    channel = google.provider().watch('https://crm.example.com/webhooks/google', 'chan42',
                                      'tok42', 600)
    google.add('New')
    states = [(url, h['X-Goog-Resource-State'], h['X-Goog-Channel-Token'], h['X-Goog-Channel-ID'])
              for url, h, _ in google.pushes]
    assert states == [('https://crm.example.com/webhooks/google', 'sync', 'tok42', 'chan42'),
                      ('https://crm.example.com/webhooks/google', 'exists', 'tok42', 'chan42')]
    assert google.pushes[0][1]['X-Goog-Resource-ID'] == channel.resource_id
