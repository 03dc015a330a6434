"""Ids the database cannot hold are a clear 4xx, never a 500 (the driver overflows on them)."""
import pytest

TOO_BIG = [2**31, 2**63, 10**20]


@pytest.mark.parametrize('value', TOO_BIG)
@pytest.mark.parametrize('path', ['/meetings/{}', '/meetings/{}/notes', '/notes/{}', '/contacts/{}',
                                  '/companies/{}/timeline', '/deals/{}', '/tickets/{}'])
def test_huge_path_ids_are_not_found(caller, path, value):
    method = 'delete' if path.startswith('/notes') else 'get'
    response = getattr(caller, method)(path.format(value))
    assert response.status_code == 404, response.data


@pytest.mark.parametrize('value', TOO_BIG)
def test_huge_ids_in_bodies_and_queries_are_field_errors(caller, value):
    contact = caller.post('/contacts', json={'email': 'c@example.org'}).json
    patched = caller.patch(f'/contacts/{contact["id"]}', json={'company_id': value})
    assert patched.status_code == 422 and 'company_id' in patched.json['errors']
    listed = caller.get('/deals', query_string={'owner_id': value})
    assert listed.status_code == 422 and 'owner_id' in listed.json['errors']
    scheduled = caller.post('/meetings', json={
        'title': 'T', 'start': '2026-12-01T10:00:00Z', 'end': '2026-12-01T11:00:00Z',
        'contact_ids': [value]})
    assert scheduled.status_code == 422 and 'contact_ids' in scheduled.json['errors']
