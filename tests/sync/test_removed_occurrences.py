"""R13 when the calendar names a deleted occurrence by its id alone (Microsoft Graph's
'@removed'): the engine remembers each occurrence's series and start on its B4 decision, and
keeps a removed occurrence of a logged series as its own cancelled meeting."""
import datetime

from playhouse.test_utils import count_queries

from server.calendars.base import CalendarEvent
from server.models import Meeting, MeetingAttendee, MeetingContact, SyncDecision
from server.sync.engine import apply_page

WEEK = datetime.timedelta(days=7)


def removed(event_id):
    """What Graph's delta says of a deleted event or occurrence: its id, nothing else."""
    return CalendarEvent(event_id, status='cancelled')


def occurrence(world, master, n, event_id=None):
    """The series' n-th (0 = first) plain occurrence, as the Outlook provider hands it over."""
    start = master.start + n * WEEK
    return world.event(event_id or f'{master.provider_event_id}_{n}', title=master.title,
                       start=start, original_start=start,
                       recurring_event_id=master.provider_event_id,
                       attendees=[a.email for a in master.attendees[1:]])


def timeline(contact):
    return sorted((m.title, m.start, m.status) for m in Meeting.select().join(
        MeetingContact, on=(MeetingContact.meeting == Meeting.id)).where(
        MeetingContact.contact == contact.id))


def reasons(outcomes):
    return {o.provider_event_id: (o.decision, o.reason) for o in outcomes}


def test_r13_removed_occurrence_of_a_logged_series_becomes_its_cancelled_meeting(world):
    master = world.event('ser', is_recurring_master=True, attendees=('buyer@client.com',
                                                                     'x@else.org'))
    page = [master] + [occurrence(world, master, n) for n in (1, 2, 3)]
    assert set(reasons(apply_page(world.scope(), page)).values()) == {
        ('logged', 'r8_contact_attendee'), ('skipped', 'r13_occurrence')}
    assert Meeting.select().count() == 1

    [outcome] = apply_page(world.scope(), [removed('ser_2')])
    assert (outcome.decision, outcome.reason) == ('logged', 'r13_cancelled_occurrence')
    meeting = Meeting.get(Meeting.provider_event_id == 'ser_2')
    assert (meeting.id, meeting.status, meeting.title) == (outcome.meeting_id, 'cancelled',
                                                           'Demo ser')
    assert (meeting.start, meeting.end) == (master.start + 2 * WEEK, master.end + 2 * WEEK)
    assert [a.email for a in MeetingAttendee.select().where(MeetingAttendee.meeting == meeting.id)
            .order_by(MeetingAttendee.position)] == ['rep@acme.com', 'buyer@client.com',
                                                     'x@else.org']
    assert timeline(world.buyer) == [('Demo ser', master.start, 'scheduled'),
                                     ('Demo ser', master.start + 2 * WEEK, 'cancelled')]
    # The decision names the removed occurrence after its series, and remembers it too.
    last = SyncDecision.select().order_by(SyncDecision.id.desc()).first()
    assert (last.title, last.series_event_id, last.occurrence_start) == (
        'Demo ser', 'ser', master.start + 2 * WEEK)

    # The same removal again (a replayed page, a resync): nothing doubles.
    assert reasons(apply_page(world.scope(), [removed('ser_2')])) == {
        'ser_2': ('updated', 'r9_unchanged')}
    assert Meeting.select().count() == 2
    assert len(timeline(world.buyer)) == 2


def test_r13_removed_occurrence_of_a_series_not_logged_is_skipped(world):
    master = world.event('ser', is_recurring_master=True, attendees=('x@else.org',))
    apply_page(world.scope(), [master, occurrence(world, master, 1)])
    assert Meeting.select().count() == 0
    assert reasons(apply_page(world.scope(), [removed('ser_1')])) == {
        'ser_1': ('skipped', 'r13_series_not_logged')}
    assert Meeting.select().count() == 0


def test_r13_removal_without_a_remembered_series_behaves_as_before(world):
    apply_page(world.scope(), [world.event('single'), world.event('nobody', attendees=())])
    outcomes = apply_page(world.scope(), [removed('single'), removed('nobody'),
                                          removed('never-seen')])
    assert reasons(outcomes) == {'single': ('deleted', 'r9_cancelled'),
                                 'nobody': ('skipped', 'r9_cancelled'),
                                 'never-seen': ('skipped', 'r9_cancelled')}
    assert Meeting.select().count() == 0
    assert SyncDecision.select().where(SyncDecision.series_event_id.is_null(False)).count() == 0


def test_r13_a_removed_series_takes_its_occurrences_along_not_as_cancelled_weeks(world):
    """Graph removes a deleted series occurrence by occurrence, on the master's page."""
    master = world.event('ser', is_recurring_master=True)
    apply_page(world.scope(), [master] + [occurrence(world, master, n) for n in (1, 2)])
    outcomes = apply_page(world.scope(), [removed('ser_1'), removed('ser'), removed('ser_2')])
    assert reasons(outcomes) == {'ser': ('deleted', 'r9_cancelled'),
                                 'ser_1': ('skipped', 'r9_cancelled'),
                                 'ser_2': ('skipped', 'r9_cancelled')}
    assert Meeting.select().count() == 0
    # Removed after its series went: that series is no longer logged.
    apply_page(world.scope(), [removed('ser_1')])
    assert Meeting.select().count() == 0


def test_r13_removed_exception_that_was_its_own_meeting_stays_as_cancelled(world):
    """As on Google: a moved occurrence, logged as its own meeting, then called off."""
    master = world.event('ser', is_recurring_master=True)
    moved = occurrence(world, master, 1)
    moved.start += datetime.timedelta(hours=2)
    moved.end += datetime.timedelta(hours=2)
    apply_page(world.scope(), [master, moved])
    before = Meeting.get(Meeting.provider_event_id == 'ser_1')
    assert reasons(apply_page(world.scope(), [removed('ser_1')])) == {
        'ser_1': ('updated', 'r13_cancelled_occurrence')}
    after = Meeting.get(Meeting.provider_event_id == 'ser_1')
    assert (after.id, after.start, after.status) == (before.id, before.start, 'cancelled')


def test_r13_the_newest_decision_tells_the_series(world):
    """An occurrence seen again after its series moved: the latest start is the one kept."""
    master = world.event('ser', is_recurring_master=True)
    apply_page(world.scope(), [master, occurrence(world, master, 1, 'occ')])
    later = world.event('ser', is_recurring_master=True,
                        start=master.start + datetime.timedelta(hours=3))
    apply_page(world.scope(), [later, occurrence(world, later, 1, 'occ')])
    apply_page(world.scope(), [removed('occ')])
    assert Meeting.get(Meeting.provider_event_id == 'occ').start == later.start + WEEK


def test_r13_a_page_of_removals_costs_one_more_query_at_most(world):
    master = world.event('ser', is_recurring_master=True)
    apply_page(world.scope(), [master] + [occurrence(world, master, n) for n in range(1, 301)])
    apply_page(world.scope(), [world.event(f'e{i}') for i in range(300)])
    page = ([removed(f'ser_{n}') for n in range(1, 301)] + [removed(f'e{i}') for i in range(300)]
            + [removed(f'gone{i}') for i in range(400)])
    with count_queries() as counted:
        outcomes = apply_page(world.scope(), page)
    assert counted.count <= 15, [q.msg[0][:60] for q in counted.get_queries()]
    assert sum(o.reason == 'r13_cancelled_occurrence' for o in outcomes) == 300
    assert Meeting.select().where(Meeting.status == 'cancelled').count() == 300
    assert Meeting.select().count() == 301
