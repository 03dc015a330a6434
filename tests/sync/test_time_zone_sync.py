"""The user's time zone comes from the connected calendar on connect and on each full sync,
through each real provider client against its fake (B5, issue 9 §1): Google's `timezone`
setting, Outlook's mailbox settings (a Windows name, mapped to IANA). A zone the user chose
stays theirs."""
import pytest

from server.db import db
from server.models import User
from server.sync import runner
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake
from tests.fakes.server import Grant

OLD_SCOPES = {'google': 'openid email calendar.events',
              'outlook': 'offline_access Calendars.ReadWrite User.Read'}


@pytest.fixture(params=['google', 'outlook'])
def fake(request, app):
    found = request.getfixturevalue('google_fake' if request.param == 'google' else 'graph_fake')
    found.push_sink = lambda url, headers, body: None
    app.config.update(found.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    found.provider = request.param
    return found


def expire_cursor(fake):
    if fake.provider == 'google':
        fake.invalidate_sync_tokens()
    else:
        fake.invalidate_delta_tokens()


def sync(app, user):
    with db.connection_context():
        result = runner.sync_user(user.id, app.config)
        stored = User.get_by_id(user.id)
    assert result.status == 'ok', result
    return result, stored


def test_b5_full_syncs_take_the_calendars_time_zone(app, caller, fake):
    store, owner = fake.store, caller.user.email
    store.set_time_zone(owner, 'America/New_York')
    connect_to_fake(fake, fake.provider, caller.user, app.config)
    _, user = sync(app, caller.user)  # the first sync after connecting is a full one
    assert (user.time_zone, user.time_zone_source) == ('America/New_York', 'calendar')
    if fake.provider == 'outlook':  # the fake answered the Windows name, as Graph does
        assert ('GET', '/v1.0/me/mailboxSettings', {}) in fake.requests_log

    store.set_time_zone(owner, 'Europe/Berlin')
    result, user = sync(app, caller.user)  # incremental: the settings are not asked again
    assert not result.full_resync and user.time_zone == 'America/New_York'
    expire_cursor(fake)
    result, user = sync(app, caller.user)
    assert result.full_resync and user.time_zone == 'Europe/Berlin'


def test_b5_a_zone_the_user_chose_survives_full_syncs(app, caller, fake):
    fake.store.set_time_zone(caller.user.email, 'Europe/Berlin')
    assert caller.patch('/me', json={'time_zone': 'Asia/Taipei'}).status_code == 200
    connect_to_fake(fake, fake.provider, caller.user, app.config)
    _, user = sync(app, caller.user)
    assert (user.time_zone, user.time_zone_source) == ('Asia/Taipei', 'user')


def test_b5_a_grant_without_the_settings_scope_still_syncs(app, caller, fake):
    """Connections made before the settings scope was asked for: the provider answers 403,
    the zone stays as it was, the sync goes on."""
    fake.store.set_time_zone(caller.user.email, 'Europe/Berlin')
    tokens = fake.issue_tokens(Grant(caller.user.email, OLD_SCOPES[fake.provider]))
    from server.calendars.base import Credentials
    from server.services import connections
    with db.connection_context():
        connections.connect(caller.user, fake.provider, caller.user.email,
                            Credentials(tokens['access_token'], tokens['refresh_token']),
                            app.config)
    _, user = sync(app, caller.user)
    assert user.time_zone == 'UTC'
    asked = [path for _, path, _ in fake.requests_log if 'ettings' in path]
    assert asked, 'the provider was never asked for the zone'
