"""The registry builds a user's provider from the stored (encrypted) connection."""
import pytest

from server.calendars import registry
from server.calendars.google.provider import GoogleProvider
from server.calendars.outlook.provider import OutlookProvider
from server.db import db
from server.models import CalendarConnection
from server.services import connections, users
from server.calendars.base import Credentials
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY


@pytest.fixture
def config(app, graph_config, google_config):
    app.config.update(graph_config, **google_config, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    return app.config


def test_provider_classes_by_name():
    assert registry.provider_class('google') is GoogleProvider
    assert registry.provider_class('outlook') is OutlookProvider
    assert {'google', 'outlook'} <= set(registry.names())


def test_rotated_refresh_tokens_are_stored_encrypted(app, config, graph_fake):
    granted = graph_fake.grant('rep@acme.com')
    with app.app_context(), db.connection_context():
        user = users.create(email='rep@acme.com', account_name='Acme')
        connection = connections.connect(user, 'outlook', 'rep@acme.com',
                                         Credentials(granted['access_token'],
                                                     granted['refresh_token']), config)
        graph_fake.reject_next_calls = 1  # Graph revoked the access token early
        provider = registry.provider_for(connection, config)
        try:
            assert provider.get_event('missing') is None
        finally:
            provider.close()
        row = CalendarConnection.get_by_id(connection.id)
        fresh = connections.credentials_of(row, config)
    assert fresh.access_token != granted['access_token']
    assert fresh.refresh_token != granted['refresh_token']  # Microsoft rotates it
    assert fresh.refresh_token in graph_fake.refresh_tokens
    assert granted['refresh_token'] not in row.refresh_token_enc
    assert fresh.refresh_token not in row.refresh_token_enc
