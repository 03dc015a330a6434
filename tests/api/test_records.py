"""CRUD, search, pagination and validation for contacts, companies, deals and tickets."""
import pytest
from playhouse.test_utils import count_queries

from server.db import db
from server.models import Company, Contact, Deal, MeetingAttendee, MeetingContact, Ticket
from tests.clock import iso_ahead

# kind: (path, a valid body, the required field, a patch and what it reads back as)
KINDS = {
    'contacts': ('/contacts', {'email': 'Ana.Silva@Client.com', 'first_name': 'Ana',
                               'last_name': 'Silva', 'phone': '+1 415 555 0100',
                               'job_title': 'CFO'},
                 'email', {'job_title': 'CEO'}),
    'companies': ('/companies', {'name': 'Client Corp', 'domain': 'https://www.Client.com/about'},
                  'name', {'name': 'Client Corporation'}),
    'deals': ('/deals', {'name': 'Annual plan', 'stage': 'qualified_to_buy', 'amount': '1200.5'},
              'name', {'stage': 'closed_won'}),
    'tickets': ('/tickets', {'subject': 'Export fails', 'description': 'Since Monday'},
                'subject', {'status': 'closed'}),
}
MODELS = {'contacts': Contact, 'companies': Company, 'deals': Deal, 'tickets': Ticket}


@pytest.mark.parametrize('kind', KINDS)
def test_record_crud_round_trip(caller, kind):
    path, body, _, patch = KINDS[kind]
    created = caller.post(path, json=body)
    assert created.status_code == 201, created.json
    record_id = created.json['id']
    assert caller.get(f'{path}/{record_id}').json == created.json
    changed = caller.patch(f'{path}/{record_id}', json=patch)
    assert changed.status_code == 200, changed.json
    for field, value in patch.items():
        assert changed.json[field] == value
    listed = caller.get(path).json
    assert [item['id'] for item in listed['items']] == [record_id]
    assert listed['next_cursor'] is None
    assert caller.delete(f'{path}/{record_id}').status_code == 204
    gone = caller.get(f'{path}/{record_id}')
    assert gone.status_code == 404 and gone.json['code'] == 'not_found'
    with db.connection_context():
        assert MODELS[kind].select().count() == 0


def test_created_values_are_normalised(caller):
    contact = caller.post('/contacts', json=KINDS['contacts'][1]).json
    assert contact['email'] == 'ana.silva@client.com' and contact['name'] == 'Ana Silva'
    company = caller.post('/companies', json=KINDS['companies'][1]).json
    assert company['domain'] == 'client.com'
    deal = caller.post('/deals', json=KINDS['deals'][1]).json
    assert deal['amount'] == '1200.50'
    ticket = caller.post('/tickets', json=KINDS['tickets'][1]).json
    assert ticket['status'] == 'new'


@pytest.mark.parametrize('kind', KINDS)
def test_missing_required_field_is_a_field_message(caller, kind):
    path, body, required, _ = KINDS[kind]
    body = {k: v for k, v in body.items() if k != required}
    resp = caller.post(path, json=body)
    assert resp.status_code == 422
    assert resp.json['code'] == 'validation_error'
    assert list(resp.json['errors']) == [required]
    with db.connection_context():
        assert MODELS[kind].select().count() == 0


@pytest.mark.parametrize('kind, bad, field', [
    ('contacts', {'email': 'not-an-email'}, 'email'),
    ('contacts', {'email': 'a@b.com', 'first_name': 7}, 'first_name'),
    ('contacts', {'email': 'a@b.com', 'company_id': '3'}, 'company_id'),
    ('contacts', {'email': 'a@b.com', 'phone': 'x' * 51}, 'phone'),
    ('contacts', {'email': None}, 'email'),
    ('contacts', {'email': 'a@b.com', 'id': 4}, 'id'),
    ('companies', {'name': ''}, 'name'),
    ('companies', {'name': 'X', 'domain': 'not a domain'}, 'domain'),
    ('deals', {'name': 'X', 'stage': 'won'}, 'stage'),
    ('deals', {'name': 'X', 'amount': -5}, 'amount'),
    ('deals', {'name': 'X', 'amount': 'lots'}, 'amount'),
    ('tickets', {'subject': 'X', 'status': 'open'}, 'status'),
    ('tickets', {'subject': ['X']}, 'subject'),
])
def test_bad_input_names_the_field(caller, kind, bad, field):
    resp = caller.post(KINDS[kind][0], json=bad)
    assert resp.status_code == 422, resp.json
    assert field in resp.json['errors']
    with db.connection_context():
        assert MODELS[kind].select().count() == 0


@pytest.mark.parametrize('kind', KINDS)
def test_malformed_json_and_non_object_bodies_are_400_or_422(caller, kind):
    path = KINDS[kind][0]
    resp = caller.post(path, data='{"name": ', headers={'Content-Type': 'application/json'})
    assert resp.status_code == 400
    assert set(resp.json) == {'code', 'message', 'errors'}
    resp = caller.post(path, json=['not', 'an', 'object'])
    assert resp.status_code == 422 and resp.json['code'] == 'validation_error'


def test_oversized_body_is_413_in_the_error_shape(app, caller):
    limit = app.config['MAX_CONTENT_LENGTH']
    resp = caller.post('/tickets', json={'subject': 'Big', 'description': 'x' * (limit + 1)})
    assert resp.status_code == 413
    assert resp.json['code'] == 'payload_too_large' and resp.json['errors'] == {}
    with db.connection_context():
        assert Ticket.select().count() == 0


def test_unknown_ids_are_404(caller):
    for path in ('/contacts/999', '/companies/999', '/deals/999', '/tickets/999',
                 '/contacts/999/timeline'):
        resp = caller.get(path)
        assert resp.status_code == 404 and resp.json['code'] == 'not_found', path
    assert caller.patch('/deals/999', json={'name': 'x'}).status_code == 404
    assert caller.delete('/tickets/999').status_code == 404


def test_contact_email_is_unique_per_account_case_insensitively(caller, make_caller):
    assert caller.post('/contacts', json={'email': 'ana@client.com'}).status_code == 201
    dup = caller.post('/contacts', json={'email': ' ANA@Client.com'})
    assert dup.status_code == 409 and dup.json['code'] == 'conflict'
    assert 'email' in dup.json['errors']
    other = caller.post('/contacts', json={'email': 'bo@client.com'}).json
    clash = caller.patch(f"/contacts/{other['id']}", json={'email': 'Ana@client.com'})
    assert clash.status_code == 409 and 'email' in clash.json['errors']
    # Keeping one's own e-mail is no clash; another account may hold the same e-mail.
    assert caller.patch(f"/contacts/{other['id']}", json={'email': 'bo@client.com'}).status_code == 200
    stranger = make_caller('ops@globex.com', account='Globex')
    assert stranger.post('/contacts', json={'email': 'ana@client.com'}).status_code == 201


def test_references_must_belong_to_the_account(caller, make_caller):
    stranger = make_caller('ops@globex.com', account='Globex')
    their_company = stranger.post('/companies', json={'name': 'Globex'}).json['id']
    mine = caller.post('/companies', json={'name': 'Mine'}).json['id']
    resp = caller.post('/contacts', json={'email': 'a@b.com', 'company_id': their_company,
                                          'owner_id': stranger.user.id})
    assert resp.status_code == 422
    assert set(resp.json['errors']) == {'company_id', 'owner_id'}
    resp = caller.post('/deals', json={'name': 'D', 'company_id': mine,
                                       'owner_id': caller.user.id})
    assert resp.status_code == 201 and resp.json['company'] == 'Mine'
    deal = resp.json['id']
    assert caller.patch(f'/deals/{deal}', json={'company_id': their_company}).status_code == 422
    cleared = caller.patch(f'/deals/{deal}', json={'company_id': None})
    assert cleared.status_code == 200 and cleared.json['company_id'] is None
    assert caller.post('/tickets', json={'subject': 'S', 'owner_id': 12345}).status_code == 422


def _seed_contacts(caller, count):
    with db.connection_context(), db.atomic():
        company = Company.create(account=caller.user.account_id, name='Initech', domain='initech.com')
        for i in range(count):
            Contact.create(account=caller.user.account_id, email=f'p{i:02d}@example.com',
                           first_name=f'First{i % 3}', last_name=f'Last{i:02d}',
                           company=company if i % 2 else None)


def test_contacts_page_through_with_cursor_in_name_order(caller):
    _seed_contacts(caller, 25)
    seen, cursor = [], None
    while True:
        page = caller.get('/contacts', query_string={'limit': 10, **({'cursor': cursor} if cursor else {})}).json
        assert len(page['items']) <= 10
        seen += [c['last_name'] for c in page['items']]
        cursor = page['next_cursor']
        if cursor is None:
            break
    assert seen == [f'Last{i:02d}' for i in range(25)]


def test_tickets_are_listed_newest_first(caller):
    ids = [caller.post('/tickets', json={'subject': f'T{i}'}).json['id'] for i in range(5)]
    first = caller.get('/tickets?limit=3').json
    assert [t['id'] for t in first['items']] == ids[::-1][:3]
    rest = caller.get('/tickets', query_string={'limit': 3, 'cursor': first['next_cursor']}).json
    assert [t['id'] for t in rest['items']] == ids[::-1][3:]


def test_bad_cursor_and_limit_are_422(caller):
    for query in ({'cursor': 'garbage!'}, {'cursor': 'WzFd'}, {'limit': 0}, {'limit': 'x'}):
        resp = caller.get('/contacts', query_string=query)
        assert resp.status_code == 422, query
        assert set(resp.json['errors']) & {'cursor', 'limit'}


def test_search_matches_every_word_in_name_email_or_company(caller):
    _seed_contacts(caller, 6)
    caller.post('/contacts', json={'email': 'zed@acme-widgets.com', 'first_name': 'Zed',
                                   'last_name': 'Zimmer'})
    by_company = caller.get('/contacts?q=initech').json['items']
    assert {c['email'] for c in by_company} == {'p01@example.com', 'p03@example.com',
                                                 'p05@example.com'}
    assert [c['email'] for c in caller.get('/contacts?q=ZED zimmer').json['items']] == [
        'zed@acme-widgets.com']
    assert [c['email'] for c in caller.get('/contacts?q=widgets').json['items']] == [
        'zed@acme-widgets.com']
    assert caller.get('/contacts?q=zed initech').json['items'] == []
    # LIKE wildcards in the query are literal characters.
    assert caller.get('/contacts?q=%25').json['items'] == []
    company_id = by_company[0]['company_id']
    filtered = caller.get(f'/contacts?company_id={company_id}&owner_id={caller.user.id}')
    assert filtered.json['items'] == []  # the seeded contacts have no owner
    filtered = caller.get(f'/contacts?company_id={company_id}').json['items']
    assert [c['email'] for c in filtered] == [c['email'] for c in by_company]
    exact = caller.get('/contacts?email=P02@Example.com').json['items']
    assert [c['email'] for c in exact] == ['p02@example.com']
    # A whole address is an exact look-up (indexed); a fragment is a substring search.
    assert [c['email'] for c in caller.get('/contacts?q= P02@Example.com').json['items']] == [
        'p02@example.com']
    assert len(caller.get('/contacts?q=p0').json['items']) == 6


def test_search_companies_deals_tickets(caller):
    caller.post('/companies', json={'name': 'Umbrella', 'domain': 'umbrella.io'})
    caller.post('/companies', json={'name': 'Hooli', 'domain': 'hooli.xyz'})
    assert [c['name'] for c in caller.get('/companies?q=hooli.x').json['items']] == ['Hooli']
    assert [c['name'] for c in caller.get('/companies?domain=umbrella.io').json['items']] == [
        'Umbrella']
    caller.post('/deals', json={'name': 'Umbrella renewal', 'stage': 'contract_sent'})
    caller.post('/deals', json={'name': 'Hooli pilot'})
    assert [d['name'] for d in caller.get('/deals?q=renewal').json['items']] == ['Umbrella renewal']
    assert [d['name'] for d in caller.get('/deals?stage=appointment_scheduled').json['items']] == [
        'Hooli pilot']
    caller.post('/tickets', json={'subject': 'Printer on fire'})
    caller.post('/tickets', json={'subject': 'Password reset', 'status': 'closed'})
    assert [t['subject'] for t in caller.get('/tickets?q=FIRE').json['items']] == ['Printer on fire']
    assert [t['subject'] for t in caller.get('/tickets?status=closed').json['items']] == [
        'Password reset']


def test_contact_list_is_a_constant_number_of_queries(caller):
    _seed_contacts(caller, 30)
    caller.get('/me')  # the token's last_used_at is written on first use only
    with count_queries() as few:
        assert len(caller.get('/contacts?limit=2').json['items']) == 2
    with count_queries() as many:
        assert len(caller.get('/contacts?limit=30').json['items']) == 30
    assert few.count == many.count == 2  # the token, then the page with companies joined


def test_deleting_a_contact_removes_its_associations(caller):
    contact = caller.post('/contacts', json={'email': 'bea@client.com'}).json
    meeting = caller.post('/meetings', json={
        'title': 'Call', 'start': iso_ahead(days=1, hour=10), 'end': iso_ahead(days=1, hour=11),
        'attendees': [{'email': 'bea@client.com'}]}).json
    assert meeting['attendees'][0]['contact']['id'] == contact['id']
    assert caller.delete(f"/contacts/{contact['id']}").status_code == 204
    with db.connection_context():
        assert MeetingContact.select().count() == 0
        assert MeetingAttendee.get().contact_id is None  # the attendee stays, unlinked
    again = caller.get(f"/meetings/{meeting['id']}").json
    assert again['attendees'][0]['contact'] is None and again['contact_ids'] == []


def test_r11_creating_a_contact_matches_existing_attendees(caller):
    meeting = caller.post('/meetings', json={
        'title': 'Call', 'start': iso_ahead(days=1, hour=10), 'end': iso_ahead(days=1, hour=11),
        'attendees': [{'email': 'bea@client.com'}]}).json
    assert meeting['attendees'][0]['contact'] is None
    contact = caller.post('/contacts', json={'email': 'Bea@Client.com', 'first_name': 'Bea'}).json
    shown = caller.get(f"/meetings/{meeting['id']}").json
    assert shown['attendees'][0]['contact']['id'] == contact['id']
    assert shown['contact_ids'] == [contact['id']]
    timeline = caller.get(f"/contacts/{contact['id']}/timeline").json['items']
    assert [m['id'] for m in timeline] == [meeting['id']]


def test_r11_changing_a_contacts_email_rematches_attendees(caller):
    contact = caller.post('/contacts', json={'email': 'old@client.com'}).json
    meeting = caller.post('/meetings', json={
        'title': 'Call', 'start': iso_ahead(days=1, hour=10), 'end': iso_ahead(days=1, hour=11),
        'attendees': [{'email': 'old@client.com'}, {'email': 'new@client.com'}]}).json
    caller.patch(f"/contacts/{contact['id']}", json={'email': 'new@client.com'})
    attendees = {a['email']: a['contact'] for a in caller.get(f"/meetings/{meeting['id']}").json['attendees']}
    assert attendees['old@client.com'] is None
    assert attendees['new@client.com']['id'] == contact['id']


def test_nul_characters_are_422_not_500(caller):
    """PostgreSQL cannot store U+0000: refuse it with a field message on both databases."""
    resp = caller.post('/contacts', json={'email': 'a@b.com', 'first_name': 'A\x00'})
    assert resp.status_code == 422 and resp.json['errors'] == {
        'first_name': ['Must not contain NUL characters.']}
    resp = caller.get('/contacts?q=a%00b')
    assert resp.status_code == 422 and 'q' in resp.json['errors']
    resp = caller.patch('/account', json={'connected_domains': ['ok.com', 'x\x00.com']})
    assert resp.status_code == 422 and 'connected_domains' in resp.json['errors']


def test_search_folds_accented_letters_on_every_database(caller):
    """SQLite's LIKE folds only ASCII letters; 'élise' must still find 'Élise' there too."""
    caller.post('/contacts', json={'email': 'elise@bruxelles.example', 'first_name': 'Élise',
                                   'last_name': 'Müller'})
    caller.post('/contacts', json={'email': 'strasse@wien.example', 'first_name': 'Jörg',
                                   'last_name': 'STRAẞE'})
    for query in ('élise', 'ÉLISE', 'müller', 'MÜLLER', 'élise MÜL'):
        found = caller.get('/contacts', query_string={'q': query}).json['items']
        assert [c['email'] for c in found] == ['elise@bruxelles.example'], query
    assert [c['email'] for c in caller.get('/contacts?q=jÖrg').json['items']] == [
        'strasse@wien.example']
    assert caller.get('/contacts', query_string={'q': 'émile'}).json['items'] == []


def test_issue9_contact_names_its_owner_not_only_an_id(caller, make_caller):
    """GET /contacts/{id} says who owns it ({id, name, email}), so no client shows 'User #2'."""
    from server.db import db
    from server.models import User
    with db.connection_context():
        colleague = User.create(account=caller.user.account_id, email='sam@acme.com',
                                name='Sam Seller')
    owned = caller.post('/contacts', json={'email': 'bea@client.com', 'first_name': 'Bea',
                                           'owner_id': colleague.id}).json
    unowned = caller.post('/contacts', json={'email': 'cy@client.com', 'first_name': 'Cy'}).json
    got = caller.get(f"/contacts/{owned['id']}").json
    assert got['owner'] == {'id': colleague.id, 'name': 'Sam Seller', 'email': 'sam@acme.com'}
    assert caller.get(f"/contacts/{unowned['id']}").json['owner'] is None
    listed = {c['email']: c['owner'] for c in caller.get('/contacts').json['items']}
    assert listed == {'bea@client.com': got['owner'], 'cy@client.com': None}
