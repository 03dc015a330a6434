"""Issue 8 §3: `flask --app server keys rotate` re-encrypts every stored calendar token with the
first key of TOKEN_ENCRYPTION_KEY (idempotent, batched, with counts), so the old key can go."""
import pytest
from cryptography.fernet import Fernet, InvalidToken

from server.db import db
from server.models import CalendarConnection, utcnow
from server.services import key_rotation, users
from server.services.crypto import TokenCipher
from server.sync import runner as sync_runner
from tests.fakes.fixtures import FAST_RETRIES, connect_to_fake

OLD, NEW, STRANGER = (Fernet.generate_key().decode() for _ in range(3))


def store(email, key, status='connected', reason=''):
    """A connection of a new user whose tokens are encrypted with ``key``; returns its id."""
    cipher = TokenCipher(key)
    with db.connection_context():
        user = users.create(email=email, account_name='Acme')
        return CalendarConnection.create(
            account=user.account_id, user=user.id, provider='google', provider_email=email,
            access_token_enc=cipher.encrypt('access-' + email),
            refresh_token_enc=cipher.encrypt('refresh-' + email), status=status,
            reconnect_reason=reason, last_error='unreadable' if reason else '',
            connected_at=utcnow()).id


def tokens_of(connection_id):
    with db.connection_context():
        row = CalendarConnection.get_by_id(connection_id)
    return row.access_token_enc, row.refresh_token_enc


def readable_with_only(key, connection_id):
    """The plaintext tokens, decrypted with ``key`` alone (InvalidToken if it cannot)."""
    fernet = Fernet(key.encode())
    return tuple(fernet.decrypt(t.encode()).decode() for t in tokens_of(connection_id))


@pytest.fixture
def rotating(app):
    """Four connections under OLD, one under NEW, one under a key nobody has; NEW now first."""
    ids = {f'old{i}@acme.com': store(f'old{i}@acme.com', OLD) for i in range(4)}
    ids['new@acme.com'] = store('new@acme.com', NEW)
    ids['lost@acme.com'] = store('lost@acme.com', STRANGER)
    app.config['TOKEN_ENCRYPTION_KEY'] = f'{NEW},{OLD}'
    return ids


def test_issue8_keys_rotate_reencrypts_with_the_first_key_in_batches_and_counts(
        app, runner, rotating):
    result = runner.invoke(args=['keys', 'rotate', '--batch-size', '4'])
    assert result.exit_code == 0, result.output
    assert 'Rotated 4 connection(s) to the first key; 1 already current; 1 unreadable ' \
           '(2 batch(es)).' in result.output
    assert 'their users must reconnect' in result.output
    for email, connection_id in rotating.items():
        if email == 'lost@acme.com':
            with pytest.raises(InvalidToken):
                readable_with_only(NEW, connection_id)
        else:  # the old key can now be removed: NEW alone reads every readable token
            assert readable_with_only(NEW, connection_id) == ('access-' + email, 'refresh-' + email)


def test_issue8_keys_rotate_is_idempotent(app, runner, rotating):
    assert runner.invoke(args=['keys', 'rotate']).exit_code == 0
    before = {i: tokens_of(i) for i in rotating.values()}
    again = runner.invoke(args=['keys', 'rotate'])
    assert 'Rotated 0 connection(s) to the first key; 5 already current; 1 unreadable ' \
           '(1 batch(es)).' in again.output
    assert {i: tokens_of(i) for i in rotating.values()} == before  # nothing rewritten


def test_issue8_keys_rotate_reconnects_what_a_restored_old_key_reads(app, runner):
    # The key was replaced and the tokens marked unreadable; the old key was then found.
    connection_id = store('rep@acme.com', OLD, status='needs_reconnect', reason='token_unreadable')
    app.config['TOKEN_ENCRYPTION_KEY'] = f'{NEW},{OLD}'
    with db.connection_context():
        result = key_rotation.rotate(app.config)
        row = CalendarConnection.get_by_id(connection_id)
    assert (result.rotated, result.restored) == (1, 1)
    assert (row.status, row.reconnect_reason, row.last_error) == ('connected', '', '')


def test_issue8_keys_rotate_without_a_key_says_what_to_set(app, runner):
    app.config['TOKEN_ENCRYPTION_KEY'] = ''
    result = runner.invoke(args=['keys', 'rotate'])
    assert result.exit_code == 1 and 'TOKEN_ENCRYPTION_KEY is not set' in result.output


def test_issue8_after_rotation_the_old_key_is_removed_and_google_still_syncs(
        app, runner, caller, google_fake):
    google_fake.push_sink = lambda url, headers, body: None
    app.config.update(google_fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=OLD)
    connect_to_fake(google_fake, 'google', caller.user, app.config)
    app.config['TOKEN_ENCRYPTION_KEY'] = f'{NEW},{OLD}'
    assert runner.invoke(args=['keys', 'rotate']).exit_code == 0
    app.config['TOKEN_ENCRYPTION_KEY'] = NEW  # the old key is gone
    google_fake.store.add_event(caller.user.email, 'After rotation')
    with db.connection_context():
        result = sync_runner.sync_user(caller.user.id, app.config)
    assert result.status == 'ok', result
