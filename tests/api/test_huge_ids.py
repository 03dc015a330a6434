"""Ids the database cannot hold are a clear 4xx, never a 500 (the driver overflows on them)."""
import pytest
from tests.clock import iso_ahead

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
        'title': 'T', 'start': iso_ahead(days=1, hour=10), 'end': iso_ahead(days=1, hour=11),
        'contact_ids': [value]})
    assert scheduled.status_code == 422 and 'contact_ids' in scheduled.json['errors']


def _cursor(raw):
    import base64
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip('=')


@pytest.mark.parametrize('raw', ['2026-01-01T00:00:00|99999999999999999999',
                                 '2026-01-01T00:00:00|0', '2026-01-01T00:00:00+05:00|1'])
def test_forged_meeting_cursors_are_field_errors(caller, raw):
    """Cursors are the server's own: one it never made is a 422, not a driver overflow."""
    contact = caller.post('/contacts', json={'email': 'c@example.org'}).json
    for path in ('/meetings', f'/contacts/{contact["id"]}/timeline'):
        response = caller.get(path, query_string={'cursor': _cursor(raw)})
        assert response.status_code == 422 and 'cursor' in response.json['errors'], path


def test_r18_attendee_email_with_nul_is_not_an_attendee(caller):
    """PostgreSQL refuses NUL in a parameter: the Add contact path answers 404, not 500."""
    meeting = caller.post('/meetings', json={
        'title': 'T', 'start': iso_ahead(days=1, hour=10), 'end': iso_ahead(days=1, hour=11),
        'attendees': [{'email': 'ab@example.org'}]}).json
    response = caller.post(f"/meetings/{meeting['id']}/attendees/a%00b@example.org/contact")
    assert response.status_code == 404
