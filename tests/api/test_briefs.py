"""Issue 10 §2-3 (B7): the contact, company and meeting briefs, and Add all (R18)."""
from decimal import Decimal

from playhouse.test_utils import count_queries

from server.db import db
from server.models import (Company, Contact, Deal, DealContact, Meeting, MeetingAttendee,
                           MeetingCompany, MeetingContact, Ticket, TicketCompany,
                           TicketContact)
from tests.clock import DAY, ahead, iso, today


def _meeting(caller, start, *emails, title='Call', **fields):
    resp = caller.post('/meetings', json={
        'title': title, 'start': iso(start), 'end': iso(start + DAY / 24),
        'attendees': [{'email': e, 'display_name': e.split('@')[0].title() + ' Person'}
                      for e in emails], **fields})
    assert resp.status_code == 201, resp.json
    return resp.json


def _note(caller, meeting, body):
    resp = caller.post(f"/meetings/{meeting['id']}/notes", json={'body': body})
    assert resp.status_code == 201, resp.json
    return resp.json


def _company(caller, name, domain, contacts=1, deals=1, tickets=1):
    """A company with ``contacts`` contacts, open and closed deals and tickets."""
    account = caller.user.account_id
    with db.connection_context():
        company = Company.create(account=account, name=name, domain=domain)
        people = [Contact.create(account=account, email=f'p{n}@{domain}', first_name=f'P{n}',
                                 last_name=name, company=company, owner=caller.user.id)
                  for n in range(contacts)]
        for n in range(deals):
            deal = Deal.create(account=account, name=f'{name} deal {n}', stage='qualified_to_buy',
                               amount=Decimal(10), company=company)
            DealContact.create(deal=deal, contact=people[0])
        closed = Deal.create(account=account, name=f'{name} lost', stage='closed_lost',
                             company=company)
        DealContact.create(deal=closed, contact=people[0])
        for n in range(tickets):
            ticket = Ticket.create(account=account, subject=f'{name} ticket {n}', status='open')
            TicketCompany.create(ticket=ticket, company=company)
            TicketContact.create(ticket=ticket, contact=people[0])
        done = Ticket.create(account=account, subject=f'{name} done', status='closed')
        TicketCompany.create(ticket=done, company=company)
        TicketContact.create(ticket=done, contact=people[0])
    return company, people


def test_issue10_contact_brief_deals_tickets_meetings_and_last_notes(caller):
    company, (pat,) = _company(caller, 'Client Co', 'client.example', deals=2, tickets=2)
    old = _meeting(caller, today(hour=9, days=-9), 'p0@client.example', title='Kick-off')
    last = _meeting(caller, today(hour=9, days=-2), 'p0@client.example', title='Review')
    _note(caller, last, 'They want SSO')
    _note(caller, last, 'Send the quote')
    nxt = _meeting(caller, ahead(days=1), 'p0@client.example', title='Next')
    later = [_meeting(caller, ahead(days=3 + n), 'p0@client.example') for n in range(6)]
    cancelled = _meeting(caller, ahead(days=2, hour=9), 'p0@client.example')
    with db.connection_context():
        Meeting.update(status='cancelled').where(Meeting.id == cancelled['id']).execute()
    brief = caller.get(f'/contacts/{pat.id}/brief')
    assert brief.status_code == 200, brief.json
    brief = brief.json
    assert brief['contact']['company'] == {'id': company.id, 'name': 'Client Co',
                                           'domain': 'client.example'}
    assert brief['contact']['owner']['name'] == 'Rita Rep'
    assert [d['name'] for d in brief['open_deals']] == ['Client Co deal 0', 'Client Co deal 1']
    assert [t['subject'] for t in brief['open_tickets']] == ['Client Co ticket 1',
                                                            'Client Co ticket 0']
    assert brief['last_meeting']['id'] == last['id']
    assert [n['body'] for n in brief['last_meeting']['notes']] == ['They want SSO',
                                                                  'Send the quote']
    assert brief['last_meeting']['notes'][0]['author']['name'] == 'Rita Rep'
    assert brief['last_contacted_at'] == last['end']
    assert brief['next_meeting']['id'] == nxt['id']
    assert [m['id'] for m in brief['upcoming_meetings']] == [nxt['id']] + [m['id'] for m in later[:4]]
    assert [m['id'] for m in brief['past_meetings']] == [last['id'], old['id']]


def test_issue10_contact_brief_without_meetings_or_records(caller):
    with db.connection_context():
        alone = Contact.create(account=caller.user.account_id, email='solo@nowhere.example')
    brief = caller.get(f'/contacts/{alone.id}/brief').json
    assert brief == {'contact': brief['contact'], 'open_deals': [], 'open_tickets': [],
                     'last_meeting': None, 'next_meeting': None, 'last_contacted_at': None,
                     'upcoming_meetings': [], 'past_meetings': []}
    assert brief['contact']['company'] is None and brief['contact']['name'] == 'solo@nowhere.example'
    assert caller.get('/contacts/999999/brief').status_code == 404


def _count(caller, path):
    with count_queries() as counted:
        resp = caller.get(path)
    assert resp.status_code == 200, resp.json
    return counted.count


def test_issue10_briefs_are_a_constant_number_of_statements(caller):
    """Small and large companies, contacts with 1 or 12 meetings, deals, tickets, notes: each
    brief costs the same statements (a meeting's: 7 with the token check, its last meeting with
    these attendees and its series' previous occurrence in one)."""
    small, (s0,) = _company(caller, 'Small', 'small.example', contacts=1, deals=1, tickets=1)
    big, people = _company(caller, 'Big', 'big.example', contacts=30, deals=12, tickets=12)
    one = _meeting(caller, today(hour=9, days=-1), 'p0@small.example')
    _note(caller, one, 'n')
    _meeting(caller, ahead(days=1), 'p0@small.example')
    for n in range(12):
        m = _meeting(caller, today(hour=9, days=-1 - n), *[f'p{i}@big.example' for i in range(8)],
                     'stranger@else.example')
        _meeting(caller, ahead(days=1 + n), 'p0@big.example')
        _note(caller, m, f'note {n}')
    many = _meeting(caller, ahead(days=20), *[f'p{i}@big.example' for i in range(20)],
                    'p0@small.example', 'x@else.example')
    few = _meeting(caller, ahead(days=21), 'p0@small.example')
    _meeting(caller, today(hour=7, days=-30), 'p0@small.example', title='earlier')
    assert _count(caller, f'/contacts/{s0.id}/brief') == _count(caller,
                                                             f'/contacts/{people[0].id}/brief')
    assert _count(caller, f'/companies/{small.id}/brief') == _count(caller,
                                                                 f'/companies/{big.id}/brief')
    assert _count(caller, f"/meetings/{few['id']}/brief") == _count(
        caller, f"/meetings/{many['id']}/brief") <= 7


def test_issue10_company_brief_contacts_deals_tickets_last_meetings(caller):
    company, _people = _company(caller, 'Client Co', 'client.example', contacts=3, deals=1)
    by_contact = [_meeting(caller, today(hour=9, days=-d), f'p{d % 3}@client.example')
                  for d in range(1, 8)]
    associated = _meeting(caller, today(hour=12, days=-1), 'other@else.example',
                          company_ids=[company.id])
    _meeting(caller, ahead(days=1), 'p0@client.example')  # upcoming: not a last meeting
    _company(caller, 'Other', 'other.example')
    brief = caller.get(f'/companies/{company.id}/brief').json
    assert brief['company'] == {'id': company.id, 'name': 'Client Co', 'domain': 'client.example'}
    assert [c['email'] for c in brief['contacts']] == [f'p{n}@client.example' for n in range(3)]
    assert [d['name'] for d in brief['open_deals']] == ['Client Co deal 0']
    assert [t['subject'] for t in brief['open_tickets']] == ['Client Co ticket 0']
    assert [m['id'] for m in brief['last_meetings']] == (
        [associated['id']] + [m['id'] for m in by_contact[:4]])
    assert caller.get('/companies/999999/brief').status_code == 404


def test_issue10_meeting_brief_prep_per_company_and_last_meeting(caller):
    """Per external attendee company (by contact, else by domain) its open deals and tickets;
    internal attendees (R12) bring none; the last earlier meeting with any of these attendees
    and its notes; no series, no previous occurrence."""
    _company(caller, 'Client Co', 'client.example')
    _company(caller, 'Partner', 'partner.example')
    _company(caller, 'Unrelated', 'unrelated.example')
    with db.connection_context():
        Company.create(account=caller.user.account_id, name='Acme itself', domain='acme.com')
    before = _meeting(caller, today(hour=9, days=-5), 'newbie@partner.example')
    _note(caller, before, 'Partner wants a demo')
    _meeting(caller, today(hour=9, days=-9), 'p0@client.example')  # older
    _meeting(caller, today(hour=9, days=-1), 'someone@unrelated.example')  # no shared attendee
    meeting = _meeting(caller, ahead(days=1), 'p0@client.example', 'newbie@partner.example',
                       'colleague@acme.com', title='Joint call',
                       description='<p>Agenda:</p><ul><li>Pricing &amp; terms</li></ul>'
                                   '<a href="https://docs.example/x">The doc</a>'
                                   '<script>alert(1)</script>',
                       location='Room 1', video_link='https://meet.example/abc')
    brief = caller.get(f"/meetings/{meeting['id']}/brief").json
    assert brief['meeting'] == {
        'id': meeting['id'], 'title': 'Joint call', 'start': meeting['start'],
        'end': meeting['end'], 'location': 'Room 1', 'video_link': 'https://meet.example/abc',
        'description': 'Agenda:\n\n• Pricing & terms\nThe doc (https://docs.example/x)'}
    assert [c['company']['name'] for c in brief['companies']] == ['Client Co', 'Partner']
    prep = brief['companies'][0]
    assert [d['name'] for d in prep['open_deals']] == ['Client Co deal 0']
    assert [t['subject'] for t in prep['open_tickets']] == ['Client Co ticket 0']
    assert brief['last_meeting']['id'] == before['id']
    assert [n['body'] for n in brief['last_meeting']['notes']] == ['Partner wants a demo']
    assert brief['previous_occurrence'] is None


def test_issue10_r13_meeting_brief_carries_the_previous_occurrence_notes(caller):
    """R13: occurrences of a series share the event's iCalendar UID; the brief of this week's
    shows last week's notes (a cancelled week skipped), and 'last meeting' is outside the
    series."""
    weeks = [_meeting(caller, today(hour=10, days=d), 'p0@client.example', title='Weekly')
             for d in (-14, -7, -3, 4)]
    other = _meeting(caller, today(hour=9, days=-10), 'p0@client.example', title='Ad hoc')
    with db.connection_context():
        Meeting.update(ical_uid='weekly-uid@google.com', source='calendar').where(
            Meeting.id.in_([w['id'] for w in weeks])).execute()
        Meeting.update(status='cancelled').where(Meeting.id == weeks[2]['id']).execute()
    _note(caller, weeks[1], 'Carry on: pricing')
    _note(caller, weeks[0], 'First week')
    brief = caller.get(f"/meetings/{weeks[3]['id']}/brief").json
    assert brief['previous_occurrence']['id'] == weeks[1]['id']
    assert [n['body'] for n in brief['previous_occurrence']['notes']] == ['Carry on: pricing']
    assert brief['last_meeting']['id'] == other['id']


def test_issue10_r13_previous_occurrence_of_a_series_without_external_attendees(caller):
    """R13 for an internal weekly (a colleague only): no attendee to share a last meeting with,
    the previous occurrence still found, through the same statement without its other part."""
    weeks = [_meeting(caller, today(hour=10, days=d), 'colleague@acme.com', title='Team sync')
             for d in (-7, 0)]
    with db.connection_context():
        Meeting.update(ical_uid='team-uid@google.com', source='calendar').where(
            Meeting.id.in_([w['id'] for w in weeks])).execute()
    _note(caller, weeks[0], 'Hiring plan')
    brief = caller.get(f"/meetings/{weeks[1]['id']}/brief").json
    assert brief['companies'] == [] and brief['last_meeting'] is None
    assert brief['previous_occurrence']['id'] == weeks[0]['id']
    assert [n['body'] for n in brief['previous_occurrence']['notes']] == ['Hiring plan']


def test_issue10_r18_add_all_creates_every_external_attendee_in_one_request(caller):
    """Add all: every external attendee without a contact becomes one (name from the display
    name), linked to its company by domain; existing contacts and internal people (R12) are
    left alone; a second Add all creates nothing."""
    client, (p0,) = _company(caller, 'Client Co', 'client.example')
    meeting = _meeting(caller, ahead(days=2), 'p0@client.example', 'ann@client.example',
                       'bob@else.example', 'colleague@acme.com')
    resp = caller.post(f"/meetings/{meeting['id']}/contacts", json={})
    assert resp.status_code == 201, resp.json
    created = resp.json['created']
    assert [c['email'] for c in created] == ['ann@client.example', 'bob@else.example']
    assert created[0]['company']['id'] == client.id and created[1]['company'] is None
    assert created[0]['name'] == 'Ann Person'
    attendees = {a['email']: a['contact'] for a in resp.json['meeting']['attendees']}
    assert attendees['ann@client.example']['id'] == created[0]['id']
    assert attendees['colleague@acme.com'] is None
    assert set(resp.json['meeting']['contact_ids']) == {p0.id, created[0]['id'], created[1]['id']}
    with db.connection_context():
        assert Contact.select().count() == 3
        assert MeetingContact.select().where(MeetingContact.meeting == meeting['id']).count() == 3
    again = caller.post(f"/meetings/{meeting['id']}/contacts", json={})
    assert again.status_code == 201 and again.json['created'] == []
    assert caller.post('/meetings/999999/contacts', json={}).status_code == 404


def test_issue10_add_all_is_one_transaction(caller, monkeypatch):
    """A failure in the middle of Add all leaves no contact behind (one transaction)."""
    meeting = _meeting(caller, ahead(days=2), 'ann@client.example', 'bob@else.example')
    def broken(*args, **kwargs):
        raise RuntimeError('the link step failed')
    monkeypatch.setattr('server.services.people.link_attendees_of', broken)
    caller.client.application.config['PROPAGATE_EXCEPTIONS'] = False
    resp = caller.post(f"/meetings/{meeting['id']}/contacts", json={})
    assert resp.status_code == 500
    with db.connection_context():
        assert Contact.select().count() == 0
        assert MeetingAttendee.select().where(MeetingAttendee.contact.is_null(False)).count() == 0


def test_issue10_r18_add_contact_links_the_company_by_domain(caller):
    """The attendee 'Add contact' (R18) now links the new contact to the company whose domain
    its address has."""
    with db.connection_context():
        client = Company.create(account=caller.user.account_id, name='Client Co',
                                domain='client.example')
    meeting = _meeting(caller, ahead(days=2), 'ann@client.example', 'bob@else.example')
    ann = caller.post(f"/meetings/{meeting['id']}/attendees/ann@client.example/contact")
    bob = caller.post(f"/meetings/{meeting['id']}/attendees/bob@else.example/contact")
    assert ann.status_code == bob.status_code == 201
    assert ann.json['company_id'] == client.id and bob.json['company_id'] is None
    with db.connection_context():
        assert MeetingCompany.select().count() == 0  # the meeting's own links are unchanged


def test_issue10_briefs_and_people_are_in_their_schemas_shape(caller):
    """The views encode what the services build, without a schema pass: it must be exactly
    what the documented schemas dump (same keys, same values)."""
    from server.schemas.people import (CompanyBriefSchema, ContactBriefSchema,
                                       MeetingBriefSchema, PeopleSchema)
    company, (pat,) = _company(caller, 'Client Co', 'client.example')
    past = _meeting(caller, today(hour=9, days=-2), 'p0@client.example', 'new@client.example')
    _note(caller, past, 'A note')
    meeting = _meeting(caller, ahead(days=1), 'p0@client.example', 'new@client.example')
    for path, schema in ((f'/contacts/{pat.id}/brief', ContactBriefSchema()),
                         (f'/companies/{company.id}/brief', CompanyBriefSchema()),
                         (f"/meetings/{meeting['id']}/brief", MeetingBriefSchema()),
                         ('/people?email=p0@client.example&email=new@client.example&email=x',
                          PeopleSchema())):
        body = caller.get(path).json
        assert schema.dump(body) == body, path
