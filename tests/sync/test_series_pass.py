"""R13 across the pages of a pass (server/sync/series_pass.py), through the runner, the real
Google and Microsoft clients and their fakes.

Issue 15: a series made, one week moved and one deleted, all before the sync first saw it.
Google lists the deleted week as a cancelled instance; Graph's calendar view never lists it, so
the sync expands the master's recurrence over the view's window. Either way the CRM holds the
series once, the moved week and the deleted (cancelled) week: three meetings, never one per
occurrence. Issue 8 §3: a cancelled week listed before its master, on another page, is still
logged.
"""
import datetime
import re
import zoneinfo

import pytest

from server.db import db
from server.models import CalendarConnection, Contact, Meeting, MeetingContact, SyncDecision, utcnow
from server.sync import runner
from tests.fakes import recurrence
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake
from tests.fakes.graph_fake import GraphFake

UTC = datetime.timezone.utc
HOUR = datetime.timedelta(hours=1)
WEEK = datetime.timedelta(days=7)
TITLE = 'Pipeline review'


def connect(request, app, caller, name, **config):
    fake = request.getfixturevalue('google_fake' if name == 'google' else 'graph_fake')
    fake.push_sink = lambda url, headers, body: None
    # Small pages: a series' master, weeks and exceptions land on different pages.
    app.config.update(fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
                      GOOGLE_PAGE_SIZE=2, OUTLOOK_PAGE_SIZE=3, **config)
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='ann@client.example')
    connect_to_fake(fake, name, caller.user, app.config)
    return fake


@pytest.fixture(params=['google', 'outlook'])
def calendar(request, app, caller):
    return connect(request, app, caller, request.param, OUTLOOK_WINDOW_DAYS=1500)


def sync(app, caller):
    with db.connection_context():
        result = runner.sync_user(caller.user.id, app.config)
        assert result.status == 'ok', result
        return {(m.provider_event_id, m.status, m.start) for m in Meeting.select()}


def series_with_a_moved_and_a_deleted_week(store, owner, rule='FREQ=WEEKLY;COUNT=4',
                                           zone='UTC', first=None):
    """Issue 15's series: made, week 2 moved two hours on, week 3 deleted. Returns the
    master, its occurrence starts (the fake's RFC 5545 reading) and the moved week."""
    start = (first.astimezone(UTC).replace(tzinfo=None) if first
             else recurrence.first_start(rule, zone, utcnow() + datetime.timedelta(days=1)))
    until = start + 6 * WEEK + HOUR
    master = store.add_event(owner, TITLE, start=start, attendees=['ann@client.example'],
                             recurrence=['RRULE:' + rule.format(until=f'{until:%Y%m%dT%H%M%SZ}')],
                             time_zone=zone)
    starts = recurrence.occurrence_starts(master)
    moved = store.add_exception(master.id, starts[1], start=starts[1] + 2 * HOUR,
                                end=starts[1] + 3 * HOUR)
    store.add_exception(master.id, starts[2], cancelled=True)
    return master, starts, moved


def assert_series_moved_and_deleted_week(meetings, master, starts, moved):
    """R13: first + changed + cancelled, each once; no meeting for a plain occurrence."""
    assert {(status, start) for _, status, start in meetings} == {
        ('scheduled', starts[0]), ('scheduled', starts[1] + 2 * HOUR), ('cancelled', starts[2])}
    ids = {event_id for event_id, _, _ in meetings}
    assert len(ids) == 3 and {master.id, moved.id} <= ids
    with db.connection_context():
        week = Meeting.get(Meeting.status == 'cancelled')
        assert (week.title, week.end - week.start) == (TITLE, HOUR)  # the series' details
        assert MeetingContact.select().where(MeetingContact.meeting == week.id).count() == 1  # R8


@pytest.mark.parametrize('when', ['first-pass', 'delta', 'delta-of-an-old-link'])
def test_r13_issue_15_a_week_deleted_before_the_first_sync_is_its_own_cancelled_meeting(
        app, caller, calendar, when):
    """4-week weekly series with a contact; week 2 moved, week 3 deleted before the series is
    first synced: by the connection's first (full) pass, or by a delta after an earlier sync
    (also from an Outlook delta link stored before links carried their window's start)."""
    if when != 'first-pass':
        assert sync(app, caller) == set()
    if when == 'delta-of-an-old-link':
        with db.connection_context():
            row = CalendarConnection.get()
            row.sync_cursor = re.sub(r'windowStart=[^&]*&', '', row.sync_cursor)
            row.save()
    master, starts, moved = series_with_a_moved_and_a_deleted_week(calendar.store,
                                                                   caller.user.email)
    meetings = sync(app, caller)
    assert_series_moved_and_deleted_week(meetings, master, starts, moved)
    with db.connection_context():
        week = Meeting.get(Meeting.status == 'cancelled').provider_event_id
        decisions = list(SyncDecision.select().where(SyncDecision.provider_event_id == week))
        assert [(d.decision, d.reason) for d in decisions] == [
            ('logged', 'r13_cancelled_occurrence')]
        if isinstance(calendar, GraphFake):  # Graph never named the week: the series does
            assert decisions[0].title == TITLE
    assert sync(app, caller) == meetings  # nothing new: no week logged twice


PATTERNS = {
    # name: (RRULE, the series' time zone); each maps to one Graph pattern and range type.
    'daily': ('FREQ=DAILY;COUNT=6', 'UTC'),
    'weekly-several-days': ('FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=7', 'America/New_York'),
    'fortnightly-until': ('FREQ=WEEKLY;INTERVAL=2;UNTIL={until}', 'UTC'),  # range endDate
    'weekly-no-end': ('FREQ=WEEKLY', 'Europe/Berlin'),  # range noEnd: the window bounds it
    'monthly-by-day': ('FREQ=MONTHLY;BYMONTHDAY=15;COUNT=4', 'UTC'),
    'monthly-by-weekday': ('FREQ=MONTHLY;BYDAY=2TU;COUNT=4', 'Europe/Berlin'),
    'yearly-by-day': ('FREQ=YEARLY;COUNT=3', 'America/Los_Angeles'),
    'yearly-by-weekday': ('FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=3', 'America/New_York'),
}


@pytest.mark.parametrize('pattern', PATTERNS, ids=list(PATTERNS))
def test_r13_a_deleted_occurrence_of_each_recurrence_pattern_is_its_own_cancelled_meeting(
        app, caller, calendar, pattern):
    rule, zone = PATTERNS[pattern]
    master, starts, moved = series_with_a_moved_and_a_deleted_week(
        calendar.store, caller.user.email, rule, zone)
    assert_series_moved_and_deleted_week(sync(app, caller), master, starts, moved)


def last_sunday_of_march(year):
    day = datetime.date(year, 3, 31)
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


@pytest.mark.parametrize('name', ['google', 'outlook'])
def test_r13_a_weekly_series_across_the_dst_change_in_berlin_keeps_its_local_time(
        request, app, caller, clock, name):
    """10:00 in Berlin is 09:00 UTC before the last Sunday of March and 08:00 after: the
    expected weeks follow the series' zone, so no week looks deleted or moved."""
    year = utcnow().year + 1
    change = last_sunday_of_march(year)
    clock.move_to(datetime.datetime(year, 3, 1, 12, tzinfo=UTC))
    fake = connect(request, app, caller, name)
    monday = change - datetime.timedelta(days=13)  # two Mondays before the change, two after
    first = datetime.datetime.combine(monday, datetime.time(10),
                                      tzinfo=zoneinfo.ZoneInfo('Europe/Berlin'))
    master, starts, moved = series_with_a_moved_and_a_deleted_week(
        fake.store, caller.user.email, 'FREQ=WEEKLY;COUNT=4', 'Europe/Berlin', first)
    assert [s.hour for s in starts] == [9, 9, 8, 8]
    assert_series_moved_and_deleted_week(sync(app, caller), master, starts, moved)


def test_r13_occurrences_outside_the_calendar_view_are_not_missing(request, app, caller):
    """A series made now that began three weeks ago and runs past the view's end: the weeks
    before the window (the connection) and after its end were never listed, and are not
    deleted weeks; the one deleted inside the window is."""
    fake = connect(request, app, caller, 'outlook', OUTLOOK_WINDOW_DAYS=30)
    first = (utcnow() - 3 * WEEK).replace(hour=10, minute=0, second=0, microsecond=0)
    master = fake.store.add_event(caller.user.email, TITLE, start=first,
                                  attendees=['ann@client.example'],
                                  recurrence=['RRULE:FREQ=WEEKLY;COUNT=10'])
    deleted = first + 5 * WEEK
    fake.store.add_exception(master.id, deleted, cancelled=True)
    assert {(status, start) for _, status, start in sync(app, caller)} == {
        ('scheduled', first), ('cancelled', deleted)}


def test_r13_outlook_a_full_pass_later_finds_the_same_cancelled_weeks(request, app, caller):
    """A week deleted before the first sync (never named by Graph) and one deleted after it
    (a bare @removed of a remembered week): a full resync finds both missing again and keeps
    their meetings, duplicating none."""
    fake = connect(request, app, caller, 'outlook')
    master, starts, moved = series_with_a_moved_and_a_deleted_week(fake.store,
                                                                   caller.user.email)
    assert_series_moved_and_deleted_week(sync(app, caller), master, starts, moved)
    fake.store.add_exception(master.id, starts[3], cancelled=True)
    meetings = sync(app, caller)
    assert {(status, start) for _, status, start in meetings} == {
        ('scheduled', starts[0]), ('scheduled', starts[1] + 2 * HOUR), ('cancelled', starts[2]),
        ('cancelled', starts[3])}
    fake.invalidate_delta_tokens()
    assert sync(app, caller) == meetings


@pytest.mark.parametrize('page_size', [1, 10], ids=['other-page', 'same-page'])
def test_r13_issue_8_a_cancelled_week_listed_before_its_master_is_logged(
        request, app, caller, page_size):
    """Google's list order is unspecified: the organizer cancels week 3, then renames the
    series, so the cancelled week is listed first (the fake lists by last change), on the page
    before the master's or on the same one. It is logged once, never as 'series not logged'."""
    fake = connect(request, app, caller, 'google')
    app.config['GOOGLE_PAGE_SIZE'] = page_size
    first = (utcnow() + datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0,
                                                            microsecond=0)
    store = fake.store
    master = store.add_event(caller.user.email, 'Before', start=first,
                             attendees=['ann@client.example'],
                             recurrence=['RRULE:FREQ=WEEKLY;COUNT=4'])
    week = store.add_exception(master.id, first + 2 * WEEK, cancelled=True)
    store.edit_event(master.id, title=TITLE)
    assert [e.id for e in store.changed_since(caller.user.email, 0)] == [week.id, master.id]
    assert sync(app, caller) == {(master.id, 'scheduled', first),
                                 (week.id, 'cancelled', first + 2 * WEEK)}
    with db.connection_context():
        assert [(d.decision, d.reason) for d in SyncDecision.select().where(
            SyncDecision.provider_event_id == week.id)] == [('logged', 'r13_cancelled_occurrence')]
        assert Meeting.get(Meeting.provider_event_id == week.id).title == TITLE
