"""Outlook's calendar-view window is renewed as it runs out: a year after connecting, events
beyond the first window's end still reach the CRM, and the new full pass duplicates nothing."""
import datetime

from server.calendars.registry import provider_for
from server.db import db
from server.models import CalendarConnection, Contact, Meeting, utcnow
from server.sync import runner
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake

WINDOW_DAYS = 365


def test_r8_r9_events_beyond_the_first_window_arrive_once_the_window_runs_short(
        app, caller, graph_fake):
    graph_fake.push_sink = lambda url, headers, body: None
    clock = {'now': utcnow().replace(microsecond=0)}

    def outlook_on_our_clock(connection, config):
        provider = provider_for(connection, config)
        provider.clock = lambda: clock['now']
        return provider

    app.config.update(graph_fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
                      OUTLOOK_WINDOW_DAYS=WINDOW_DAYS, OUTLOOK_PAGE_SIZE=2,
                      CALENDAR_PROVIDER_FACTORY=outlook_on_our_clock)
    owner, store = caller.user.email, graph_fake.store
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='ann@client.example')
    connect_to_fake(graph_fake, 'outlook', caller.user, app.config)

    def day(n):
        return clock['now'].replace(hour=10, minute=0, second=0) + datetime.timedelta(days=n)

    def sync():
        with db.connection_context():
            result = runner.sync_user(caller.user.id, app.config)
            assert result.status == 'ok', result
            return result, {m.provider_event_id: m.title for m in Meeting.select()}

    people = ['ann@client.example']
    near = [store.add_event(owner, f'Near {n}', start=day(200 + n), attendees=people).id
            for n in range(3)]
    review = store.add_event(owner, 'Quarterly review', start=day(150), attendees=people).id
    renewal = store.add_event(owner, 'Contract renewal', start=day(WINDOW_DAYS + 100),
                              attendees=people).id
    _, meetings = sync()
    assert set(meetings) == {*near, review}  # the renewal lies beyond the first window

    clock['now'] += datetime.timedelta(days=190)  # 175 of 365 days left ahead: under half
    store.edit_event(near[0], title='Near 0, moved on')
    store.delete_event(near[1])
    result, meetings = sync()
    assert not result.full_resync  # not an expired cursor: the delta was read, then a new window
    assert meetings == {near[0]: 'Near 0, moved on', near[2]: 'Near 2', review: 'Quarterly review',
                        renewal: 'Contract renewal'}
    with db.connection_context():
        assert Meeting.select().count() == 4  # the full pass re-listed what it still covers
        assert 'windowEnd=' in CalendarConnection.get().sync_cursor.partition('#')[2]

    store.add_event(owner, 'Follow-up', start=day(WINDOW_DAYS - 10), attendees=people)  # now it is ahead
    # R9 after a renewal: the review, 40 days past, lies inside the new window's lookback.
    store.edit_event(review, title='Quarterly review (minutes sent)')
    _, meetings = sync()
    assert len(meetings) == 5 and 'Follow-up' in meetings.values()
    assert meetings[review] == 'Quarterly review (minutes sent)'
