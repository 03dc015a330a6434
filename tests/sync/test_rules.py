"""The pure sync rules, one test (or more) per rule id; no database."""
import datetime

from server.calendars.base import Attendee, CalendarEvent
from server.sync import rules
from server.sync.rules import Existing, RuleContext, decide
from tests.clock import ahead, today

CONNECTED = today(9, days=-30)
START = ahead()


def event(**fields):
    values = dict(provider_event_id='ev1', title='Demo', start=START,
                  end=START + datetime.timedelta(minutes=30),
                  created=CONNECTED + datetime.timedelta(days=1),
                  organizer_email='rep@acme.com',
                  attendees=[Attendee('rep@acme.com', is_self=True, is_organizer=True),
                             Attendee('buyer@client.com', 'Bea Buyer')])
    values.update(fields)
    return CalendarEvent(**values)


def context(**fields):
    values = dict(connected_at=CONNECTED, domains=frozenset({'acme.com'}),
                  user_emails=frozenset({'rep@acme.com'}),
                  contact_ids={'buyer@client.com': 7})
    values.update(fields)
    return RuleContext(**values)


def test_r8_event_with_a_contact_attendee_is_logged():
    assert decide(event(), context()) == ('logged', 'r8_contact_attendee')


def test_r8_contact_who_is_the_organizer_counts():
    ev = event(organizer_email='Buyer@Client.com',
               attendees=[Attendee('rep@acme.com', is_self=True)])
    assert rules.people(ev) == ['rep@acme.com', 'buyer@client.com']
    assert decide(ev, context()) == ('logged', 'r8_contact_attendee')


def test_r4_event_created_before_connection_is_skipped():
    before = event(created=CONNECTED - datetime.timedelta(seconds=1))
    assert not rules.r4_created_after_connection(before, CONNECTED)
    assert rules.r4_created_after_connection(event(created=CONNECTED), CONNECTED)
    assert decide(before, context()) == ('skipped', 'r4_before_connection')


def test_r4_event_created_in_the_same_second_as_the_connection_is_synced():
    """Google reports `created` to the second: 12:00:00.000 after connecting at 12:00:00.800."""
    noon = today(12, days=-5)
    connected = noon + datetime.timedelta(microseconds=800000)
    same_second = event(created=noon)
    assert rules.r4_created_after_connection(same_second, connected)
    earlier = event(created=noon - datetime.timedelta(seconds=1))
    assert not rules.r4_created_after_connection(earlier, connected)


def test_r4_does_not_apply_to_a_meeting_already_synced():
    before = event(created=CONNECTED - datetime.timedelta(days=1))
    existing = Existing(meeting_id=1)
    assert decide(before, context(existing=existing)) == ('updated', 'r9_edited')


def test_r10_event_without_contacts_is_skipped_and_creates_nothing():
    assert not rules.r10_has_contact(['stranger@else.com'], {'buyer@client.com': 7})
    assert decide(event(), context(contact_ids={})) == ('skipped', 'r10_no_contacts')


def test_r11_matching_is_exact_and_case_insensitive():
    contacts = {'buyer@client.com': 7}
    assert rules.r11_matching_contacts([' BUYER@Client.COM '], contacts) == [7]
    # No fuzzy matching: a sub-address, another domain or a look-alike is not the contact.
    assert rules.r11_matching_contacts(['buyer+x@client.com', 'buyer@client.co',
                                        'buyer@client.com.evil.org'], contacts) == []


def test_r12_internal_attendees_are_never_logged():
    domains, users = frozenset({'acme.com', 'acme.io'}), frozenset({'contractor@gmail.com'})
    emails = ['a@acme.com', 'b@ACME.io', 'contractor@gmail.com', 'buyer@client.com']
    assert rules.r12_external_people(emails, domains, users) == ['buyer@client.com']


def test_r12_event_with_only_internal_attendees_creates_nothing():
    ev = event(attendees=[Attendee('rep@acme.com', is_self=True), Attendee('cto@acme.com')])
    # Even if a colleague is (wrongly) also a contact, internal people are never logged.
    ctx = context(contact_ids={'cto@acme.com': 3})
    assert decide(ev, ctx) == ('skipped', 'r12_internal_only')


def test_r13_series_master_is_synced_as_the_first_occurrence():
    master = event(is_recurring_master=True)
    assert not rules.r13_is_series_member(master)
    assert decide(master, context()) == ('logged', 'r8_contact_attendee')


def test_r13_plain_occurrence_is_skipped():
    master = event(is_recurring_master=True)
    occurrence = event(provider_event_id='ev1_20261208', recurring_event_id='ev1',
                       start=START + datetime.timedelta(days=7),
                       end=START + datetime.timedelta(days=7, minutes=30),
                       original_start=START + datetime.timedelta(days=7))
    ctx = context(master=rules.event_fingerprint(master), master_logged=True)
    assert not rules.r13_is_exception(occurrence, ctx.master)
    assert decide(occurrence, ctx) == ('skipped', 'r13_occurrence')


def _occurrence(**fields):
    values = dict(provider_event_id='ev1_20261208', recurring_event_id='ev1',
                  start=START + datetime.timedelta(days=7),
                  end=START + datetime.timedelta(days=7, minutes=30),
                  original_start=START + datetime.timedelta(days=7))
    values.update(fields)
    return event(**values)


def test_r13_moved_occurrence_becomes_its_own_meeting():
    master = rules.event_fingerprint(event(is_recurring_master=True))
    moved = _occurrence(start=START + datetime.timedelta(days=8),
                        end=START + datetime.timedelta(days=8, minutes=30))
    assert rules.r13_is_exception(moved, master)
    assert decide(moved, context(master=master)) == ('logged', 'r8_contact_attendee')


def test_r13_occurrence_with_changed_details_becomes_its_own_meeting():
    master = rules.event_fingerprint(event(is_recurring_master=True))
    changed = _occurrence(title='Demo (agenda changed)')
    assert decide(changed, context(master=master)) == ('logged', 'r8_contact_attendee')


def test_r13_occurrence_with_an_attendee_response_becomes_its_own_meeting():
    master = rules.event_fingerprint(event(is_recurring_master=True))
    answered = _occurrence(attendees=[Attendee('rep@acme.com', is_self=True),
                                      Attendee('buyer@client.com', 'Bea Buyer', 'declined')])
    assert rules.r13_is_exception(answered, master)
    assert decide(answered, context(master=master)) == ('logged', 'r8_contact_attendee')


def test_r13_cancelled_occurrence_of_a_logged_series_becomes_its_own_meeting():
    cancelled = event(provider_event_id='ev1_20261208', recurring_event_id='ev1', status='cancelled',
                      start=None, end=None, created=None, attendees=[])
    assert decide(cancelled, context(master_logged=True)) == ('logged', 'r13_cancelled_occurrence')
    assert decide(cancelled, context()) == ('skipped', 'r13_series_not_logged')
    existing = Existing(meeting_id=4)
    assert decide(cancelled, context(existing=existing)) == ('updated', 'r13_cancelled_occurrence')


def test_r14_all_day_events_are_not_synced():
    assert rules.r14_is_all_day(event(all_day=True))
    assert decide(event(all_day=True), context()) == ('skipped', 'r14_all_day')
    dated = event(all_day=True, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 2))
    assert decide(dated, context()) == ('skipped', 'r14_all_day')


def test_r15_private_events_are_not_synced():
    for visibility in ('private', 'confidential'):
        assert decide(event(visibility=visibility), context()) == ('skipped', 'r15_private')
    assert not rules.r15_is_private(event(visibility='public'))


def test_r15_public_event_made_private_freezes_its_meeting():
    existing = Existing(meeting_id=1)
    assert decide(event(visibility='private'), context(existing=existing)) == (
        'skipped', 'r15_made_private')


def test_r15_frozen_meeting_receives_no_more_changes():
    frozen = Existing(meeting_id=1, frozen=True)
    assert decide(event(title='new'), context(existing=frozen)) == ('skipped', 'r15_frozen')
    assert decide(event(status='cancelled'), context(existing=frozen)) == ('skipped', 'r15_frozen')


def test_r9_cancelled_event_removes_its_meeting():
    assert decide(event(status='cancelled'), context(existing=Existing(meeting_id=1))) == (
        'deleted', 'r9_cancelled')
    assert decide(event(status='cancelled'), context()) == ('skipped', 'r9_cancelled')


def test_r9_edit_updates_and_replay_is_unchanged():
    ev = event()
    same = Existing(meeting_id=1, unchanged=True)
    assert decide(ev, context(existing=same)) == ('updated', 'r9_unchanged')
    assert decide(ev, context(existing=Existing(meeting_id=1))) == ('updated', 'r9_edited')


def test_r9_event_that_stops_qualifying_leaves_the_timelines():
    existing = Existing(meeting_id=1)
    assert decide(event(all_day=True), context(existing=existing)) == ('deleted', 'r14_all_day')
    assert decide(event(), context(existing=existing, contact_ids={})) == (
        'deleted', 'r10_no_contacts')


def test_r5_echo_of_a_crm_meeting_updates_it_whatever_its_attendees():
    crm = Existing(meeting_id=1, source='crm')
    internal = event(attendees=[Attendee('cto@acme.com')])
    assert decide(internal, context(existing=crm)) == ('updated', 'r9_edited')


def test_bad_provider_data_is_skipped_with_a_reason():
    assert decide(event(start=None), context()) == ('skipped', 'invalid_event')
    assert decide(event(end=START - datetime.timedelta(hours=1)), context()) == (
        'skipped', 'invalid_event')
    assert decide(event(provider_event_id=''), context()) == ('skipped', 'invalid_event')


def test_b4_every_reason_code_is_explained():
    codes = {'r8_contact_attendee', 'r4_before_connection', 'r10_no_contacts', 'r12_internal_only',
             'r13_occurrence', 'r14_all_day', 'r15_private', 'r15_made_private', 'r15_frozen',
             'r9_cancelled', 'invalid_event', 'r13_cancelled_occurrence', 'r13_series_not_logged'}
    assert codes <= set(rules.REASONS)


def test_r6_event_whose_meeting_was_deleted_in_the_crm_is_not_logged_again():
    assert decide(event(), context(deleted_in_crm=True)) == ('skipped', 'r6_deleted_in_crm')
