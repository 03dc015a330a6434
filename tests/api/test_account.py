"""GET/PATCH /account: the name and the domains that make attendees internal (R12)."""
from server.db import db
from server.models import Account
from tests.clock import iso_ahead


def test_get_account(caller):
    resp = caller.get('/account')
    assert resp.status_code == 200
    assert resp.json['name'] == 'Acme' and resp.json['website_domain'] == 'acme.com'
    assert resp.json['connected_domains'] == []


def test_admin_changes_name_and_domains(caller):
    resp = caller.patch('/account', json={
        'name': 'Acme Inc', 'website_domain': 'https://www.Acme.io/',
        'connected_domains': ['acme-mail.com', 'ACME-mail.com', 'acme.co.uk']})
    assert resp.status_code == 200, resp.json
    assert resp.json['name'] == 'Acme Inc' and resp.json['website_domain'] == 'acme.io'
    assert resp.json['connected_domains'] == ['acme-mail.com', 'acme.co.uk']
    assert caller.get('/me').json['account']['domains'] == ['acme.io', 'acme-mail.com', 'acme.co.uk']
    cleared = caller.patch('/account', json={'connected_domains': []})
    assert cleared.json['connected_domains'] == [] and cleared.json['name'] == 'Acme Inc'


def test_r12_connected_domain_makes_attendees_internal(caller):
    caller.patch('/account', json={'connected_domains': ['acme-mail.com']})
    resp = caller.post('/meetings', json={
        'title': 'x', 'start': iso_ahead(days=1, hour=10), 'end': iso_ahead(days=1, hour=11),
        'attendees': [{'email': 'ops@acme-mail.com'}, {'email': 'buyer@client.com'}]})
    flags = {a['email']: a['is_internal'] for a in resp.json['attendees']}
    assert flags == {'ops@acme-mail.com': True, 'buyer@client.com': False}


def test_only_admins_may_change_the_account(caller, make_caller):
    member = make_caller('member@acme.com', account='Acme')
    assert member.user.role == 'member'
    resp = member.patch('/account', json={'name': 'Hijacked'})
    assert resp.status_code == 403 and resp.json['code'] == 'forbidden'
    with db.connection_context():
        assert Account.get_by_id(caller.user.account_id).name == 'Acme'


def test_bad_account_input(caller):
    for body, field in (({'name': ''}, 'name'), ({'website_domain': 'no spaces.com x'}, 'website_domain'),
                        ({'connected_domains': 'acme.com'}, 'connected_domains'),
                        ({'connected_domains': ['ok.com', 'bad']}, 'connected_domains'),
                        ({'calendar_provider': 'google'}, 'calendar_provider')):
        resp = caller.patch('/account', json=body)
        assert resp.status_code == 422, body
        assert field in resp.json['errors'], resp.json
    assert caller.get('/account').json['name'] == 'Acme'
