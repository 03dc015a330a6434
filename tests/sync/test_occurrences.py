"""R13 on Outlook (server/sync/occurrences.py): Graph reports an occurrence the organizer
deleted by its id alone; the sync resolves it from the occurrences it remembered, asking the
calendar whether the series itself still exists."""
import datetime

from playhouse.test_utils import count_queries

from server.calendars.base import CalendarEvent, SeriesOccurrence
from server.models import Meeting
from server.models import SeriesOccurrence as Remembered
from server.sync import occurrences
from server.sync.engine import apply_page
from tests.clock import ahead

WEEK = datetime.timedelta(days=7)


def removal(event_id):
    return CalendarEvent(provider_event_id=event_id, status='cancelled')


def weekly(world, series_id='ser', weeks=3):
    """A logged weekly series and its plain occurrences, remembered as a page named them."""
    master = world.event(series_id, is_recurring_master=True)
    apply_page(world.scope(), [master])
    plain = [SeriesOccurrence(f'{series_id}_{n}', series_id, master.start + n * WEEK)
             for n in range(1, weeks + 1)]
    occurrences.remember(world.scope(), plain)
    return master, plain


def asked(answers):
    """A series_exists stand-in that records each question."""
    questions = []

    def series_exists(series_id):
        questions.append(series_id)
        return answers[series_id]
    return series_exists, questions


def test_r13_a_removed_week_of_a_living_series_becomes_its_own_cancelled_meeting(world):
    master, plain = weekly(world)
    series_exists, questions = asked({'ser': True})
    events = occurrences.resolve_removals(world.scope(), [removal('ser_2')], series_exists)
    assert events == [CalendarEvent('ser_2', status='cancelled', recurring_event_id='ser',
                                    original_start=master.start + 2 * WEEK)]
    [outcome] = apply_page(world.scope(), events)
    assert (outcome.decision, outcome.reason) == ('logged', 'r13_cancelled_occurrence')
    week = Meeting.get(Meeting.provider_event_id == 'ser_2')
    assert (week.status, week.start, week.title) == ('cancelled', master.start + 2 * WEEK,
                                                     master.title)
    assert Meeting.get(Meeting.provider_event_id == 'ser').status == 'scheduled'
    assert questions == ['ser']


def test_r9_r13_removed_weeks_of_a_deleted_series_remove_the_series_and_log_no_week(world):
    """A calendar view may report a deleted series only as its occurrences' removals."""
    weekly(world)
    series_exists, questions = asked({'ser': False})
    page = [removal('ser_1'), removal('ser_2'), removal('ser_3')]
    events = occurrences.resolve_removals(world.scope(), page, series_exists)
    assert [e.provider_event_id for e in events] == ['ser_1', 'ser', 'ser_2', 'ser_3']
    apply_page(world.scope(), events)
    assert Meeting.select().count() == 0  # the series' meeting is gone, no week was logged
    assert questions == ['ser']  # one question per series, not per week


def test_a_removed_week_that_had_become_its_own_meeting_goes_with_its_deleted_series(world):
    master, _ = weekly(world)
    moved = world.event('ser_1', recurring_event_id='ser', title=master.title,
                        start=master.start + WEEK + datetime.timedelta(hours=2),
                        original_start=master.start + WEEK)
    apply_page(world.scope(), [moved])
    assert Meeting.select().count() == 2
    events = occurrences.resolve_removals(world.scope(), [removal('ser_1')],
                                          asked({'ser': False})[0])
    apply_page(world.scope(), events)
    assert Meeting.select().count() == 0


def test_other_removals_and_events_pass_through_unchanged_and_in_order(world):
    weekly(world)
    edited = world.event('single')
    page = [removal('never-seen'), edited, removal('ser')]  # the series master's own removal
    series_exists, questions = asked({})
    assert occurrences.resolve_removals(world.scope(), page, series_exists) == page
    assert questions == []


def test_a_page_without_bare_removals_costs_no_query(world):
    weekly(world)
    google_instance = CalendarEvent('ser_1', status='cancelled', recurring_event_id='ser',
                                    original_start=ahead(days=14))
    page, scope = [world.event('single'), google_instance], world.scope()
    with count_queries() as counted:
        assert occurrences.resolve_removals(scope, page, asked({})[0]) == page
    assert counted.count == 0


def test_remember_keeps_one_row_per_occurrence_and_refreshes_it(world):
    start = ahead()
    scope = world.scope()
    occurrences.remember(scope, [SeriesOccurrence('occ', 'ser', start)])
    occurrences.remember(scope, [SeriesOccurrence('occ', 'ser', start + WEEK),
                                 SeriesOccurrence('x' * 1025, 'ser', start)])  # too long: left out
    assert [(r.occurrence_id, r.series_id, r.start) for r in Remembered.select()] == [
        ('occ', 'ser', start + WEEK)]
    with count_queries() as counted:
        occurrences.remember(scope, [])
    assert counted.count == 0


def test_the_daily_task_forgets_occurrences_no_window_reaches_any_more(app, world):
    """Outlook windows reach back at most OUTLOOK_WINDOW_DAYS + OUTLOOK_LOOKBACK_DAYS."""
    from server import tasks
    from server.models import utcnow
    now = utcnow().replace(microsecond=0)
    scope = world.scope()
    occurrences.remember(scope, [
        SeriesOccurrence('ancient', 'ser', now - datetime.timedelta(days=456)),
        SeriesOccurrence('last-year', 'ser', now - datetime.timedelta(days=300)),
        SeriesOccurrence('next-week', 'ser', now + WEEK)])
    assert tasks.prune_series_occurrences.call_local() == 1
    assert sorted(r.occurrence_id for r in Remembered.select()) == ['last-year', 'next-week']
    app.config.update(OUTLOOK_WINDOW_DAYS=200, OUTLOOK_LOOKBACK_DAYS=30)
    assert tasks.prune_series_occurrences.call_local() == 1
    assert [r.occurrence_id for r in Remembered.select()] == ['next-week']
    task = tasks.prune_series_occurrences.task_class()
    assert task.validate_datetime(datetime.datetime(2030, 1, 1, 3, 47))
    assert not task.validate_datetime(datetime.datetime(2030, 1, 1, 4, 47))
