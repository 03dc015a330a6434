"""Notes on meetings (R20) and their idempotency by client_id (B2)."""
import datetime

import pytest

from server.db import db
from server.models import Note, utcnow
from tests.clock import iso, iso_ahead


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


# -- typed_at: the time a note was typed, not the time it reached the server (B9, R20) -----

def test_b9_typed_at_is_stored_beside_created_at_and_orders_the_list(caller):
    """A note sent late from the outbox keeps its typing time and its place in the list."""
    meeting = make_meeting(caller)
    now = utcnow().replace(microsecond=0)
    typed_earlier = iso(now - datetime.timedelta(minutes=40))
    late = caller.post(f"/meetings/{meeting['id']}/notes",
                       json={'body': 'Typed offline', 'typed_at': typed_earlier})
    assert late.status_code == 201, late.json
    assert late.json['typed_at'] == typed_earlier
    assert late.json['created_at'] > typed_earlier  # stored now, typed 40 minutes ago
    # Typed 10 minutes ago, delivered before the late note was: it still comes after it.
    caller.post(f"/meetings/{meeting['id']}/notes",
                json={'body': 'Typed later', 'typed_at': iso(now - datetime.timedelta(minutes=10))})
    caller.post(f"/meetings/{meeting['id']}/notes", json={'body': 'Typed now'})  # typed_at: now
    listed = caller.get(f"/meetings/{meeting['id']}/notes").json['items']
    assert [n['body'] for n in listed] == ['Typed offline', 'Typed later', 'Typed now']
    assert listed[2]['typed_at'] == listed[2]['created_at']
    with db.connection_context():
        stored = Note.get(Note.body == 'Typed offline')
        assert stored.typed_at == now - datetime.timedelta(minutes=40)


def test_b9_typed_at_orders_the_record_timeline_notes(caller):
    contact = caller.post('/contacts', json={'email': 'bea@client.com', 'first_name': 'Bea'}).json
    meeting = caller.post('/meetings', json={
        'title': 'Call', 'start': iso_ahead(days=1), 'end': iso_ahead(days=1, minute=30),
        'attendees': [{'email': 'bea@client.com'}]}).json
    now = utcnow()
    caller.post(f"/meetings/{meeting['id']}/notes",
                json={'body': 'second', 'typed_at': iso(now - datetime.timedelta(minutes=1))})
    caller.post(f"/meetings/{meeting['id']}/notes",
                json={'body': 'first', 'typed_at': iso(now - datetime.timedelta(minutes=5))})
    items = caller.get(f"/contacts/{contact['id']}/timeline").json['items']
    assert [n['body'] for n in items[0]['notes']] == ['first', 'second']
    assert items[0]['notes'][0]['typed_at'] == iso(now - datetime.timedelta(minutes=5))


def test_b9_a_small_clock_skew_ahead_is_accepted(caller):
    meeting = make_meeting(caller)
    ahead_a_little = iso(utcnow() + datetime.timedelta(seconds=90))
    resp = caller.post(f"/meetings/{meeting['id']}/notes",
                       json={'body': 'Fast clock', 'typed_at': ahead_a_little})
    assert resp.status_code == 201 and resp.json['typed_at'] == ahead_a_little


@pytest.mark.parametrize('offset, words', [
    (datetime.timedelta(minutes=3), 'future'),
    (-datetime.timedelta(days=7, minutes=1), '7 days'),
])
def test_b9_typed_at_in_the_future_or_over_a_week_old_is_a_422_naming_the_field(caller, offset, words):
    meeting = make_meeting(caller)
    resp = caller.post(f"/meetings/{meeting['id']}/notes",
                       json={'body': 'Odd clock', 'typed_at': iso(utcnow() + offset)})
    assert resp.status_code == 422
    assert words in ' '.join(resp.json['errors']['typed_at'])
    with db.connection_context():
        assert Note.select().count() == 0


def test_b9_typed_at_that_is_not_a_time_is_a_422(caller):
    meeting = make_meeting(caller)
    resp = caller.post(f"/meetings/{meeting['id']}/notes", json={'body': 'x', 'typed_at': 'soon'})
    assert resp.status_code == 422 and 'typed_at' in resp.json['errors']
