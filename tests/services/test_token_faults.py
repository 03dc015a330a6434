"""Issue 8 §3: a lost or wrong TOKEN_ENCRYPTION_KEY is a fault the user sees, not a crash.

The real Google and Graph clients against their fakes, with real Fernet keys: the calendar is
connected under one key, then the server runs with another. Syncing, channel renewal and a
scheduled meeting's calendar write must mark the connection "needs reconnect" with a message an
admin understands (Settings › Calendar, GET /me for the panel's R21 state, the meeting), stop
retrying, and reconnecting must deliver the held write once.
"""
import datetime

import pytest
from cryptography.fernet import Fernet

from server import tasks
from server.db import db
from server.models import CalendarConnection, CalendarOutbox, utcnow
from server.services import outbox, push_status
from server.sync import runner
from tests.clock import iso_ahead
from tests.fakes.fixtures import connect_to_fake, connect_with_contact
from tests.web.conftest import Browser

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture(params=['google', 'outlook'])
def lost_key(request, app, caller):
    """The caller's calendar connected under OLD_KEY; the server now only has NEW_KEY."""
    fake = request.getfixturevalue('google_fake' if request.param == 'google' else 'graph_fake')
    connect_with_contact(app, fake, request.param, caller.user, 'buyer@client.example',
                         TOKEN_ENCRYPTION_KEY=OLD_KEY)
    app.config['TOKEN_ENCRYPTION_KEY'] = NEW_KEY
    fake.provider = request.param
    return fake


def connection():
    with db.connection_context():
        return CalendarConnection.get()


def schedule(caller):
    response = caller.post('/meetings', json={
        'title': 'Pricing review', 'start': iso_ahead(days=3), 'end': iso_ahead(days=3, hour=16),
        'attendees': [{'email': 'buyer@client.example'}]})
    assert response.status_code == 201, response.json
    return response.json


def api_calls(fake):
    return len(fake.requests_log)


def test_issue8_unreadable_tokens_mark_needs_reconnect_and_hold_the_scheduled_meeting(
        app, caller, lost_key, client):
    fake = lost_key
    meeting = schedule(caller)  # its calendar write runs at once (immediate huey) and cannot

    stored = connection()
    assert stored.status == 'needs_reconnect' and stored.reconnect_reason == 'token_unreadable'
    assert 'TOKEN_ENCRYPTION_KEY' in stored.last_error and 'keys rotate' in stored.last_error
    with db.connection_context():
        [row] = CalendarOutbox.select()
    assert (row.action, row.status, row.attempts) == ('insert', 'pending', 0)
    assert fake.store.live_events(caller.user.email) == []

    # GET /me: the panel's R21 state says why.
    calendar = caller.get('/me').json['calendar']
    assert (calendar['connected'], calendar['status'], calendar['reason']) == (
        False, 'needs_reconnect', 'token_unreadable')
    assert 'TOKEN_ENCRYPTION_KEY' in calendar['message']

    # The meeting, in the API and on its page: not yet on the calendar, and why.
    delivery = caller.get(f"/meetings/{meeting['id']}").json['calendar_delivery']
    assert delivery['state'] == 'pending'
    assert delivery['message'].startswith('Not yet on your calendar')
    assert 'reconnecting' in delivery['message']
    browser = Browser(client, caller.user)
    page = browser.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert 'data-state="pending"' in page and 'Not yet on your calendar' in page

    # Settings › Calendar: the admin's explanation and a Reconnect button.
    settings = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'data-status="needs_reconnect"' in settings and 'data-reason="token_unreadable"' in settings
    assert 'TOKEN_ENCRYPTION_KEY' in settings and 'Reconnect' in settings

    # Nothing retries meanwhile: the periodic delivery, poll and channel renewal leave it be.
    calls = api_calls(fake)
    with db.connection_context():
        CalendarOutbox.update(created_at=utcnow() - datetime.timedelta(minutes=5)).execute()
        assert outbox.deliver_pending(app.config) == 0
        assert runner.sync_user(caller.user.id, app.config).status == 'not_connected'
        assert push_status.renew_due(app.config) == 0
    assert tasks.poll_connected_users.call_local() == 0
    assert api_calls(fake) == calls
    with db.connection_context():
        assert CalendarOutbox.get().attempts == 0

    # Reconnecting stores tokens under the current key and delivers the held insert, once.
    connect_to_fake(fake, fake.provider, caller.user, app.config)
    assert connection().status == 'connected' and connection().reconnect_reason == ''
    with db.connection_context():
        assert CalendarOutbox.get().status == 'done'
    [event] = fake.store.live_events(caller.user.email)
    assert event.title == 'Pricing review'
    assert [i.email for i in fake.store.invitations_for(event.id) if i.kind == 'invite'] == [
        'buyer@client.example']
    assert caller.get(f"/meetings/{meeting['id']}").json['calendar_delivery']['state'] == \
        'on_calendar'
    assert caller.get('/me').json['calendar']['status'] == 'connected'


def test_issue8_a_sync_with_unreadable_tokens_marks_needs_reconnect_instead_of_crashing(
        app, caller, lost_key):
    result = tasks.sync_user.call_local(caller.user.id)  # the huey task, as the worker runs it
    assert result == 'needs_reconnect'
    stored = connection()
    assert (stored.status, stored.reconnect_reason) == ('needs_reconnect', 'token_unreadable')
    assert caller.get('/me').json['calendar']['reason'] == 'token_unreadable'


def test_issue8_channel_renewal_with_unreadable_tokens_marks_needs_reconnect(
        app, caller, lost_key):
    with db.connection_context():
        assert push_status.renew_due(app.config) == 0  # no exception escapes the loop
    assert connection().reconnect_reason == 'token_unreadable'


def test_issue8_a_missing_key_fails_the_sync_with_the_admin_message_and_marks_nothing(
        app, caller, lost_key):
    app.config['TOKEN_ENCRYPTION_KEY'] = ''
    with db.connection_context():
        result = runner.sync_user(caller.user.id, app.config)
    assert result.status == 'failed' and 'TOKEN_ENCRYPTION_KEY is not set' in result.error
    stored = connection()
    assert stored.status == 'connected' and 'TOKEN_ENCRYPTION_KEY' in stored.last_error


def test_issue8_a_missing_key_holds_a_scheduled_meeting_without_counting_attempts(
        app, caller, lost_key):
    app.config['TOKEN_ENCRYPTION_KEY'] = ''
    meeting = schedule(caller)
    with db.connection_context():
        [row] = CalendarOutbox.select()
    assert (row.status, row.attempts) == ('pending', 0)
    assert 'TOKEN_ENCRYPTION_KEY is not set' in row.last_error
    assert caller.get(f"/meetings/{meeting['id']}").json['calendar_delivery']['state'] == 'pending'
    assert connection().status == 'connected'  # the admin sets the key; nobody must reconnect
