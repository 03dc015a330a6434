"""B1 under real concurrency: attendees added in the CRM survive the sync's echoes and reach the
calendar, each invited once (issue 8 §1).

gunicorn + the huey worker as real processes, the Google fake over real HTTP pushing to the
webhook after every change: the worker delivers each add's patch while the push it causes
makes the worker sync the echo, so echoes of earlier patches arrive while later adds are
pending, as in production.
"""
import collections
import time

from server.db import db
from server.models import Meeting
from tests.clock import ahead, iso
from tests.concurrency.conftest import wait_for

ADDS = 20
GAPS_MS = (0, 20, 50)


def _schedule(product, title):
    response = product.call('POST', '/meetings', json={
        'title': title, 'start': iso(ahead(days=3)), 'end': iso(ahead(days=3, hour=16))})
    assert response.status_code == 201, response.text
    meeting_id = response.json()['id']

    def on_calendar():
        with db.connection_context():
            event_id = Meeting.get_by_id(meeting_id).provider_event_id
        event = product.fake.store.events.get(event_id)
        return event_id if event is not None else None
    event_id = wait_for(on_calendar, 20)
    assert event_id, product.processes.worker_log()[-3000:]
    return meeting_id, event_id


def _round(product, gap_ms):
    """Add ADDS attendees one at a time, each followed at once by its 'Add contact'."""
    meeting_id, event_id = _schedule(product, f'Pricing call {gap_ms} ms')
    emails = [f'guest{i:02d}.{gap_ms}@client.example' for i in range(ADDS)]
    missing_in_answer, contact_answers = [], collections.Counter()
    add_answers = collections.Counter()
    for email in emails:
        response = product.call('POST', f'/meetings/{meeting_id}/attendees',
                                json={'attendees': [{'email': email}]})
        add_answers[response.status_code] += 1
        if response.status_code != 200 or email not in {
                a['email'] for a in response.json()['attendees']}:
            missing_in_answer.append(email)
        added = product.call('POST', f'/meetings/{meeting_id}/attendees/{email}/contact')
        contact_answers[added.status_code] += 1
        time.sleep(gap_ms / 1000)
    return meeting_id, event_id, emails, missing_in_answer, contact_answers, add_answers


def _settled(product, meeting_id, event_id, emails):
    """Outbox delivered and the fake's event holding every attendee (bounded wait)."""
    def done():
        event = product.fake.store.events[event_id]
        on_event = {a.email for a in event.attendees}
        return product.pending_outbox() == 0 and set(emails) <= on_event
    return wait_for(done, 30, interval=0.3)


def test_b1_concurrent_adds_keep_every_attendee(product):
    """B1 / issue 8 §1: 20 adds at 0, 20 and 50 ms apart with the worker syncing pushed echoes
    → 20 attendees in the CRM, 20 on the calendar event, 20 invitations each sent once, and
    'Add contact' right after each add answers 201."""
    report = {}
    rounds = [(gap, _round(product, gap)) for gap in GAPS_MS]
    for gap, (meeting_id, event_id, emails, missing_in_answer, contact_answers,
               add_answers) in rounds:
        _settled(product, meeting_id, event_id, emails)
        detail = product.call('GET', f'/meetings/{meeting_id}').json()
        crm = {a['email'] for a in detail['attendees']}
        event = product.fake.store.events[event_id]
        on_event = {a.email for a in event.attendees}
        invites = collections.Counter(
            i.email for i in product.fake.store.invitations_for(event_id) if i.kind == 'invite')
        report[gap] = {
            'crm': len(crm & set(emails)), 'calendar': len(on_event & set(emails)),
            'invited_once': sum(1 for e in emails if invites[e] == 1),
            'invited_more': sum(1 for e in emails if invites[e] > 1),
            'cancelled': sum(1 for i in product.fake.store.invitations_for(event_id)
                             if i.kind == 'cancel'),
            'missing_in_answer': len(missing_in_answer), 'add_not_200': sum(
                n for status, n in add_answers.items() if status != 200),
            'add_contact_201': contact_answers[201], 'add_contact_other': dict(
                (k, v) for k, v in contact_answers.items() if k != 201),
        }
    print('B1 rounds:', report)
    expected = {'crm': ADDS, 'calendar': ADDS, 'invited_once': ADDS, 'invited_more': 0,
                'cancelled': 0,
                'missing_in_answer': 0, 'add_not_200': 0, 'add_contact_201': ADDS,
                'add_contact_other': {}}
    assert report == {gap: expected for gap in GAPS_MS}, (
        report, product.processes.worker_log()[-4000:])
    assert not product.processes.unhandled_task_errors()
