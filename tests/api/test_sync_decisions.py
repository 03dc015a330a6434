"""GET /api/v1/sync/decisions: the B4 log of what the sync did with each event, and why."""
import datetime

from server.db import db
from server.models import SyncDecision
from tests.clock import iso, today


def log(user, event_id, decision, reason, minutes, title='Demo'):
    SyncDecision.create(account=user.account_id, user=user.id, provider_event_id=event_id,
                        title=title, decision=decision, reason=reason,
                        created_at=today(9) + datetime.timedelta(minutes=minutes))


def test_b4_decisions_newest_first_with_explanations(caller, make_caller):
    other = make_caller('eve@globex.com', account='Globex')
    with db.connection_context():
        log(caller.user, 'ev1', 'logged', 'r8_contact_attendee', 1)
        log(caller.user, 'ev2', 'skipped', 'r14_all_day', 2, title='Offsite')
        log(caller.user, 'ev1', 'skipped', 'r15_made_private', 3)
        log(other.user, 'ev1', 'skipped', 'r10_no_contacts', 4)  # another account's event
    items = caller.get('/sync/decisions').json['items']
    assert [(i['provider_event_id'], i['reason']) for i in items] == [
        ('ev1', 'r15_made_private'), ('ev2', 'r14_all_day'), ('ev1', 'r8_contact_attendee')]
    assert items[1]['explanation'] == 'All-day events are not logged.'
    assert items[0]['created_at'] == iso(today(9, 3))


def test_b4_why_was_this_event_not_logged(caller):
    with db.connection_context():
        log(caller.user, 'ev1', 'logged', 'r8_contact_attendee', 1)
        log(caller.user, 'ev2', 'skipped', 'r12_internal_only', 2)
    items = caller.get('/sync/decisions?event_id=ev2').json['items']
    assert [(i['decision'], i['reason']) for i in items] == [('skipped', 'r12_internal_only')]
    assert len(caller.get('/sync/decisions?limit=1').json['items']) == 1


def test_b4_bad_query_gets_field_messages(caller):
    response = caller.get('/sync/decisions?limit=0')
    assert response.status_code == 422 and 'limit' in response.json['errors']
    assert caller.get('/sync/decisions', headers={'Authorization': ''}).status_code == 401
