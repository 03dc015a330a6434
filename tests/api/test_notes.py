"""Notes on meetings (R20) and their idempotency by client_id (B2)."""
from server.db import db
from server.models import Note
from tests.clock import iso_ahead


def make_meeting(caller):
    return caller.post('/meetings', json={
        'title': 'Call', 'start': iso_ahead(days=1, hour=15), 'end': iso_ahead(days=1, hour=15, minute=30)}).json


def test_r20_note_is_stored_with_timestamp(caller):
    meeting = make_meeting(caller)
    resp = caller.post(f"/meetings/{meeting['id']}/notes", json={'body': 'Budget approved'})
    assert resp.status_code == 201
    assert resp.json['created_at'].endswith('Z')
    listed = caller.get(f"/meetings/{meeting['id']}/notes").json['items']
    assert [n['body'] for n in listed] == ['Budget approved']


def test_b2_same_client_id_never_stores_twice(caller):
    meeting = make_meeting(caller)
    body = {'body': 'Send pricing', 'client_id': '6f1c2b1e-1111-4222-8333-944455556666'}
    first = caller.post(f"/meetings/{meeting['id']}/notes", json=body)
    second = caller.post(f"/meetings/{meeting['id']}/notes", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json['id'] == second.json['id']
    with db.connection_context():
        assert Note.select().count() == 1


def test_r20_note_with_nul_character_is_refused(caller):
    meeting = make_meeting(caller)
    resp = caller.post(f"/meetings/{meeting['id']}/notes", json={'body': 'a\x00b'})
    assert resp.status_code == 422 and 'body' in resp.json['errors']
