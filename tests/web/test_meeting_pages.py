"""The schedule form (R5), the meeting page, notes (R20) and deleting (R6, B3)."""
import datetime
import zoneinfo

import pytest

from server.models import (Meeting, MeetingAttendee, MeetingCompany, MeetingContact, MeetingDeal,
                           MeetingTicket, Note)
from server.services.hooks import meeting_hooks
from tests.web.conftest import Browser, add_note, at, local_input, make_user, schedule

deleted_calls = []
# The calendar layer follows deletions through this hook (B3); record what it is told.
meeting_hooks.on('deleted')(
    lambda meeting, user, cancel_in_calendar: deleted_calls.append((meeting.id, cancel_in_calendar)))

START, END = at(30, hour=9) + datetime.timedelta(minutes=30), at(30) + datetime.timedelta(minutes=15)
FORM = {'title': 'Quarterly review', 'start': local_input(START), 'end': local_input(END),
        'attendees': 'hank@globex.example, Guest@Else.example\nthird@else.example',
        'description': 'Agenda: numbers', 'video_link': 'https://meet.example.com/abc'}


def test_r5_contact_page_prefills_the_form_with_the_contacts_email(browser, crm):
    page = browser.get(f'/contacts/{crm["contact"].id}').get_data(as_text=True)
    assert 'name="attendees"' in page
    assert '>hank@globex.example</textarea>' in page
    assert 'type="datetime-local"' in page


def test_r5_schedule_form_creates_the_meeting_with_attendees_and_association(browser, rep, crm):
    """R5: scheduling from a record page creates the associated meeting activity."""
    contact = crm['contact']
    response = browser.post(f'/contacts/{contact.id}/meetings', FORM)
    assert response.status_code == 302
    meeting = Meeting.get(Meeting.title == 'Quarterly review')
    assert response.headers['Location'] == f'/meetings/{meeting.id}'
    assert (meeting.user_id, meeting.account_id, meeting.source) == (rep.id, rep.account_id, 'crm')
    assert (meeting.start, meeting.end) == (START, END)
    assert meeting.description == 'Agenda: numbers'
    assert meeting.video_link == 'https://meet.example.com/abc'
    attendees = {a.email: a.contact_id for a in MeetingAttendee.select().where(
        MeetingAttendee.meeting == meeting.id)}
    assert attendees == {'hank@globex.example': contact.id, 'guest@else.example': None,
                         'third@else.example': None}
    assert [r.contact_id for r in MeetingContact.select().where(
        MeetingContact.meeting == meeting.id)] == [contact.id]
    page = browser.get(response.headers['Location']).get_data(as_text=True)
    assert 'Meeting &#34;Quarterly review&#34; scheduled.' in page


@pytest.mark.parametrize('plural,link,field', [
    ('companies', MeetingCompany, 'company_id'), ('deals', MeetingDeal, 'deal_id'),
    ('tickets', MeetingTicket, 'ticket_id')])
def test_r5_scheduling_from_other_records_associates_them(browser, crm, plural, link, field):
    assert browser.post(f'/{plural}/{crm[plural].id}/meetings', FORM).status_code == 302
    meeting = Meeting.get(Meeting.title == 'Quarterly review')
    assert [getattr(r, field) for r in link.select().where(link.meeting == meeting.id)] == [
        crm[plural].id]
    # The attendee who is a contact still gets it on her timeline (R5, R8).
    assert MeetingContact.select().where(MeetingContact.meeting == meeting.id).count() == 1


def test_r5_times_are_read_in_the_users_time_zone(client, crm):
    berlin = make_user('bert@acme.example', 'Acme', time_zone='Europe/Berlin')
    response = Browser(client, berlin).post(f'/contacts/{crm["contact"].id}/meetings', FORM)
    assert response.status_code == 302
    meeting = Meeting.get(Meeting.title == 'Quarterly review')
    # 09:30 in Berlin is 08:30 UTC in winter, 07:30 in summer.
    berlin_start = START.replace(tzinfo=zoneinfo.ZoneInfo('Europe/Berlin'))
    assert meeting.start == berlin_start.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    page = Browser(client, berlin).get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert '09:30' in page and 'Europe/Berlin' in page


@pytest.mark.parametrize('changes,field,message', [
    ({'title': ''}, 'title', 'This field is required.'),
    ({'start': ''}, 'start', 'This field is required.'),
    ({'start': 'next tuesday'}, 'start', 'Enter a date and time.'),
    ({'end': local_input(START - datetime.timedelta(minutes=30))}, 'end', 'Must be after start.'),
    ({'attendees': 'hank@globex.example, not-an-email'}, 'attendees', 'not-an-email: Not a valid email address.'),
    ({'video_link': 'ftp://files.example/x'}, 'video_link', 'Not a valid URL.'),
    ({'title': 'x' * 501}, 'title', 'Length must be between 1 and 500.'),
    ({'title': '   '}, 'title', 'This field is required.'),
])
def test_r5_bad_schedule_form_shows_field_messages_and_writes_nothing(
        browser, crm, changes, field, message):
    form = dict(FORM, **changes)
    response = browser.post(f'/contacts/{crm["contact"].id}/meetings', form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    # What the user typed is kept.
    assert 'Agenda: numbers</textarea>' in page
    assert 'hank@globex.example, ' in page and f'value="{local_input(START)[:11]}' in page
    assert Meeting.select().count() == 0 and MeetingAttendee.select().count() == 0


def test_schedule_form_needs_the_csrf_token(browser, crm):
    assert browser.post(f'/contacts/{crm["contact"].id}/meetings', FORM, csrf=False).status_code == 400
    assert Meeting.select().count() == 0


def test_meeting_page_shows_details_attendees_and_notes(browser, rep, crm):
    meeting = schedule(rep, 'Pricing call', at(1), ['hank@globex.example', 'sam@acme.example',
                                                     'guest@else.example'],
                       deal_ids=[crm['deal'].id])
    add_note(rep, meeting, 'Wants 10% off.')
    page = browser.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert 'Pricing call' in page and 'Wants 10% off.' in page and 'Rita Rep' in page
    assert f'href="/contacts/{crm["contact"].id}"' in page  # the attendee who is a contact
    assert 'guest@else.example' in page and 'no contact' in page
    assert 'internal' in page
    assert f'href="/deals/{crm["deal"].id}"' in page  # the associated deal
    assert 'name="cancel_in_calendar"' in page


def test_r20_note_form_adds_a_note_and_returns_to_the_timeline(browser, rep, crm):
    meeting = schedule(rep, 'Pricing call', at(1), ['hank@globex.example'])
    back = f'/contacts/{crm["contact"].id}#meeting-{meeting.id}'
    response = browser.post(f'/meetings/{meeting.id}/notes', {'body': '  Send the deck.  ',
                                                               'next': back})
    assert response.status_code == 302 and response.headers['Location'] == back
    note = Note.get(Note.meeting == meeting.id)
    assert (note.body, note.author_id) == ('Send the deck.', rep.id)
    assert 'Send the deck.' in browser.get(f'/contacts/{crm["contact"].id}').get_data(as_text=True)


def test_r20_empty_note_is_refused_with_a_message(browser, rep):
    meeting = schedule(rep, 'Pricing call', at(1))
    response = browser.post(f'/meetings/{meeting.id}/notes', {'body': '   ',
                                                               'next': 'https://evil.example'})
    assert response.headers['Location'] == f'/meetings/{meeting.id}'
    assert 'The note was not saved' in browser.get(response.headers['Location']).get_data(as_text=True)
    assert Note.select().count() == 0


@pytest.mark.parametrize('form,expected', [({}, False), ({'cancel_in_calendar': '1'}, True)])
def test_r6_b3_delete_keeps_the_calendar_event_unless_asked(browser, rep, form, expected):
    """R6/B3: deleting in the CRM cancels the calendar event only when the box is ticked."""
    meeting = schedule(rep, 'Pricing call', at(1), ['hank@globex.example'])
    deleted_calls.clear()
    response = browser.post(f'/meetings/{meeting.id}/delete', form)
    assert response.status_code == 302 and response.headers['Location'] == '/'
    assert Meeting.get_or_none(Meeting.id == meeting.id) is None
    assert deleted_calls == [(meeting.id, expected)]
    message = 'deleted (it had no calendar event to cancel)' if expected else 'the calendar event was kept'
    assert message in browser.get('/').get_data(as_text=True)


def test_cross_account_meeting_pages_are_404(client, rep):
    """A user of account B gets 404 for account A's meeting, its notes and its deletion."""
    meeting = schedule(rep, 'Secret strategy', at(1))
    add_note(rep, meeting, 'Confidential.')
    eve = Browser(client, make_user('eve@other.example', 'Other Inc'))
    response = eve.get(f'/meetings/{meeting.id}')
    assert response.status_code == 404 and 'Secret strategy' not in response.get_data(as_text=True)
    assert eve.post(f'/meetings/{meeting.id}/notes', {'body': 'hi'}).status_code == 404
    deleted_calls.clear()
    assert eve.post(f'/meetings/{meeting.id}/delete', {'cancel_in_calendar': '1'}).status_code == 404
    assert Meeting.get_or_none(Meeting.id == meeting.id) is not None
    assert Note.select().count() == 1 and deleted_calls == []


def test_oversized_forms_get_messages_not_errors(browser, rep, crm):
    many = ', '.join(f'guest{i}@else.example' for i in range(201))
    response = browser.post(f'/contacts/{crm["contact"].id}/meetings', dict(FORM, attendees=many))
    assert response.status_code == 422
    assert 'Longer than maximum length 200.' in response.get_data(as_text=True)
    meeting = schedule(rep, 'Pricing call', at(1))
    response = browser.post(f'/meetings/{meeting.id}/notes', {'body': 'x' * 20001})
    assert response.status_code == 302
    assert 'The note was not saved' in browser.get(response.headers['Location']).get_data(as_text=True)
    assert Meeting.select().count() == 1 and Note.select().count() == 0


def test_b9_meeting_page_orders_and_shows_notes_by_the_time_they_were_typed(browser, rep, crm):
    """A note typed offline and delivered late shows its typing time, in typing order."""
    from server.models import utcnow
    from server.services import notes
    meeting = schedule(rep, 'Pricing call', at(1), ['hank@globex.example'])
    typed = utcnow().replace(second=0, microsecond=0) - datetime.timedelta(hours=3)
    notes.add(rep, meeting.id, 'Delivered now, typed later')
    notes.add(rep, meeting.id, 'Typed offline hours ago', typed_at=typed)
    for path in (f'/meetings/{meeting.id}', f'/contacts/{crm["contact"].id}'):
        page = browser.get(path).get_data(as_text=True)
        assert page.index('Typed offline hours ago') < page.index('Delivered now, typed later')
        assert f'<time datetime="{typed.isoformat()}Z">' in page
