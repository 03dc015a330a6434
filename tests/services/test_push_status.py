"""Issue 8 §3: push that cannot work is said on Settings › Calendar and by a configuration check,
not only in a worker log; once PUBLIC_URL is https, the next renewal opens the channel."""
import types
import urllib.parse

import pytest

from server.db import db
from server.models import CalendarConnection
from server.services import push_status
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake
from tests.web.conftest import Browser

UNAVAILABLE = ('push notifications unavailable: PUBLIC_URL must be https; checking for changes '
               'every 5 minutes')


def answer_validation(url, headers, body):
    """Where the https PUBLIC_URL would be: answer Graph's validation request, accept pushes."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    if 'validationToken' in query:
        return types.SimpleNamespace(status_code=200, text=query['validationToken'][0])
    return types.SimpleNamespace(status_code=202, text='')


@pytest.fixture(params=['google', 'outlook'])
def connected(request, app, caller):
    """The caller's calendar connected while PUBLIC_URL is plain http (the test default)."""
    fake = request.getfixturevalue('google_fake' if request.param == 'google' else 'graph_fake')
    fake.push_sink = answer_validation
    app.config.update(fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    assert app.config['PUBLIC_URL'].startswith('http://')
    connect_to_fake(fake, request.param, caller.user, app.config)  # opens a channel, syncs
    return fake


def connection():
    with db.connection_context():
        return CalendarConnection.get()


def test_issue8_check_says_push_needs_an_https_public_url():
    assert push_status.check({'PUBLIC_URL': 'http://crm.example.com'}) == UNAVAILABLE
    assert push_status.check({'PUBLIC_URL': ''}) == UNAVAILABLE
    assert push_status.check({'PUBLIC_URL': 'https://crm.example.com'}) is None


def test_issue8_a_refused_push_channel_shows_on_settings_calendar_until_push_works(
        app, caller, client, connected):
    stored = connection()
    assert stored.status == 'connected' and stored.last_synced_at is not None  # the poll works
    assert stored.channel_id is None and stored.push_error == UNAVAILABLE
    browser = Browser(client, caller.user)
    page = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'data-working="no"' in page
    assert 'Push notifications unavailable: PUBLIC_URL must be https; checking for changes ' \
           'every 5 minutes' in page

    # The deployment moves behind https: the hourly renewal opens the channel and says so.
    app.config['PUBLIC_URL'] = 'https://crm.example.com'
    with db.connection_context():
        assert push_status.renew_due(app.config) == 1
    stored = connection()
    assert stored.channel_id and stored.push_error == ''
    page = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'data-working="yes"' in page and 'unavailable' not in page
