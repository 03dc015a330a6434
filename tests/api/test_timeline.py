"""Record timelines: meetings newest first with attendees and notes (R8, R20)."""
import pytest
from playhouse.test_utils import count_queries
from tests.clock import iso_ahead


def meeting(caller, day, **fields):
    body = {'title': f'Call {day}', 'start': iso_ahead(days=day, hour=10),
            'end': iso_ahead(days=day, hour=11),
            'attendees': [{'email': 'bea@client.com', 'display_name': 'Bea Buyer'},
                          {'email': 'new.person@client.com', 'display_name': 'New Person'}]}
    body.update(fields)
    resp = caller.post('/meetings', json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def test_r8_r20_contact_timeline_shows_meetings_newest_first_with_notes(caller):
    contact = caller.post('/contacts', json={'email': 'bea@client.com', 'first_name': 'Bea'}).json
    first = meeting(caller, 1)
    second = meeting(caller, 5)
    meeting(caller, 3, attendees=[{'email': 'someone@else.com'}])  # not hers
    caller.post(f"/meetings/{first['id']}/notes", json={'body': 'Wants a demo'})
    caller.post(f"/meetings/{first['id']}/notes", json={'body': 'Budget is fine'})
    resp = caller.get(f"/contacts/{contact['id']}/timeline")
    assert resp.status_code == 200
    items = resp.json['items']
    assert [m['id'] for m in items] == [second['id'], first['id']]
    assert items[1]['notes'][0]['body'] == 'Wants a demo'
    assert items[1]['notes'][0]['author']['email'] == caller.user.email
    assert items[1]['notes'][0]['created_at'].endswith('Z')
    assert [n['body'] for n in items[1]['notes']] == ['Wants a demo', 'Budget is fine']
    assert items[0]['notes'] == []
    attendees = {a['email']: a for a in items[0]['attendees']}
    assert attendees['bea@client.com']['contact']['id'] == contact['id']
    assert attendees['new.person@client.com']['contact'] is None


def test_r18_added_contact_gets_the_meeting_on_its_timeline(caller):
    first = meeting(caller, 1)
    added = caller.post(f"/meetings/{first['id']}/attendees/new.person@client.com/contact").json
    timeline = caller.get(f"/contacts/{added['id']}/timeline").json
    assert [m['id'] for m in timeline['items']] == [first['id']]


@pytest.mark.parametrize('kind, key', [('companies', 'company_ids'), ('deals', 'deal_ids'),
                                       ('tickets', 'ticket_ids')])
def test_other_records_have_timelines_too(caller, kind, key):
    body = {'companies': {'name': 'Client'}, 'deals': {'name': 'Deal'},
            'tickets': {'subject': 'Help'}}[kind]
    record = caller.post(f'/{kind}', json=body).json
    linked = meeting(caller, 2, **{key: [record['id']]})
    meeting(caller, 4)
    items = caller.get(f"/{kind}/{record['id']}/timeline").json['items']
    assert [m['id'] for m in items] == [linked['id']]


def test_timeline_pages_with_a_cursor(caller):
    contact = caller.post('/contacts', json={'email': 'bea@client.com'}).json
    ids = [meeting(caller, day)['id'] for day in range(1, 6)]
    first = caller.get(f"/contacts/{contact['id']}/timeline?limit=3").json
    assert [m['id'] for m in first['items']] == ids[::-1][:3]
    rest = caller.get(f"/contacts/{contact['id']}/timeline",
                      query_string={'limit': 3, 'cursor': first['next_cursor']}).json
    assert [m['id'] for m in rest['items']] == ids[::-1][3:] and rest['next_cursor'] is None


def test_timeline_is_a_constant_number_of_queries(caller):
    contact = caller.post('/contacts', json={'email': 'bea@client.com'}).json
    for day in range(1, 13):
        m = meeting(caller, day)
        caller.post(f"/meetings/{m['id']}/notes", json={'body': f'note {day}'})
    path = f"/contacts/{contact['id']}/timeline"
    with count_queries() as few:
        assert len(caller.get(path + '?limit=1').json['items']) == 1
    with count_queries() as many:
        assert len(caller.get(path + '?limit=12').json['items']) == 12
    assert few.count == many.count <= 7
