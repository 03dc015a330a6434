"""Push-channel secrets (Google channel token, Graph clientState) are stored only as digests."""
import datetime
import importlib

import pytest

from server.db import db
from server.models import CalendarConnection, Contact, utcnow
from server.sync import channels
from tests.api.test_auth import text_in_database
from tests.fakes.memory_provider import MemoryCalendar, MemoryProvider

CONFIG = {'PUBLIC_URL': 'https://crm.example.com'}


@pytest.fixture
def calendar(app, caller):
    cal = MemoryCalendar(owner=caller.user.email)
    app.config['CALENDAR_PROVIDER_FACTORY'] = lambda connection, config: MemoryProvider(cal)
    return cal


def connection_row(caller, provider='google', **fields):
    with db.connection_context():
        Contact.get_or_create(account=caller.user.account_id, email='buyer@client.com')
        return CalendarConnection.create(
            account=caller.user.account_id, user=caller.user.id, provider=provider,
            provider_email=caller.user.email, connected_at=utcnow() - datetime.timedelta(hours=1),
            **fields)


def reload(connection):
    with db.connection_context():
        return CalendarConnection.get_by_id(connection.id)


def by_channel(channel_id):
    with db.connection_context():
        return CalendarConnection.get(CalendarConnection.channel_id == channel_id)


def open_channel(connection, calendar):
    with db.connection_context():
        return channels.renew(connection, MemoryProvider(calendar), CONFIG)


def google_push(client, channel_id, token):
    return client.post('/webhooks/google', headers={
        'X-Goog-Channel-ID': channel_id, 'X-Goog-Channel-Token': token,
        'X-Goog-Resource-State': 'exists'})


def test_no_channel_secret_is_stored_in_plaintext(caller, make_caller, calendar):
    """The text-column scan of test_no_plaintext_token_is_stored, for channel secrets."""
    other = make_caller('ops@globex.com', account='Globex')
    secrets = [open_channel(connection_row(caller), calendar).token,
               open_channel(connection_row(other, provider='outlook'), calendar).token]
    stored = text_in_database()
    for secret in secrets:
        assert len(secret) >= 40
        assert not any(secret in value for value in stored)
        assert channels.secret_digest(secret) in stored  # what is kept is the digest


def test_the_webhook_verifies_the_secret_against_its_digest(client, caller, calendar):
    channel = open_channel(connection_row(caller), calendar)
    stored = by_channel(channel.id).channel_token
    assert stored == channels.secret_digest(channel.token) != channel.token
    assert google_push(client, channel.id, channel.token).status_code == 200
    # Whoever reads the database learns only the digest, which is no key to the webhook.
    assert google_push(client, channel.id, stored).status_code == 403
    assert google_push(client, channel.id, stored[len(channels.DIGEST_PREFIX):]).status_code == 403


def test_outlook_client_state_is_verified_against_its_digest(client, caller, calendar):
    channel = open_channel(connection_row(caller, provider='outlook'), calendar)
    stored = by_channel(channel.id).channel_token
    note = {'subscriptionId': channel.id, 'changeType': 'created'}
    assert client.post('/webhooks/outlook', json={'value': [
        dict(note, clientState=channel.token)]}).status_code == 202
    assert client.post('/webhooks/outlook', json={'value': [
        dict(note, clientState=stored)]}).status_code == 403


def test_a_secret_still_stored_in_plaintext_never_verifies(client, caller, calendar):
    """Rows 0011 has not hashed must fail closed, not compare plaintext to plaintext."""
    connection_row(caller, channel_id='legacy', channel_token='legacy-secret')
    assert google_push(client, 'legacy', 'legacy-secret').status_code == 403


def test_migration_0011_hashes_existing_secrets_in_place(client, caller, make_caller, calendar):
    """Live channels keep verifying after the upgrade: no renewal gap, no plaintext left."""
    migration = importlib.import_module('server.migrations.0011_hash_channel_secrets')
    connection_row(caller, channel_id='legacy', channel_token='legacy-secret')
    hashed = connection_row(make_caller('ops@globex.com', account='Globex'), provider='outlook',
                            channel_id='sub-9', channel_token=channels.secret_digest('already'))
    empty = connection_row(make_caller('it@initech.com', account='Initech'))
    with db.connection_context(), db.atomic():
        migration.up(None, db)
        migration.up(None, db)  # a second run changes nothing
    assert by_channel('legacy').channel_token == channels.secret_digest('legacy-secret')
    assert reload(hashed).channel_token == channels.secret_digest('already')
    assert reload(empty).channel_token is None
    assert not any('legacy-secret' in value for value in text_in_database())
    assert google_push(client, 'legacy', 'legacy-secret').status_code == 200
