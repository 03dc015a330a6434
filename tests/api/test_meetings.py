"""The meetings API: listing, scheduling (R5), Add contact (R18), Start (R19)."""
from playhouse.test_utils import count_queries

from server.db import db
from server.models import Company, Contact, Meeting, MeetingAttendee, MeetingContact
from tests.clock import iso_ahead

START = iso_ahead(days=1, hour=15)
END = iso_ahead(days=1, hour=15, minute=30)


def schedule(caller, **fields):
    body = {'title': 'Demo call', 'start': START, 'end': END,
            'attendees': [{'email': 'Buyer@Client.com', 'display_name': 'Bea Buyer'},
                          {'email': 'colleague@acme.com', 'display_name': 'Cole League'}]}
    body.update(fields)
    return caller.post('/meetings', json=body)


def test_r5_schedule_meeting_creates_activity_with_attendees(caller):
    resp = schedule(caller, video_link='https://meet.example.com/abc')
    assert resp.status_code == 201, resp.json
    meeting = resp.json
    assert meeting['title'] == 'Demo call'
    assert meeting['start'] == iso_ahead(days=1, hour=15)
    assert meeting['source'] == 'crm'
    emails = [a['email'] for a in meeting['attendees']]
    assert emails == ['buyer@client.com', 'colleague@acme.com']
    internal = {a['email']: a['is_internal'] for a in meeting['attendees']}
    assert internal == {'buyer@client.com': False, 'colleague@acme.com': True}


def test_r11_attendee_matches_contact_case_insensitively(caller):
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='buyer@client.com', first_name='Bea')
    meeting = schedule(caller).json
    buyer = meeting['attendees'][0]
    assert buyer['contact']['name'] == 'Bea'


def test_bad_input_gets_field_messages(caller):
    resp = schedule(caller, end=iso_ahead(days=1, hour=14), attendees=[{'email': 'nope'}])
    assert resp.status_code == 422
    assert resp.json['code'] == 'validation_error'
    assert 'attendees' in resp.json['errors'] or 'end' in resp.json['errors']
    resp = caller.post('/meetings', data='{not json', headers={'Content-Type': 'application/json'})
    assert resp.status_code == 400
    assert set(resp.json) == {'code', 'message', 'errors'}
    with db.connection_context():
        assert Meeting.select().count() == 0


def test_an_attendee_twice_in_one_request_is_a_422_never_a_500(caller):
    """Found by schemathesis: the same e-mail twice (in any case) in POST /meetings/{id}/attendees
    broke the unique index (500). Both write paths now answer 422 and write nothing."""
    twice = [{'email': 'ann@client.example'}, {'email': 'ANN@client.example', 'display_name': 'Ann'}]
    resp = schedule(caller, attendees=twice)
    assert resp.status_code == 422
    assert resp.json['errors'] == {'attendees': ['Each attendee may appear once.']}
    meeting = schedule(caller, attendees=[{'email': 'bob@client.example'}]).json
    resp = caller.post(f"/meetings/{meeting['id']}/attendees", json={'attendees': twice})
    assert resp.status_code == 422
    assert resp.json['errors'] == {'attendees': ['Each attendee may appear once.']}
    with db.connection_context():
        assert [a.email for a in MeetingAttendee.select()] == ['bob@client.example']


def test_r18_add_attendee_as_contact_is_idempotent(caller):
    first = schedule(caller).json
    second = schedule(caller, start=iso_ahead(days=2, hour=15), end=iso_ahead(days=2, hour=16)).json
    resp = caller.post(f"/meetings/{first['id']}/attendees/buyer@client.com/contact")
    assert resp.status_code == 201
    contact = resp.json
    assert contact['first_name'] == 'Bea' and contact['last_name'] == 'Buyer'
    again = caller.post(f"/meetings/{first['id']}/attendees/BUYER@client.com/contact")
    assert again.status_code == 200 and again.json['id'] == contact['id']
    with db.connection_context():
        assert Contact.select().count() == 1
        linked = {r.meeting_id for r in MeetingContact.select().where(
            MeetingContact.contact == contact['id'])}
    assert linked == {first['id'], second['id']}


def test_r19_start_returns_video_link(caller):
    meeting = schedule(caller, video_link='https://meet.example.com/abc').json
    resp = caller.post(f"/meetings/{meeting['id']}/start")
    assert resp.status_code == 200
    assert resp.json['url'] == 'https://meet.example.com/abc'
    assert caller.get(f"/meetings/{meeting['id']}").json['started_at']


def test_r19_start_opens_only_web_addresses(caller):
    """A calendar event's links come from whoever made it: /start never hands out javascript:."""
    meeting = schedule(caller).json
    with db.connection_context():
        Meeting.update(video_link='javascript:alert(document.cookie)',
                       calendar_link='https://calendar.example.com/e/1').where(
            Meeting.id == meeting['id']).execute()
    resp = caller.post(f"/meetings/{meeting['id']}/start")
    assert resp.status_code == 200 and resp.json['url'] == 'https://calendar.example.com/e/1'
    with db.connection_context():
        Meeting.update(calendar_link='data:text/html,<script>1</script>').where(
            Meeting.id == meeting['id']).execute()
    assert caller.post(f"/meetings/{meeting['id']}/start").status_code == 422


def test_meetings_page_is_a_constant_number_of_queries(caller):
    for day in range(1, 21):
        schedule(caller, start=iso_ahead(days=day, hour=10), end=iso_ahead(days=day, hour=11))
    with count_queries() as few:
        page = caller.get('/meetings?limit=2')
    with count_queries() as many:
        page = caller.get('/meetings?limit=20')
    assert len(page.json['items']) == 20
    assert many.count == few.count <= 6


def test_meetings_cursor_pages_through_in_order(caller):
    for day in (3, 1, 2):
        schedule(caller, start=iso_ahead(days=day, hour=10), end=iso_ahead(days=day, hour=11))
    first = caller.get('/meetings?limit=2').json
    assert [m['start'][:10] for m in first['items']] == [iso_ahead(days=1)[:10], iso_ahead(days=2)[:10]]
    rest = caller.get(f"/meetings?limit=2&cursor={first['next_cursor']}").json
    assert [m['start'][:10] for m in rest['items']] == [iso_ahead(days=3)[:10]]
    assert rest['next_cursor'] is None


def test_nul_characters_are_refused_with_field_messages(caller):
    """PostgreSQL cannot store U+0000: the API answers 422, never 500."""
    resp = schedule(caller, title='Demo\x00call')
    assert resp.status_code == 422
    assert 'title' in resp.json['errors']
    resp = caller.get('/meetings?q=a%00b')
    assert resp.status_code == 422
    assert 'q' in resp.json['errors']


def test_r12_meetings_list_shows_each_attendee_and_contact_exactly(caller, make_caller):
    make_caller('teammate@elsewhere.org', account='Acme')  # a user of the account: internal
    with db.connection_context():
        company = Company.create(account=caller.user.account_id, name='Client Co')
        Contact.create(account=caller.user.account_id, email='buyer@client.com',
                       first_name='Bea', last_name='Buyer', job_title='CTO', company=company)
        Contact.create(account=caller.user.account_id, email='nameless@client.com')
    schedule(caller, attendees=[{'email': 'buyer@client.com', 'display_name': 'Bea B'},
                                {'email': 'nameless@client.com'},
                                {'email': 'teammate@elsewhere.org', 'display_name': 'Tom'}])
    [listed] = caller.get('/meetings').json['items']
    with db.connection_context():
        ids = {c.email: c.id for c in Contact.select()}
    assert listed['attendees'] == [
        {'email': 'buyer@client.com', 'display_name': 'Bea B', 'response_status': 'needsAction',
         'is_organizer': False, 'is_internal': False,
         'contact': {'id': ids['buyer@client.com'], 'name': 'Bea Buyer',
                     'email': 'buyer@client.com', 'company': 'Client Co', 'job_title': 'CTO'}},
        # No name: the contact shows its e-mail; no company: null.
        {'email': 'nameless@client.com', 'display_name': '', 'response_status': 'needsAction',
         'is_organizer': False, 'is_internal': False,
         'contact': {'id': ids['nameless@client.com'], 'name': 'nameless@client.com',
                     'email': 'nameless@client.com', 'company': None, 'job_title': ''}},
        {'email': 'teammate@elsewhere.org', 'display_name': 'Tom', 'response_status': 'needsAction',
         'is_organizer': False, 'is_internal': True, 'contact': None},
    ]


def test_issue10_search_matches_attendees_and_companies_across_the_window(caller):
    """q= matches the title, an attendee's e-mail or display name, a contact's name and its
    company's name, or an associated company's name (case-insensitively), for past meetings
    too within from/to; the list stays a constant number of statements."""
    from server.db import db as database
    from tests.clock import iso, today
    with database.connection_context():
        initech = Company.create(account=caller.user.account_id, name='Initech', domain='initech.example')
        globex = Company.create(account=caller.user.account_id, name='Globex Corp', domain='')
        Contact.create(account=caller.user.account_id, email='peter@initech.example',
                       first_name='Peter', last_name='Gibbons', company=initech)
    past = schedule(caller, title='Quarterly', start=iso(today(hour=9, days=-20)),
                    end=iso(today(hour=10, days=-20)),
                    attendees=[{'email': 'peter@initech.example'}]).json
    named = schedule(caller, title='Intro', attendees=[
        {'email': 'zoe@else.example', 'display_name': 'Zoë Zed'}]).json
    associated = schedule(caller, title='Planning', company_ids=[globex.id],
                          attendees=[]).json
    schedule(caller, title='Unrelated', attendees=[{'email': 'nobody@else.example'}])
    window = f"from={iso(today(days=-30))}&to={iso(today(days=30))}"

    def found(q):
        resp = caller.get(f'/meetings?q={q}&{window}')
        assert resp.status_code == 200, resp.json
        return [m['id'] for m in resp.json['items']]
    assert found('INITECH') == [past['id']]  # the contact's company
    assert found('gibbons') == [past['id']]  # the contact's name
    assert found('peter@initech') == [past['id']]  # the attendee's e-mail
    assert found('zoë') == [named['id']]  # the display name, non-ASCII letters folded
    assert found('globex') == [associated['id']]  # an associated company
    assert found('quarter') == [past['id']]  # the title, as before
    assert found('else.example') == [named['id'], found('Unrelated')[0]]
    # Outside the window: not found.
    assert caller.get(f"/meetings?q=initech&from={iso(today())}").json['items'] == []
    with count_queries() as few:
        caller.get(f'/meetings?q=e&{window}&limit=1')
    with count_queries() as many:
        caller.get(f'/meetings?q=e&{window}&limit=50')
    assert few.count == many.count
