"""R12 (internal attendees) and R18 (Add contact) as /meetings shows them."""
from server.db import db
from server.models import Account, Contact
from tests.clock import iso_ahead


def schedule(caller, attendees, day=1):
    resp = caller.post('/meetings', json={
        'title': 'Review', 'start': iso_ahead(days=day, hour=10),
        'end': iso_ahead(days=day, hour=11), 'attendees': attendees})
    assert resp.status_code == 201, resp.json
    return resp.json


def test_r12_is_internal_for_domains_and_users_of_the_account(caller, make_caller):
    make_caller('contractor@gmail.com', account='Acme')  # a user of the account, other domain
    with db.connection_context():
        Account.update(connected_domains='acme-mail.com').where(
            Account.id == caller.user.account_id).execute()
    schedule(caller, [{'email': 'boss@ACME.com'}, {'email': 'ops@acme-mail.com'},
                      {'email': 'Contractor@gmail.com'}, {'email': 'friend@gmail.com'},
                      {'email': 'buyer@acme.com.evil.io'}])
    listed = caller.get('/meetings').json['items'][0]['attendees']
    assert {a['email']: a['is_internal'] for a in listed} == {
        'boss@acme.com': True, 'ops@acme-mail.com': True, 'contractor@gmail.com': True,
        'friend@gmail.com': False, 'buyer@acme.com.evil.io': False}


def test_r18_meetings_show_contact_or_null_and_add_fills_it(caller):
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='known@client.com',
                       first_name='Kim', last_name='Known', job_title='CTO')
    first = schedule(caller, [{'email': 'known@client.com'},
                              {'email': 'new@client.com', 'display_name': 'Nia New'}])
    schedule(caller, [{'email': 'NEW@client.com'}], day=2)
    items = caller.get('/meetings').json['items']
    known, new = items[0]['attendees']
    assert known['contact'] == {'id': known['contact']['id'], 'name': 'Kim Known',
                                'email': 'known@client.com', 'company': None, 'job_title': 'CTO'}
    assert new['contact'] is None
    added = caller.post(f"/meetings/{first['id']}/attendees/new@client.com/contact")
    assert added.status_code == 201 and added.json['name'] == 'Nia New'
    items = caller.get('/meetings').json['items']
    assert [m['attendees'][-1]['contact']['id'] for m in items] == [added.json['id']] * 2
    timeline = caller.get(f"/contacts/{added.json['id']}/timeline").json['items']
    assert len(timeline) == 2


def test_r12_r18_internal_attendee_cannot_be_added(caller):
    meeting = schedule(caller, [{'email': 'colleague@acme.com'}])
    resp = caller.post(f"/meetings/{meeting['id']}/attendees/colleague@acme.com/contact")
    assert resp.status_code == 422 and 'email' in resp.json['errors']
    with db.connection_context():
        assert Contact.select().count() == 0
