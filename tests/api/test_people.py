"""Issue 10 §1 (B6): GET /people and POST /people, the open e-mail thread's people."""
from decimal import Decimal

from playhouse.test_utils import count_queries

from server.db import db
from server.models import (Company, Contact, Deal, DealContact, Meeting, MeetingAttendee,
                           MeetingContact, User)
from tests.clock import DAY, ahead, iso, today


def people(caller, *emails):
    query = '&'.join(f'email={e}' for e in emails)
    return caller.get(f'/people?{query}')


def _meeting(caller, start, *emails, title='Call', **fields):
    resp = caller.post('/meetings', json={
        'title': title, 'start': iso(start), 'end': iso(start + DAY / 24),
        'attendees': [{'email': e} for e in emails], **fields})
    assert resp.status_code == 201, resp.json
    return resp.json


def _seed(caller):
    account = caller.user.account_id
    with db.connection_context():
        client = Company.create(account=account, name='Client Co', domain='client.example')
        Company.create(account=account, name='Client Co (a later duplicate)',
                       domain='client.example')
        bea = Contact.create(account=account, email='bea@client.example', first_name='Bea',
                             last_name='Buyer', job_title='CTO', company=client,
                             owner=caller.user.id)
        won = Deal.create(account=account, name='Won', stage='closed_won', company=client)
        open_deal = Deal.create(account=account, name='Renewal', stage='qualified_to_buy',
                                amount=Decimal('1200.5'), company=client)
        DealContact.create(deal=won, contact=bea)
        DealContact.create(deal=open_deal, contact=bea)
    return client, bea, open_deal


def test_issue10_people_contact_internal_company_deals_and_meetings(caller):
    """R11 case-insensitive, R12 internal by the account's domain, the company of an address
    without a contact by its domain, open deals only, next and last meetings."""
    client, bea, deal = _seed(caller)
    past = _meeting(caller, today(hour=9, days=-3), 'bea@client.example', title='Before')
    _meeting(caller, today(hour=9, days=-10), 'bea@client.example', title='Long ago')
    nxt = _meeting(caller, ahead(days=2), 'bea@client.example', 'new@client.example', title='Next')
    _meeting(caller, ahead(days=9), 'bea@client.example', title='Later')
    resp = people(caller, 'BEA@Client.example', 'new@client.example', 'colleague@acme.com',
                  'bea@client.example', 'not-an-address', 'x@nowhere.example')
    assert resp.status_code == 200, resp.json
    found = resp.json['people']
    assert [p['email'] for p in found] == ['bea@client.example', 'new@client.example',
                                           'colleague@acme.com', 'not-an-address',
                                           'x@nowhere.example']
    bea_, new, colleague, bad, unknown = found
    assert bea_['contact']['id'] == bea.id and bea_['contact']['name'] == 'Bea Buyer'
    assert bea_['contact']['company'] == {'id': client.id, 'name': 'Client Co',
                                          'domain': 'client.example'}
    assert bea_['contact']['owner'] == {'id': caller.user.id, 'name': 'Rita Rep'}
    assert bea_['company']['id'] == client.id and bea_['is_internal'] is False
    assert bea_['open_deals'] == [{'id': deal.id, 'name': 'Renewal', 'stage': 'qualified_to_buy',
                                   'amount': '1200.50'}]
    assert bea_['next_meeting']['id'] == nxt['id'] and bea_['last_meeting']['id'] == past['id']
    assert bea_['error'] is None
    assert new['contact'] is None and new['company']['id'] == client.id
    assert new['open_deals'][0]['id'] == deal.id  # the company's, without a contact
    assert new['next_meeting']['id'] == nxt['id'] and new['last_meeting'] is None
    assert colleague['is_internal'] is True and colleague['company'] is None
    assert bad['error'] == 'Not a valid e-mail address.' and bad['contact'] is None
    assert unknown == {'email': 'x@nowhere.example', 'contact': None, 'is_internal': False,
                       'company': None, 'open_deals': [], 'next_meeting': None,
                       'last_meeting': None, 'error': None}


def test_issue10_people_is_a_constant_number_of_statements(caller):
    """1, 10 or 50 addresses (contacts, strangers, meetings for each): at most 5 statements
    (the token check included), the same for 10 as for 50."""
    _seed(caller)
    account = caller.user.account_id
    with db.connection_context():
        for n in range(50):
            Contact.create(account=account, email=f'c{n}@client.example', first_name=f'C{n}')
    for n in range(0, 50, 5):
        _meeting(caller, ahead(days=1 + n % 7), f'c{n}@client.example', f's{n}@other.example')
        _meeting(caller, today(hour=8, days=-1 - n % 7), f'c{n}@client.example')
    counts = []
    for size in (1, 10, 50):
        emails = [f'c{n}@client.example' if n % 2 else f's{n}@other.example' for n in range(size)]
        with count_queries() as counted:
            resp = people(caller, *emails)
        assert resp.status_code == 200 and len(resp.json['people']) == size
        counts.append(counted.count)
    # One address is one kind of person (fewer kinds, a statement fewer); never more.
    # The token check, then who they are (contacts, users, companies by domain), their open
    # deals, their meetings.
    assert counts[0] <= counts[1] == counts[2] <= 4, counts


def test_issue10_people_more_than_50_or_none_is_a_422(caller):
    resp = people(caller, *[f'p{n}@client.example' for n in range(51)])
    assert resp.status_code == 422 and 'email' in resp.json['errors']
    assert caller.get('/people').status_code == 422


def test_issue10_r18_post_people_creates_contact_linked_to_company_by_domain(caller):
    """R18 for an e-mail participant: created from address and display name, linked to the
    company whose domain matches; a repeat is a 200 with the same contact; its meetings go on
    its timeline."""
    client, _, _ = _seed(caller)
    meeting = _meeting(caller, ahead(days=3), 'Dana@Client.example')
    resp = caller.post('/people', json={'email': 'DANA@client.example',
                                        'display_name': 'Dana Decider'})
    assert resp.status_code == 201, resp.json
    contact = resp.json
    assert contact['email'] == 'dana@client.example'
    assert (contact['first_name'], contact['last_name']) == ('Dana', 'Decider')
    assert contact['company'] == {'id': client.id, 'name': 'Client Co', 'domain': 'client.example'}
    assert contact['owner']['id'] == caller.user.id
    with db.connection_context():
        assert MeetingContact.get_or_none(meeting=meeting['id'], contact=contact['id'])
        assert MeetingAttendee.get(MeetingAttendee.meeting == meeting['id']).contact_id == contact['id']
    again = caller.post('/people', json={'email': 'dana@client.example', 'display_name': 'X'})
    assert again.status_code == 200 and again.json['id'] == contact['id']
    assert again.json['first_name'] == 'Dana'


def test_issue10_r12_post_people_refuses_internal_addresses(caller):
    with db.connection_context():
        User.create(account=caller.user.account_id, email='pal@partner.example', name='Pal')
    for email in ('colleague@acme.com', 'pal@partner.example'):
        resp = caller.post('/people', json={'email': email})
        assert resp.status_code == 422 and resp.json['errors'] == {'email': ['Internal address.']}
    assert caller.post('/people', json={'email': 'nope'}).status_code == 422
    with db.connection_context():
        assert Contact.select().count() == 0


def test_issue10_people_never_reads_another_account(caller, make_caller):
    """Scoped to the caller's account: another account's contact, company, deals and meetings
    with the same address stay invisible, and POST makes the intruder's own contact."""
    _seed(caller)
    _meeting(caller, ahead(days=2), 'bea@client.example')
    eve = make_caller('eve@globex.com', account='Globex')
    found = people(eve, 'bea@client.example').json['people'][0]
    assert found['contact'] is None and found['company'] is None
    assert found['open_deals'] == [] and found['next_meeting'] is None
    made = eve.post('/people', json={'email': 'bea@client.example'})
    assert made.status_code == 201 and made.json['company'] is None
    with db.connection_context():
        assert Contact.get_by_id(made.json['id']).account_id == eve.user.account_id
        assert Meeting.select().where(Meeting.account == eve.user.account_id).count() == 0


def test_issue10_r12_a_user_of_the_account_at_another_domain_is_internal(caller, make_caller):
    """R12's second half: a member whose address is not at the account's domains (the users
    and companies are looked up in one statement) is internal all the same; a stranger of the
    same domain is not."""
    colleague = make_caller('carl@personal.example', account='Acme', domain='acme.com')
    assert colleague.user.account_id == caller.user.account_id
    found = people(caller, 'Carl@Personal.example', 'dana@personal.example').json['people']
    assert [(p['email'], p['is_internal']) for p in found] == [
        ('carl@personal.example', True), ('dana@personal.example', False)]
