"""Issue 8 §4 "Webhooks": a bounded cost per request, one lookup query, replays dropped.

Before the fix a 249 KiB Outlook POST of random subscription ids cost one query per id (3,368),
holding a worker for seconds; and every copy of a notification queued another sync.
"""
import contextlib
import datetime
import json
import logging
import secrets
import time

from server.db import db
from server.models import CalendarConnection, WebhookReceipt
from server.sync import channels
from server.web.webhooks import MAX_OUTLOOK_NOTIFICATIONS
from tests.webhooks.test_webhooks import add_event, calendar, connect, google_headers  # noqa: F401

COPIES = 51


class _Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if record.name != 'peewee':
            return  # peewee.pool's connection bookkeeping
        self.sql.append(record.msg[0] if isinstance(record.msg, tuple) else record.getMessage())


@contextlib.contextmanager
def counted_statements():
    """Every SQL statement peewee sends while the block runs."""
    logger, handler = logging.getLogger('peewee'), _Statements()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.sql
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def outlook_note(subscription_id='sub-1', client_state='client-state', etag='W/"7"'):
    return {'subscriptionId': subscription_id, 'clientState': client_state,
            'changeType': 'updated', 'tenantId': 'f3a1c9e2',
            'subscriptionExpirationDateTime': '2030-01-01T00:00:00.0000000Z',
            'resource': 'Users/u-1/Events/ev1',
            'resourceData': {'@odata.type': '#Microsoft.Graph.Event',
                             '@odata.id': 'Users/u-1/Events/ev1', '@odata.etag': etag,
                             'id': 'ev1'}}


def big_outlook_body(first=None, size=249 * 1024):
    """A POST body just under MAX_CONTENT_LENGTH: thousands of random subscription ids."""
    notes = [first] if first else []
    length = len(json.dumps({'value': notes}))
    while length < size - 100:
        note = {'subscriptionId': secrets.token_hex(16), 'clientState': 'x'}
        notes.append(note)
        length += len(json.dumps(note)) + 2
    payload = json.dumps({'value': notes})
    assert len(payload) <= size
    return payload


def test_issue8_a_249_kib_outlook_post_of_random_ids_costs_one_query(client):
    payload = big_outlook_body()
    assert len(json.loads(payload)['value']) > 3000
    with counted_statements() as sql:
        started = time.perf_counter()
        response = client.post('/webhooks/outlook', data=payload,
                               content_type='application/json')
        elapsed = time.perf_counter() - started
    assert response.status_code == 404
    assert len(sql) == 1, sql[:3]
    assert elapsed < 1.0, f'{elapsed:.2f} s'


def test_issue8_outlook_notifications_beyond_the_cap_are_ignored(client, caller, calendar):
    """The first MAX_OUTLOOK_NOTIFICATIONS are read (a real one among them syncs); the rest
    cost nothing."""
    connect(caller, 'outlook', channel_id='sub-1', token='client-state')
    add_event(calendar)
    payload = big_outlook_body(first=outlook_note())
    with counted_statements() as sql:
        response = client.post('/webhooks/outlook', data=payload,
                               content_type='application/json')
    assert response.status_code == 202
    assert calendar.calls.count('list') == 1
    lookups = [s for s in sql if 'FROM "calendar_connection"' in s and 'IN (' in s]
    assert len(lookups) == 1
    late = {'value': [outlook_note(subscription_id=f'x{i}') for i in range(
        MAX_OUTLOOK_NOTIFICATIONS)] + [outlook_note(etag='W/"8"')]}
    assert client.post('/webhooks/outlook', json=late).status_code == 404  # never read
    assert calendar.calls.count('list') == 1


def test_issue8_51_copies_of_an_outlook_notification_queue_one_sync(client, caller, calendar):
    connect(caller, 'outlook', channel_id='sub-1', token='client-state')
    add_event(calendar)
    statuses = {client.post('/webhooks/outlook', json={'value': [outlook_note()]}).status_code
                for _ in range(COPIES)}
    assert statuses == {202}
    assert calendar.calls.count('list') == 1
    # Copies within one request, too; and a new change (a new etag) is news.
    body = {'value': [outlook_note(etag='W/"8"')] * COPIES}
    assert client.post('/webhooks/outlook', json=body).status_code == 202
    assert calendar.calls.count('list') == 2
    with db.connection_context():
        assert WebhookReceipt.select().count() == 2


def test_issue8_outlook_receipts_expire_after_the_replay_window(client, caller, calendar, clock):
    connect(caller, 'outlook', channel_id='sub-1', token='client-state')
    add_event(calendar)
    client.post('/webhooks/outlook', json={'value': [outlook_note()]})
    clock.shift(datetime.timedelta(hours=25))
    client.post('/webhooks/outlook', json={'value': [outlook_note()]})
    assert calendar.calls.count('list') == 2
    with db.connection_context():
        assert WebhookReceipt.select().count() == 1  # the expired one was removed


def test_issue8_forged_outlook_notifications_leave_no_receipts(client, caller, calendar):
    connect(caller, 'outlook', channel_id='sub-1', token='client-state')
    body = {'value': [outlook_note(client_state='forged', etag=f'W/"{i}"') for i in range(50)]}
    assert client.post('/webhooks/outlook', json=body).status_code == 403
    with db.connection_context():
        assert WebhookReceipt.select().count() == 0


def google_push(client, number, state='exists'):
    headers = dict(google_headers(state=state), **{'X-Goog-Message-Number': str(number)})
    return client.post('/webhooks/google', headers=headers)


def test_issue8_51_copies_of_a_google_message_queue_one_sync(client, caller, calendar):
    connect(caller, 'google')
    add_event(calendar)
    assert {google_push(client, 2).status_code for _ in range(COPIES)} == {200}
    assert calendar.calls.count('list') == 1
    assert google_push(client, 5).status_code == 200  # a later message: another change
    assert calendar.calls.count('list') == 2
    assert google_push(client, 3).status_code == 200  # older than one already handled
    assert calendar.calls.count('list') == 2


def test_issue8_a_renewed_google_channel_counts_its_messages_afresh(app, client, caller,
                                                                   calendar):
    connection = connect(caller, 'google')
    add_event(calendar)
    google_push(client, 40)
    assert calendar.calls.count('list') == 1
    from tests.fakes.memory_provider import MemoryProvider
    with app.app_context(), db.connection_context():
        channel = channels.renew(CalendarConnection.get_by_id(connection.id),
                                 MemoryProvider(calendar), app.config)
        assert CalendarConnection.get_by_id(connection.id).channel_message_number is None
    headers = {'X-Goog-Channel-ID': channel.id, 'X-Goog-Channel-Token': channel.token,
               'X-Goog-Resource-State': 'exists', 'X-Goog-Message-Number': '2'}
    assert client.post('/webhooks/google', headers=headers).status_code == 200
    assert calendar.calls.count('list') == 2
