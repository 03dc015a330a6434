"""Push notifications: verified, then a sync of that user (immediate huey in these tests)."""
import datetime

import pytest

from server.calendars.base import Attendee, CalendarEvent
from server.db import db
from server.models import CalendarConnection, Contact, Meeting, utcnow
from server.sync import channels
from tests.clock import ahead
from tests.fakes.memory_provider import MemoryCalendar, MemoryProvider
from tests.clock import ahead


@pytest.fixture
def calendar(app, caller):
    cal = MemoryCalendar(owner=caller.user.email)
    app.config['CALENDAR_PROVIDER_FACTORY'] = lambda connection, config: MemoryProvider(cal)
    return cal


def connect(caller, provider, channel_id='chan-1', token='s3cret'):
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='buyer@client.com')
        return CalendarConnection.create(
            account=caller.user.account_id, user=caller.user.id, provider=provider,
            provider_email=caller.user.email, connected_at=utcnow() - datetime.timedelta(hours=1),
            channel_id=channel_id, channel_token=channels.secret_digest(token))


def add_event(calendar, event_id='ev1'):
    start = ahead()
    calendar.add(CalendarEvent(event_id, title='Demo', start=start,
                               end=start + datetime.timedelta(hours=1),
                               attendees=[Attendee('buyer@client.com')]))


def meetings():
    with db.connection_context():
        return [m.provider_event_id for m in Meeting.select()]


def google_headers(channel_id='chan-1', token='s3cret', state='exists'):
    return {'X-Goog-Channel-ID': channel_id, 'X-Goog-Channel-Token': token,
            'X-Goog-Resource-State': state, 'X-Goog-Resource-ID': 'res-1',
            'X-Goog-Message-Number': '2'}


def test_google_push_with_the_channel_token_syncs_that_user(client, caller, calendar):
    connect(caller, 'google')
    add_event(calendar)
    response = client.post('/webhooks/google', headers=google_headers())
    assert response.status_code == 200
    assert meetings() == ['ev1']


def test_google_sync_message_only_confirms_the_channel(client, caller, calendar):
    connect(caller, 'google')
    add_event(calendar)
    assert client.post('/webhooks/google', headers=google_headers(state='sync')).status_code == 200
    assert calendar.calls == [] and meetings() == []


@pytest.mark.parametrize('headers, status', [
    (google_headers(token='forged'), 403),
    (google_headers(token=''), 403),
    (google_headers(channel_id='unknown'), 404),
    ({}, 404),
])
def test_google_push_that_does_not_verify_enqueues_nothing(client, caller, calendar, headers,
                                                             status):
    connect(caller, 'google')
    add_event(calendar)
    assert client.post('/webhooks/google', headers=headers).status_code == status
    assert calendar.calls == [] and meetings() == []


def test_google_push_for_an_outlook_channel_is_unknown(client, caller, calendar):
    connect(caller, 'outlook')
    assert client.post('/webhooks/google', headers=google_headers()).status_code == 404


def test_outlook_validation_handshake_echoes_the_token(client):
    response = client.post('/webhooks/outlook?validationToken=Validation%3A%20Testing%20client')
    assert response.status_code == 200
    assert response.mimetype == 'text/plain'
    assert response.get_data(as_text=True) == 'Validation: Testing client'


def test_outlook_validation_echo_cannot_be_read_as_a_page(client):
    """The echo is attacker-chosen text on our origin: never sniffed as HTML."""
    response = client.post('/webhooks/outlook?validationToken=%3Cscript%3Ealert(1)%3C/script%3E')
    assert response.mimetype == 'text/plain'
    assert response.headers.get('X-Content-Type-Options') == 'nosniff'


def test_outlook_notification_with_client_state_syncs_that_user(client, caller, calendar):
    connect(caller, 'outlook', channel_id='sub-1', token='client-state')
    add_event(calendar)
    body = {'value': [{'subscriptionId': 'sub-1', 'clientState': 'client-state',
                       'changeType': 'created', 'resource': 'Users/x/Events/y'}] * 2}
    response = client.post('/webhooks/outlook', json=body)
    assert response.status_code == 202
    assert meetings() == ['ev1']
    assert calendar.calls.count('list') == 1  # one sync for the user, not one per notification


@pytest.mark.parametrize('body, status', [
    ({'value': [{'subscriptionId': 'sub-1', 'clientState': 'forged'}]}, 403),
    ({'value': [{'subscriptionId': 'sub-1'}]}, 403),
    ({'value': [{'subscriptionId': 'nope', 'clientState': 'client-state'}]}, 404),
    # PostgreSQL refuses NUL in a string parameter: an unknown id, not a 500.
    ({'value': [{'subscriptionId': 'sub-1\x00', 'clientState': 'client-state'}]}, 404),
    ({'value': [{'subscriptionId': 's' * 5000, 'clientState': 'client-state'}]}, 404),
    ({'value': 'not a list'}, 400),
    (['not', 'an', 'object'], 400),
])
def test_outlook_notification_that_does_not_verify_enqueues_nothing(client, caller, calendar,
                                                                     body, status):
    connect(caller, 'outlook', channel_id='sub-1', token='client-state')
    add_event(calendar)
    assert client.post('/webhooks/outlook', json=body).status_code == status
    assert calendar.calls == [] and meetings() == []


def test_webhooks_need_no_api_token_and_no_csrf(client, caller, calendar):
    """They are not under /api/v1; the channel secret is their only credential."""
    connect(caller, 'google')
    response = client.post('/webhooks/google', headers=google_headers())
    assert response.status_code == 200
