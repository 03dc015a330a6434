"""The sync engine on the real database: pages of events in, meetings and the B4 log out."""
import datetime
import gc

from playhouse.test_utils import count_queries

from server.calendars.base import CalendarEvent
from server.models import Contact, Meeting, MeetingAttendee, MeetingContact, SyncDecision
from server.sync.engine import apply_page
from tests.clock import ahead


def timeline(contact):
    """Titles of the meetings on a contact's timeline (R8)."""
    return sorted(m.title for m in Meeting.select().join(
        MeetingContact, on=(MeetingContact.meeting == Meeting.id)).where(
        MeetingContact.contact == contact.id))


def snapshot():
    """Every row the engine writes about meetings, to prove a replay changes nothing."""
    return (
        list(Meeting.select().order_by(Meeting.id).dicts()),
        list(MeetingAttendee.select().order_by(MeetingAttendee.id).dicts()),
        list(MeetingContact.select().order_by(MeetingContact.id).dicts()),
    )


def decisions(event_id):
    return [(d.decision, d.reason) for d in SyncDecision.select().where(
        SyncDecision.provider_event_id == event_id).order_by(SyncDecision.id)]


def test_r8_event_with_contacts_lands_on_their_timelines(world):
    ev = world.event('ev1', attendees=('Buyer@Client.com', 'champ@client.com', 'x@else.org'),
                     video_link='https://meet.example.com/x')
    [outcome] = apply_page(world.scope(), [ev])
    assert (outcome.decision, outcome.reason) == ('logged', 'r8_contact_attendee')
    meeting = Meeting.get_by_id(outcome.meeting_id)
    assert (meeting.source, meeting.calendar_provider, meeting.provider_event_id) == (
        'calendar', 'memory', 'ev1')
    assert meeting.calendar_link == 'https://calendar.example.com/ev1'
    assert meeting.video_link == 'https://meet.example.com/x'
    assert meeting.organizer_email == 'rep@acme.com'
    assert timeline(world.buyer) == timeline(world.champion) == ['Demo ev1']
    rows = {a.email: a.contact_id for a in MeetingAttendee.select()}
    assert rows == {'rep@acme.com': None, 'buyer@client.com': world.buyer.id,
                    'champ@client.com': world.champion.id, 'x@else.org': None}


def test_r8_contact_organizer_who_invited_the_user_counts(world):
    ev = world.event('ev1', attendees=(), organizer_email='champ@client.com')
    [outcome] = apply_page(world.scope(), [ev])
    assert outcome.decision == 'logged'
    assert timeline(world.champion) == ['Demo ev1']


def test_r10_attendees_without_contacts_create_nothing(world):
    [outcome] = apply_page(world.scope(), [world.event('ev1', attendees=('new@else.org',))])
    assert (outcome.decision, outcome.reason) == ('skipped', 'r10_no_contacts')
    assert Meeting.select().count() == 0
    assert Contact.select().where(Contact.email == 'new@else.org').count() == 0


def test_r12_internal_people_are_never_linked_even_if_they_are_contacts(world):
    Contact.create(account=world.account.id, email='cto@acme.com')
    Contact.create(account=world.account.id, email='colleague@gmail.com')
    ev = world.event('ev1', attendees=('cto@acme.com', 'colleague@gmail.com'))
    assert apply_page(world.scope(), [ev])[0].reason == 'r12_internal_only'
    both = world.event('ev2', attendees=('cto@acme.com', 'buyer@client.com'))
    [outcome] = apply_page(world.scope(), [both])
    assert outcome.decision == 'logged'
    linked = [mc.contact.email for mc in MeetingContact.select()]
    assert linked == ['buyer@client.com']


def test_r9_replaying_the_same_page_changes_nothing(world):
    page = [world.event(f'ev{i}', attendees=('buyer@client.com',)) for i in range(5)]
    apply_page(world.scope(), page)
    before = snapshot()
    outcomes = apply_page(world.scope(), page)
    assert {(o.decision, o.reason) for o in outcomes} == {('updated', 'r9_unchanged')}
    assert snapshot() == before
    assert Meeting.select().count() == 5


def test_r9_calendar_edit_updates_the_meeting(world):
    apply_page(world.scope(), [world.event('ev1')])
    edited = world.event('ev1', attendees=('champ@client.com',), title='Demo, moved',
                         start=ahead(days=8, hour=10))
    [outcome] = apply_page(world.scope(), [edited])
    assert (outcome.decision, outcome.reason) == ('updated', 'r9_edited')
    meeting = Meeting.get()
    assert (meeting.title, meeting.start) == ('Demo, moved', ahead(days=8, hour=10))
    assert timeline(world.buyer) == []  # no longer an attendee
    assert timeline(world.champion) == ['Demo, moved']
    assert Meeting.select().count() == 1


def test_r9_calendar_delete_removes_the_meeting_from_timelines(world):
    apply_page(world.scope(), [world.event('ev1'), world.event('ev2')])
    [outcome] = apply_page(world.scope(), [CalendarEvent('ev1', status='cancelled')])
    assert (outcome.decision, outcome.reason) == ('deleted', 'r9_cancelled')
    # Google sends a deleted event without its title; the log still names it.
    assert SyncDecision.select().order_by(SyncDecision.id.desc()).first().title == 'Demo ev1'
    assert timeline(world.buyer) == ['Demo ev2']
    assert MeetingAttendee.select().join(Meeting).where(Meeting.provider_event_id == 'ev1').count() == 0


def test_r13_series_master_logged_and_plain_occurrences_skipped(world):
    master = world.event('ser', is_recurring_master=True)
    week2 = world.event('ser_2', recurring_event_id='ser', title=master.title,
                        start=master.start + datetime.timedelta(days=7),
                        original_start=master.start + datetime.timedelta(days=7))
    outcomes = apply_page(world.scope(), [week2, master])  # the master may come later
    assert {o.provider_event_id: o.reason for o in outcomes} == {
        'ser': 'r8_contact_attendee', 'ser_2': 'r13_occurrence'}
    # Later pages compare occurrences with the stored master.
    assert apply_page(world.scope(), [week2])[0].reason == 'r13_occurrence'
    assert Meeting.select().count() == 1


def test_r13_exception_instances_become_their_own_meetings(world):
    master = world.event('ser', is_recurring_master=True)
    apply_page(world.scope(), [master])
    week = datetime.timedelta(days=7)
    moved = world.event('ser_2', recurring_event_id='ser', title=master.title,
                        start=master.start + week + datetime.timedelta(hours=2),
                        original_start=master.start + week)
    renamed = world.event('ser_3', recurring_event_id='ser', start=master.start + 2 * week,
                          original_start=master.start + 2 * week, title='Special agenda')
    answered = world.event('ser_4', recurring_event_id='ser', title=master.title,
                           start=master.start + 3 * week, original_start=master.start + 3 * week)
    answered.attendees[1].response_status = 'declined'
    called_off = CalendarEvent('ser_5', status='cancelled', recurring_event_id='ser',
                               original_start=master.start + 4 * week)
    outcomes = apply_page(world.scope(), [moved, renamed, answered, called_off])
    assert [(o.decision, o.reason) for o in outcomes] == [
        ('logged', 'r8_contact_attendee')] * 3 + [('logged', 'r13_cancelled_occurrence')]
    cancelled = Meeting.get(Meeting.provider_event_id == 'ser_5')
    assert cancelled.status == 'cancelled'
    assert cancelled.start == master.start + 4 * week
    assert cancelled.title == master.title
    assert len(timeline(world.buyer)) == 5


def test_r14_r15_r4_skipped_events_leave_no_meeting(world):
    page = [world.event('allday', all_day=True), world.event('private', visibility='private'),
            world.event('old', created=world.connected_at - datetime.timedelta(days=1))]
    reasons = {o.provider_event_id: o.reason for o in apply_page(world.scope(), page)}
    assert reasons == {'allday': 'r14_all_day', 'private': 'r15_private',
                       'old': 'r4_before_connection'}
    assert Meeting.select().count() == 0


def test_r15_made_private_freezes_the_meeting(world):
    apply_page(world.scope(), [world.event('ev1')])
    [outcome] = apply_page(world.scope(), [world.event('ev1', visibility='private', title='Secret')])
    assert (outcome.decision, outcome.reason) == ('skipped', 'r15_made_private')
    meeting = Meeting.get()
    assert meeting.frozen and meeting.title == 'Demo ev1'
    # Frozen: neither edits nor the calendar's delete touch it any more.
    apply_page(world.scope(), [world.event('ev1', title='Public again')])
    apply_page(world.scope(), [world.event('ev1', status='cancelled')])
    assert Meeting.get().title == 'Demo ev1'
    assert timeline(world.buyer) == ['Demo ev1']
    assert decisions('ev1')[-2:] == [('skipped', 'r15_frozen')] * 2


def test_b4_every_event_seen_leaves_one_decision_row(world):
    page = [world.event('a'), world.event('b', all_day=True), world.event('c', attendees=())]
    apply_page(world.scope(), page)
    rows = {d.provider_event_id: (d.decision, d.reason, d.title, d.meeting_id is not None)
            for d in SyncDecision.select()}
    assert rows == {'a': ('logged', 'r8_contact_attendee', 'Demo a', True),
                    'b': ('skipped', 'r14_all_day', 'Demo b', False),
                    'c': ('skipped', 'r12_internal_only', 'Demo c', False)}
    assert SyncDecision.select().count() == 3


def test_bad_event_data_is_skipped_and_the_sync_goes_on(world):
    broken_time = world.event('bad1', end=ahead() - datetime.timedelta(days=1))  # ends before it starts
    broken_people = world.event('bad2')
    broken_people.attendees = [object()]
    page = [broken_time, broken_people, world.event('good')]
    outcomes = {o.provider_event_id: (o.decision, o.reason) for o in apply_page(world.scope(), page)}
    assert outcomes == {'bad1': ('skipped', 'invalid_event'), 'bad2': ('skipped', 'invalid_event'),
                        'good': ('logged', 'r8_contact_attendee')}
    assert [m.provider_event_id for m in Meeting.select()] == ['good']


def test_r5_echo_of_a_crm_meeting_updates_it_instead_of_duplicating(world):
    now = ahead()
    crm = Meeting.create(account=world.account.id, user=world.user.id, title='From CRM', start=now,
                         end=now + datetime.timedelta(minutes=30), source='crm',
                         calendar_provider='memory', provider_event_id='crm1',
                         video_link='https://meet.example.com/crm')
    MeetingContact.create(meeting=crm.id, contact=world.champion.id)  # associated by hand
    echo = world.event('crm1', title='From CRM (edited in calendar)', attendees=('cto@acme.com',))
    [outcome] = apply_page(world.scope(), [echo])
    assert (outcome.decision, outcome.meeting_id) == ('updated', crm.id)
    meeting = Meeting.get()
    assert (meeting.title, meeting.source) == ('From CRM (edited in calendar)', 'crm')
    assert meeting.video_link == 'https://meet.example.com/crm'
    assert timeline(world.champion) == ['From CRM (edited in calendar)']


def test_page_of_1000_events_costs_at_most_15_statements(world):
    for i in range(300):
        Contact.create(account=world.account.id, email=f'c{i}@client.com')
    page = [world.event(f'e{i}', attendees=(f'c{i % 300}@client.com', f'c{(i + 1) % 300}@client.com',
                                            'someone@else.org'))
            for i in range(1000)]
    scope = world.scope()
    with count_queries() as fresh:
        apply_page(scope, page)
    assert Meeting.select().count() == 1000
    # A mixed second page: edits, deletes, made private, unchanged, skipped, new.
    mixed = []
    for i, event in enumerate(page):
        kind = i % 5
        if kind == 0:
            event.title += ' (edited)'
            event.attendees = event.attendees[:2]
        elif kind == 1:
            event.status = 'cancelled'
        elif kind == 2:
            event.visibility = 'private'
        mixed.append(event)
    mixed += [world.event(f'n{i}', all_day=bool(i % 2)) for i in range(200)]
    with count_queries() as changed:
        apply_page(scope, mixed)
    assert fresh.count <= 15, [q.msg for q in fresh.get_queries()]
    assert changed.count <= 15, [q.msg[0][:60] for q in changed.get_queries()]
    assert Meeting.select().count() == 1000 - 200 + 100
    assert Meeting.select().where(Meeting.frozen == True).count() == 200  # noqa: E712


class _WatchedAttendees(list):
    """An event's attendee list that notes whether the cyclic GC ran while it was read."""

    def __iter__(self):
        self.gc_enabled = gc.isenabled()
        return super().__iter__()


def test_a_page_is_applied_with_the_cyclic_gc_paused_then_restored(world):
    event = world.event('ev1')
    event.attendees = _WatchedAttendees(event.attendees)
    assert gc.isenabled()
    apply_page(world.scope(), [event])
    assert event.attendees.gc_enabled is False
    assert gc.isenabled()
    gc.disable()  # someone else paused it: the engine leaves it paused
    try:
        apply_page(world.scope(), [world.event('ev2')])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_attendee_flags_and_missing_contacts_are_stored_as_booleans_and_nulls(world):
    """The driver's faster binding of bool and None (server.db) stores what it always did."""
    apply_page(world.scope(), [world.event('ev1', attendees=('buyer@client.com', 'x@else.org'))])
    rows = {a.email: (a.is_organizer, a.contact_id) for a in MeetingAttendee.select()}
    assert rows == {'rep@acme.com': (True, None), 'buyer@client.com': (False, world.buyer.id),
                    'x@else.org': (False, None)}
    assert MeetingAttendee.select().where(MeetingAttendee.contact.is_null()).count() == 2
    assert MeetingAttendee.select().where(MeetingAttendee.is_organizer == True).count() == 1  # noqa: E712
    assert Meeting.get().frozen is False
