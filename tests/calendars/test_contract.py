"""One contract every calendar provider passes: Google (googleapiclient against the Google
fake), Outlook (authlib against the Graph fake) and the in-memory provider of the sync tests."""
import datetime

import pytest

from server.calendars.base import (Attendee, AuthExpired, CalendarEvent, Channel, CursorExpired,
                                   NewEvent, TransientError)
from tests.fakes.harness import GoogleHarness, MemoryHarness, OutlookHarness, later

PROVIDERS = ['google', 'outlook', 'memory']


@pytest.fixture(params=PROVIDERS)
def harness(request):
    if request.param == 'google':
        made = GoogleHarness(request.getfixturevalue('google_fake'),
                             request.getfixturevalue('google_config'))
    elif request.param == 'outlook':
        made = OutlookHarness(request.getfixturevalue('graph_fake'),
                              request.getfixturevalue('graph_config'))
    else:
        made = MemoryHarness()
    yield made
    made.close()


def full_pass(provider, since=None):
    """Follow next_page to the end; return (events, pages, sync cursor)."""
    events, pages, page = [], 0, None
    while True:
        result = provider.list_changes(page=page, since=since)
        events += result.events
        pages += 1
        if result.next_page is None:
            assert result.sync_cursor, 'the last page of a pass carries the sync cursor'
            return events, pages, result.sync_cursor
        assert result.sync_cursor is None
        page = result.next_page


def changes(provider, cursor):
    events, page = [], None
    while True:
        result = provider.list_changes(sync_cursor=cursor, page=page)
        events += result.events
        if result.next_page is None:
            return events, result.sync_cursor
        page = result.next_page


def new_event(title='Demo', attendees=('ann@client.com',), **kwargs):
    start = later(48)
    return NewEvent(title=title, start=start, end=start + datetime.timedelta(minutes=30),
                    attendees=[Attendee(a) for a in attendees], **kwargs)


def live(events):
    return {e.provider_event_id: e for e in events if e.status != 'cancelled'}


def test_full_pass_pages_through_every_event(harness):
    ids = {harness.add(f'Meeting {n}', attendees=['ann@client.com']) for n in range(5)}
    provider = harness.provider(page_size=2)
    events, pages, cursor = full_pass(provider)
    assert set(live(events)) == ids
    assert pages == 3
    assert all(isinstance(e, CalendarEvent) for e in events)
    one = live(events)[sorted(ids)[0]]
    assert one.start.tzinfo is None and one.end - one.start == datetime.timedelta(hours=1)
    assert [a.email for a in one.attendees] == ['ann@client.com']


def test_sync_cursor_returns_only_changes(harness):
    kept, edited, removed = (harness.add(t) for t in ('Kept', 'Edited', 'Removed'))
    provider = harness.provider(page_size=2)
    _, _, cursor = full_pass(provider)

    harness.edit(edited, title='Edited in the calendar')
    harness.delete(removed)
    added = harness.add('Added later')
    found, cursor = changes(provider, cursor)

    by_id = {e.provider_event_id: e for e in found}
    assert set(by_id) == {edited, removed, added}
    assert kept not in by_id
    assert by_id[edited].title == 'Edited in the calendar'
    assert by_id[removed].status == 'cancelled'
    assert by_id[added].status == 'confirmed'
    assert changes(provider, cursor)[0] == []


def test_expired_cursor_raises_cursor_expired(harness):
    harness.add('Before')
    provider = harness.provider()
    _, _, cursor = full_pass(provider)
    harness.expire_cursors()
    with pytest.raises(CursorExpired):
        provider.list_changes(sync_cursor=cursor)
    # A new full pass recovers and hands out a working cursor.
    events, _, cursor = full_pass(provider)
    assert [e.title for e in live(events).values()] == ['Before']
    assert changes(provider, cursor)[0] == []


def test_r2_only_the_primary_calendar_is_listed(harness):
    if harness.name == 'memory':
        pytest.skip('the memory calendar has only a primary calendar')
    primary = harness.add('Primary meeting')
    secondary = harness.add_secondary('Secondary meeting')
    provider = harness.provider()
    events, _, cursor = full_pass(provider)
    assert set(live(events)) == {primary}
    harness.fake.store.edit_event(secondary, title='Changed')
    assert changes(provider, cursor)[0] == []


def test_r5_insert_creates_the_event_and_sends_invitations(harness):
    provider = harness.provider()
    _, _, cursor = full_pass(provider)
    created = provider.insert_event(new_event(attendees=('ann@client.com', 'bob@client.com')))
    assert created.provider_event_id and created.title == 'Demo'
    assert harness.exists(created.provider_event_id)
    assert harness.invitations(created.provider_event_id) == ['ann@client.com', 'bob@client.com']
    fetched = provider.get_event(created.provider_event_id)
    assert fetched.title == 'Demo' and fetched.end - fetched.start == datetime.timedelta(minutes=30)
    found, _ = changes(provider, cursor)
    assert [e.provider_event_id for e in found] == [created.provider_event_id]


def test_insert_without_send_updates_invites_nobody(harness):
    if harness.name == 'outlook':
        pytest.skip('Graph always e-mails the attendees of a new meeting')
    created = harness.provider().insert_event(new_event(), send_updates=False)
    assert harness.invitations(created.provider_event_id) == []


def test_insert_with_the_same_event_id_is_idempotent(harness):
    provider = harness.provider()
    key = 'crm0a0b0c0000042'
    first = provider.insert_event(new_event(event_id=key))
    again = provider.insert_event(new_event(event_id=key))
    assert again.provider_event_id == first.provider_event_id
    assert harness.invitations(first.provider_event_id) == ['ann@client.com']


def test_b1_patch_adding_an_attendee_invites_only_the_new_one(harness):
    provider = harness.provider()
    created = provider.insert_event(new_event(attendees=('ann@client.com',)))
    patched = provider.patch_event(created.provider_event_id,
                                   new_event(title='Demo v2',
                                             attendees=('ann@client.com', 'cy@client.com')))
    assert patched.title == 'Demo v2'
    assert {a.email for a in patched.attendees} >= {'ann@client.com', 'cy@client.com'}
    assert harness.invitations(created.provider_event_id) == ['ann@client.com', 'cy@client.com']


def test_b3_delete_cancels_the_event_and_tells_attendees(harness):
    provider = harness.provider()
    created = provider.insert_event(new_event(attendees=('ann@client.com',)))
    provider.delete_event(created.provider_event_id)
    assert not harness.exists(created.provider_event_id)
    assert harness.invitations(created.provider_event_id, 'cancel') == ['ann@client.com']
    provider.delete_event(created.provider_event_id)  # a retried delete is harmless
    assert harness.invitations(created.provider_event_id, 'cancel') == ['ann@client.com']
    gone = provider.get_event(created.provider_event_id)
    assert gone is None or gone.status == 'cancelled'


def test_get_event_of_an_unknown_id_is_none(harness):
    assert harness.provider().get_event('0000unknown0000') is None


def test_watch_and_unwatch(harness):
    provider = harness.provider()
    channel = provider.watch(harness_address(harness), 'chan0001', 'secret-token', 3600)
    assert isinstance(channel, Channel)
    assert channel.id and channel.token == 'secret-token'
    assert channel.expires_at > datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert harness.channel_active(channel.id)
    provider.unwatch(channel)
    assert not harness.channel_active(channel.id)


def harness_address(harness):
    return getattr(harness, 'webhook_address', 'https://crm.example.com/webhooks/' + harness.name)


def test_a_refused_token_is_refreshed_once_and_the_call_retried(harness):
    if not harness.supports_oauth:
        pytest.skip('no OAuth in the memory provider')
    harness.add('Visible')
    provider = harness.provider()
    harness.reject_token_once()
    events, _, _ = full_pass(provider)
    assert [e.title for e in live(events).values()] == ['Visible']
    assert len(harness.refreshed) == 1
    assert harness.refreshed[0].access_token != harness.credentials.access_token
    # Google keeps the refresh token; Microsoft rotates it. Either way one is kept.
    assert harness.refreshed[0].refresh_token


def test_auth_expired_when_the_refresh_is_refused(harness):
    provider = harness.provider()
    harness.revoke_access()
    with pytest.raises(AuthExpired):
        provider.list_changes()


def test_persistent_429_raises_transient_error_with_retry_after(harness):
    provider = harness.provider()
    harness.throttle(retry_after=30)
    with pytest.raises(TransientError) as raised:
        provider.list_changes()
    assert raised.value.retry_after == 30
