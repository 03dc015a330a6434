"""Connecting a calendar through the browser-facing OAuth redirects (R1-R3, R21), against the
Google and Graph fakes over real HTTP, and the Settings › Calendar page."""
import datetime
import logging
import urllib.parse

import pytest
import requests

from server.calendars import registry
from server.db import db
from server.models import Account, CalendarConnection, utcnow
from server.services import connections, tokens
from server.sync import channels
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY
from tests.web.conftest import Browser, make_user

GOOGLE_SCOPE = ('openid email https://www.googleapis.com/auth/calendar.events '
                'https://www.googleapis.com/auth/calendar.settings.readonly')
OUTLOOK_SCOPE = 'offline_access Calendars.ReadWrite User.Read MailboxSettings.Read'


@pytest.fixture
def fakes(app, google_fake, graph_fake):
    """Point the app at both fakes, with an encryption key."""
    app.config.update(google_fake.config(), **graph_fake.config(), **FAST_RETRIES,
                      TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    return {'google': google_fake, 'outlook': graph_fake}


def start(browser, provider):
    """GET connect: the app answers with a redirect to the provider's consent screen."""
    response = browser.get(f'/integrations/{provider}/connect')
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers['Location']


def consent(authorize_url):
    """The browser at the (fake) provider: real HTTP; it redirects back with code and state."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers['Location']


def come_back(browser, callback_url):
    parts = urllib.parse.urlsplit(callback_url)
    return browser.get(f'{parts.path}?{parts.query}')


def connect(browser, provider):
    return come_back(browser, consent(start(browser, provider)))


def connection_of(user):
    with db.connection_context():
        return CalendarConnection.get_or_none(CalendarConnection.user == user.id)


def account_provider(user):
    with db.connection_context():
        return Account.get_by_id(user.account_id).calendar_provider


def every_stored_value():
    """Every value of every row of every table, as text (to look for leaked secrets)."""
    with db.connection_context():
        found = []
        for table in db.get_tables():
            cursor = db.execute_sql(f'SELECT * FROM "{table}"')
            found += [str(value) for row in cursor.fetchall() for value in row]
        return '\n'.join(found)


def test_r1_connect_google_through_the_consent_redirects(fakes, browser, rep):
    authorize = start(browser, 'google')
    url = urllib.parse.urlsplit(authorize)
    query = dict(urllib.parse.parse_qsl(url.query))
    assert f'{url.scheme}://{url.netloc}{url.path}' == fakes['google'].url + '/o/oauth2/v2/auth'
    assert query['client_id'] == fakes['google'].client_id
    assert query['response_type'] == 'code'
    assert query['scope'] == GOOGLE_SCOPE
    assert (query['access_type'], query['prompt']) == ('offline', 'consent')
    assert query['redirect_uri'] == 'http://127.0.0.1:5000/integrations/google/callback'
    assert query['login_hint'] == rep.email and query['state']

    before = utcnow()
    page = come_back(browser, consent(authorize))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'Google Calendar is connected' in html and rep.email in html

    connection = connection_of(rep)
    assert (connection.provider, connection.provider_email, connection.status) == (
        'google', rep.email, 'connected')
    assert before - datetime.timedelta(seconds=1) <= connection.connected_at <= utcnow()  # R4
    assert connection.token_expires_at > utcnow()
    assert account_provider(rep) == 'google'  # R3: the first connection installs it


def test_r1_connect_outlook_through_the_consent_redirects(fakes, browser, rep):
    authorize = start(browser, 'outlook')
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    assert authorize.startswith(fakes['outlook'].url + '/common/oauth2/v2.0/authorize?')
    assert query['scope'] == OUTLOOK_SCOPE
    assert query['redirect_uri'] == 'http://127.0.0.1:5000/integrations/outlook/callback'
    page = come_back(browser, consent(authorize))
    assert page.status_code == 200
    assert 'Outlook (Office 365) is connected' in page.get_data(as_text=True)
    connection = connection_of(rep)
    assert (connection.provider, connection.provider_email) == ('outlook', rep.email)
    assert account_provider(rep) == 'outlook'


def test_a_callback_whose_state_does_not_match_is_rejected(fakes, browser, rep):
    callback = consent(start(browser, 'google'))
    forged = callback.replace('state=', 'state=forged')
    response = come_back(browser, forged)
    assert response.status_code == 400
    assert 'not valid' in response.get_data(as_text=True)
    assert connection_of(rep) is None


def test_a_callback_without_a_connect_started_here_is_rejected(fakes, browser, rep):
    response = browser.get('/integrations/google/callback?code=abc&state=whatever')
    assert response.status_code == 400
    assert connection_of(rep) is None


def test_a_callback_cannot_be_replayed(fakes, browser, rep):
    callback = consent(start(browser, 'google'))
    assert come_back(browser, callback).status_code == 200
    assert come_back(browser, callback).status_code == 400


def test_a_refused_consent_stores_nothing(fakes, browser, rep):
    authorize = start(browser, 'google')
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))['state']
    response = browser.get(f'/integrations/google/callback?error=access_denied&state={state}')
    assert response.status_code == 400
    assert 'access_denied' in response.get_data(as_text=True)
    assert connection_of(rep) is None and account_provider(rep) == ''


def test_connect_requires_sign_in(fakes, anonymous):
    response = anonymous.get('/integrations/google/connect')
    assert response.status_code == 302 and '/sign-in' in response.headers['Location']


def test_r3_a_colleague_cannot_connect_the_other_provider(app, fakes, browser, rep):
    assert connect(browser, 'google').status_code == 200
    colleague = make_user('otto@acme.example', 'Acme')
    other = Browser(app.test_client(), colleague)
    response = other.get('/integrations/outlook/connect')
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'Your account uses Google Calendar' in html
    settings = other.get('/settings/calendar').get_data(as_text=True)
    assert '/integrations/google/connect' in settings
    assert '/integrations/outlook/connect' not in settings
    # The same provider is fine: R3 "every other user connects their own calendar".
    assert connect(other, 'google').status_code == 200
    assert connection_of(colleague).provider_email == colleague.email


def test_r3_the_first_to_finish_wins_when_two_colleagues_race(app, fakes, browser, rep):
    colleague = make_user('otto@acme.example', 'Acme')
    other = Browser(app.test_client(), colleague)
    outlook_callback = consent(start(other, 'outlook'))  # allowed when it started
    assert connect(browser, 'google').status_code == 200
    response = come_back(other, outlook_callback)
    assert response.status_code == 409
    assert connection_of(colleague) is None
    assert account_provider(rep) == 'google'


def test_without_an_encryption_key_connecting_is_refused_with_a_clear_message(
        app, fakes, browser, rep):
    app.config['TOKEN_ENCRYPTION_KEY'] = None
    response = browser.get('/integrations/google/connect')
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert 'TOKEN_ENCRYPTION_KEY is not set' in html
    assert 'Fernet.generate_key()' in html
    settings = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'Calendar connections are disabled' in settings
    assert '/integrations/google/connect' not in settings


def test_an_invalid_encryption_key_is_refused_with_a_clear_message(app, fakes, browser):
    app.config['TOKEN_ENCRYPTION_KEY'] = 'not-a-key'
    response = browser.get('/integrations/google/connect')
    assert response.status_code == 503
    assert 'not a valid Fernet key' in response.get_data(as_text=True)


def test_an_unconfigured_oauth_client_is_a_clear_page(app, fakes, browser):
    app.config['MS_CLIENT_ID'] = ''
    response = browser.get('/integrations/outlook/connect')
    assert response.status_code == 503
    assert 'MS_CLIENT_ID' in response.get_data(as_text=True)


def test_tokens_are_encrypted_at_rest_even_after_a_refresh(app, fakes, browser, rep):
    fake = fakes['google']
    connect(browser, 'google')
    issued = {t for t in fake.access_tokens} | {t for t in fake.refresh_tokens}
    assert len(issued) == 2
    stored = every_stored_value()
    assert not any(token in stored for token in issued)

    # The registry's provider decrypts them, and writes a refreshed token back encrypted.
    fake.expire_access_tokens()
    with app.app_context(), db.connection_context():
        connection = CalendarConnection.get(CalendarConnection.user == rep.id)
        provider = registry.provider_for(connection, app.config)
        try:
            provider.list_changes()
        finally:
            provider.close()
        refreshed = connections.credentials_of(CalendarConnection.get_by_id(connection.id),
                                               app.config)
    fresh = set(fake.access_tokens) - issued
    assert fresh == {refreshed.access_token}
    stored = every_stored_value()
    assert not any(token in stored for token in issued | fresh)


def test_r21_api_me_reports_the_connection(fakes, client, browser, rep):
    with db.connection_context():
        _, token = tokens.issue(rep)
    headers = {'Authorization': f'Bearer {token}'}
    before = client.get('/api/v1/me', headers=headers).get_json()['calendar']
    assert (before['connected'], before['status'], before['provider']) == (False, 'not_connected', None)

    connect(browser, 'google')
    state = client.get('/api/v1/me', headers=headers).get_json()['calendar']
    assert (state['connected'], state['status'], state['provider'], state['email']) == (
        True, 'connected', 'google', rep.email)
    assert state['connect_url'].endswith('/settings/calendar')

    with db.connection_context():
        connections.mark_needs_reconnect(connection_of(rep), 'invalid_grant')
    state = client.get('/api/v1/me', headers=headers).get_json()['calendar']
    assert (state['connected'], state['status']) == (False, 'needs_reconnect')


def test_settings_page_shows_each_state(fakes, browser, rep):
    page = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'data-status="not_connected"' in page
    assert '/integrations/google/connect' in page and '/integrations/outlook/connect' in page

    connect(browser, 'google')
    page = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'data-status="connected"' in page and rep.email in page
    assert 'Disconnect' in page and '/integrations/google/connect' not in page

    with db.connection_context():
        connection = connection_of(rep)
        connection.last_error = 'Google refused the token refresh: invalid_grant'
        connection.save()
        connections.mark_needs_reconnect(connection, connection.last_error)
    page = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'data-status="needs_reconnect"' in page
    assert 'invalid_grant' in page and 'Reconnect Google Calendar' in page


def test_disconnect_stops_the_channel_and_forgets_the_tokens(app, fakes, browser, rep):
    connect(browser, 'google')
    with app.app_context(), db.connection_context():
        connection = connection_of(rep)
        # A patient client: a watch whose answer a busy machine delays past FAST_RETRIES' 1 s
        # would be sent again, and Google refuses a channel id twice (channelIdNotUnique).
        provider = registry.provider_for(connection, dict(app.config, CALENDAR_HTTP_TIMEOUT=30))
        channel = provider.watch('https://crm.example.com/webhooks/google', 'chan7', 'tok7', 600)
        provider.close()
        CalendarConnection.update(channel_id=channel.id,
                                  channel_token=channels.secret_digest(channel.token),
                                  channel_resource_id=channel.resource_id,
                                  sync_cursor='st-old').where(
            CalendarConnection.id == connection.id).execute()
    assert 'chan7' in fakes['google'].channels

    response = browser.post('/integrations/disconnect')
    assert response.status_code == 302 and response.headers['Location'].endswith('/settings/calendar')
    # The channel is stopped while the grant still works, and then the grant is revoked.
    assert 'chan7' not in fakes['google'].channels
    assert fakes['google'].revoked == [rep.email]
    connection = connection_of(rep)
    assert connection.status == 'disconnected'
    assert (connection.access_token_enc, connection.refresh_token_enc, connection.sync_cursor,
            connection.channel_id) == ('', '', None, None)
    assert account_provider(rep) == ''  # the last user left: the account may choose again
    page = browser.get('/settings/calendar').get_data(as_text=True)
    assert 'data-status="not_connected"' in page and 'Your calendar is disconnected' in page


def test_disconnect_works_even_when_the_key_is_gone(app, fakes, browser, rep):
    connect(browser, 'google')
    with db.connection_context():
        CalendarConnection.update(channel_id='chan9', channel_resource_id='r9').where(
            CalendarConnection.user == rep.id).execute()
    app.config['TOKEN_ENCRYPTION_KEY'] = None
    assert browser.post('/integrations/disconnect').status_code == 302
    connection = connection_of(rep)
    assert (connection.status, connection.access_token_enc, connection.channel_id) == (
        'disconnected', '', None)


def test_disconnect_needs_the_csrf_token(fakes, browser, rep):
    connect(browser, 'google')
    assert browser.post('/integrations/disconnect', csrf=False).status_code == 400
    assert connection_of(rep).status == 'connected'


def test_r3_the_account_keeps_its_provider_while_a_user_is_connected(app, fakes, browser, rep):
    colleague = make_user('otto@acme.example', 'Acme')
    other = Browser(app.test_client(), colleague)
    connect(browser, 'google')
    connect(other, 'google')
    browser.post('/integrations/disconnect')
    assert account_provider(rep) == 'google'
    assert other.get('/integrations/outlook/connect').status_code == 409
    other.post('/integrations/disconnect')
    assert account_provider(rep) == ''
    assert connect(other, 'outlook').status_code == 200


def test_r4_reconnecting_the_same_calendar_keeps_the_connection_time(fakes, browser, rep):
    connect(browser, 'google')
    first = connection_of(rep)
    with db.connection_context():
        connections.mark_needs_reconnect(first, 'invalid_grant')
    connect(browser, 'google')
    again = connection_of(rep)
    assert again.status == 'connected' and again.connected_at == first.connected_at

    browser.post('/integrations/disconnect')
    connect(browser, 'google')
    # A new integration period after a disconnect: R4 counts from the new connection.
    assert connection_of(rep).connected_at > first.connected_at


def test_connecting_starts_the_first_sync(fakes, browser, rep):
    fake = fakes['google']
    fake.store.add_event(rep.email, 'Before connecting', attendees=['ann@client.example'])
    connect(browser, 'google')
    listed = [args for method, path, args in fake.requests_log
              if path == '/calendar/v3/calendars/primary/events' and method == 'GET']
    assert listed and 'syncToken' not in listed[0]
    connection = connection_of(rep)
    assert connection.last_synced_at is not None and connection.sync_cursor


def google_tokens_of(fake, email):
    """The (refresh, access) tokens the Google fake issued to ``email`` so far."""
    with fake.lock:
        return ([t for t, g in fake.refresh_tokens.items() if g.email == email],
                [t for t, (g, _) in fake.access_tokens.items() if g.email == email])


def refresh_at(fake, refresh_token):
    form = {'grant_type': 'refresh_token', 'refresh_token': refresh_token,
            'client_id': fake.client_id, 'client_secret': fake.client_secret}
    return requests.post(fake.url + '/token', data=form, timeout=5)


def revocation_calls(fake):
    return [hit for hit in fake.hits if 'revoke' in hit[1].lower()]


def assert_disconnected_and_wiped(user):
    connection = connection_of(user)
    assert connection.status == 'disconnected'
    assert (connection.access_token_enc, connection.refresh_token_enc,
            connection.token_expires_at) == ('', '', None)
    assert account_provider(user) == ''


def test_disconnect_revokes_the_google_grant(fakes, browser, rep):
    fake = fakes['google']
    connect(browser, 'google')
    (refresh,), accesses = google_tokens_of(fake, rep.email)
    assert refresh_at(fake, refresh).ok  # the grant works before

    assert browser.post('/integrations/disconnect').status_code == 302
    assert revocation_calls(fake) == [('POST', '/revoke')]  # once
    refused = refresh_at(fake, refresh)
    assert refused.status_code == 400 and refused.json()['error'] == 'invalid_grant'
    for access in accesses:
        answer = requests.get(fake.url + '/calendar/v3/users/me/calendarList', timeout=5,
                              headers={'Authorization': f'Bearer {access}'})
        assert answer.status_code == 401
    assert google_tokens_of(fake, rep.email) == ([], [])
    assert_disconnected_and_wiped(rep)


@pytest.mark.parametrize('outage', ['http_500', 'timeout', 'down', 'already_revoked'])
def test_disconnect_goes_on_when_google_cannot_revoke(fakes, browser, rep, caplog, outage):
    fake = fakes['google']
    connect(browser, 'google')
    (refresh,), accesses = google_tokens_of(fake, rep.email)
    if outage == 'http_500':
        fake.faults.fail_next(500)
    elif outage == 'timeout':  # answers after CALENDAR_HTTP_TIMEOUT
        fake.faults.fail_next('timeout')
    elif outage == 'down':
        fake.stop()
    else:  # the user already removed Meetside in their Google Account: 400 invalid_token
        fake.revoke_account(rep.email)

    with caplog.at_level(logging.INFO, logger='server.calendars.revocation'):
        response = browser.post('/integrations/disconnect')
    assert response.status_code == 302
    assert 'Your calendar is disconnected' in browser.get('/settings/calendar').get_data(as_text=True)
    assert_disconnected_and_wiped(rep)

    warnings = [r.getMessage() for r in caplog.records
                if r.name == 'server.calendars.revocation' and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith('could not revoke the google grant of connection ')
    expected = {'http_500': 'HTTP 500 server_error', 'timeout': 'Read timed out',
                'down': 'Connection refused', 'already_revoked': 'HTTP 400 invalid_token'}[outage]
    assert expected in warnings[0]
    logged = '\n'.join(r.getMessage() for r in caplog.records)
    assert not any(token in logged for token in [refresh, *accesses])  # never a token
    # Tried once, never retried.
    assert len(revocation_calls(fake)) == (0 if outage == 'down' else 1)
    if outage == 'http_500':
        assert refresh_at(fake, refresh).ok  # not revoked, but no longer stored anywhere


def test_disconnect_with_unreadable_tokens_skips_the_revocation_with_a_warning(
        app, fakes, browser, rep, caplog):
    connect(browser, 'google')
    app.config['TOKEN_ENCRYPTION_KEY'] = 'b2ZUa0tGZ0E5YUlSUTNPVlVDU2FSVTZXTG9Eb3NNYnc='  # another key
    with caplog.at_level(logging.WARNING, logger='server.services.connections'):
        assert browser.post('/integrations/disconnect').status_code == 302
    assert_disconnected_and_wiped(rep)
    assert revocation_calls(fakes['google']) == []
    assert any('tokens are unreadable' in r.getMessage() for r in caplog.records)


def test_outlook_disconnect_wipes_the_tokens_and_calls_no_revocation(fakes, browser, rep, caplog):
    connect(browser, 'outlook')
    caplog.clear()  # connecting may warn about the push channel; only disconnecting counts
    with caplog.at_level(logging.INFO):
        assert browser.post('/integrations/disconnect').status_code == 302
    assert_disconnected_and_wiped(rep)
    # Microsoft has no per-app revocation; revokeSignInSessions would sign the user out of
    # every app, so neither fake sees anything like a revocation.
    assert revocation_calls(fakes['outlook']) == [] and revocation_calls(fakes['google']) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any('offers no per-app revocation' in r.getMessage() for r in caplog.records)


def test_a_token_refreshed_while_disconnecting_is_not_stored_again(app, fakes, browser, rep):
    """A sync that refreshes after disconnect() wiped the row must not write tokens back."""
    connect(browser, 'outlook')
    with app.app_context(), db.connection_context():
        stale = connection_of(rep)  # what an in-flight sync holds
        fresh = connections.credentials_of(stale, app.config)
    assert browser.post('/integrations/disconnect').status_code == 302
    with app.app_context(), db.connection_context():
        connections.save_credentials(stale, fresh, app.config)
    assert_disconnected_and_wiped(rep)


def test_a_token_refreshed_by_a_sync_of_an_earlier_connection_is_not_stored(
        app, fakes, browser, rep):
    """Disconnect and connect again while a sync of the first connection still runs: its
    refreshed tokens belong to the old grant (maybe another mailbox), not the new connection."""
    connect(browser, 'outlook')
    with app.app_context(), db.connection_context():
        stale = connection_of(rep)  # what an in-flight sync holds
        old_tokens = connections.credentials_of(stale, app.config)
    assert browser.post('/integrations/disconnect').status_code == 302
    connect(browser, 'outlook')
    with app.app_context(), db.connection_context():
        new_tokens = connections.credentials_of(connection_of(rep), app.config)
        assert new_tokens.access_token != old_tokens.access_token
        connections.save_credentials(stale, old_tokens, app.config)
        stored = connection_of(rep)
        assert stored.status == 'connected' and stored.connected_at != stale.connected_at
        assert connections.credentials_of(stored, app.config) == new_tokens
