"""Issue 8 §5: the server is no looser than its OpenAPI document (what schemathesis checks in
tests/api/test_schemathesis.py, pinned down here one rule at a time)."""
import pytest

from tests.clock import iso_ahead

PATCH_ROUTES = ['/meetings/{meeting}', '/contacts/{contact}', '/companies/{company}',
                '/deals/{deal}', '/tickets/{ticket}', '/account']


@pytest.fixture
def records(caller):
    ids = {'meeting': caller.post('/meetings', json={
        'title': 'Demo', 'start': iso_ahead(), 'end': iso_ahead(hour=16)}).json['id']}
    for kind, body in [('contact', {'email': 'ann@client.example'}),
                       ('company', {'name': 'Globex'}), ('deal', {'name': 'Big deal'}),
                       ('ticket', {'subject': 'Help'})]:
        response = caller.post(f'/{kind}s' if kind != 'company' else '/companies', json=body)
        assert response.status_code == 201, (kind, response.json)
        ids[kind] = response.json['id']
    return ids


def test_issue8_an_empty_or_missing_patch_body_is_a_422_as_documented(caller, client, records):
    spec = client.get('/api/v1/openapi.json').get_json()
    for route in PATCH_ROUTES:
        path = route.format(**records)
        for kwargs in ({'json': {}}, {}):
            response = caller.patch(path, **kwargs)
            assert response.status_code == 422, (path, kwargs, response.json)
            assert response.json['errors'] == {'_schema': ['Send at least one field to change.']}
    patch_bodies = {name: schema for name, schema in spec['components']['schemas'].items()
                    if name.endswith('Patch')}
    assert patch_bodies and all(
        schema.get('minProperties') == 1 or schema.get('required')
        for schema in patch_bodies.values()), patch_bodies
    # One field is enough, and POST bodies keep their own messages.
    assert caller.patch(f"/companies/{records['company']}", json={'name': 'G'}).status_code == 200
    assert 'name' in caller.post('/companies', json={}).json['errors']


def test_issue8_cursors_have_a_documented_alphabet_the_server_enforces(caller, client):
    spec = client.get('/api/v1/openapi.json').get_json()
    cursors = [p['schema'] for ops in spec['paths'].values() for op in ops.values()
               if isinstance(op, dict) for p in op.get('parameters', []) if p['name'] == 'cursor']
    assert cursors and all(c['pattern'] == '^[A-Za-z0-9_-]+$' and c['maxLength'] for c in cursors)
    for path in ('/meetings', '/contacts', '/contacts/1/timeline'):
        response = caller.get(path, query_string={'cursor': 'not a cursor!'})
        assert response.status_code in (404, 422), path
        if response.status_code == 422:
            assert response.json['errors']['cursor'] == ['Not a valid cursor.']


@pytest.mark.parametrize('domain, stored', [
    ('https://www.Example.com/about', 'example.com'), ('  acme.co.uk ', 'acme.co.uk'), ('', '')])
def test_issue8_domains_accepted_in_their_forgiving_form(caller, domain, stored):
    response = caller.patch('/account', json={'website_domain': domain})
    assert response.status_code == 200, response.json
    assert response.json['website_domain'] == stored


@pytest.mark.parametrize('domain', ['x.y*', 'localhost', 'https://', 'exa mple.com', '\u212a.com'])
def test_issue8_domains_outside_the_documented_pattern_are_refused(caller, domain):
    """schemathesis found 'x.y*' stored as a website domain."""
    response = caller.patch('/account', json={'website_domain': domain})
    assert response.status_code == 422, (domain, response.json)
    assert response.json['errors'] == {'website_domain': ['Not a valid domain name.']}


def test_issue8_a_url_longer_than_the_app_reads_is_a_json_414(caller):
    response = caller.get('/meetings?q=' + 'x' * 9000)
    assert response.status_code == 414
    assert response.json['code'] == 'uri_too_long'
