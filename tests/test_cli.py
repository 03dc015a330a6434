"""The flask CLI: db upgrade, users, tokens and the demo workspace."""
import os

from server import create_app
from server.db import db
from server.models import ApiToken, Contact, Meeting, User
from server.services import demo, tokens


def test_db_upgrade_is_idempotent(runner, tmp_path):
    # The test database is already current: upgrading again changes nothing.
    assert 'up to date' in runner.invoke(args=['db', 'upgrade']).output
    # A brand-new database gets every migration once, then nothing.
    fresh = create_app({'TESTING': True, 'SECRET_KEY': 'test',
                        'DATABASE_URL': 'sqlite:///' + os.path.join(tmp_path, 'fresh.sqlite3')})
    fresh_runner = fresh.test_cli_runner()
    first = fresh_runner.invoke(args=['db', 'upgrade'])
    assert first.exit_code == 0 and first.output.startswith('Applied: 0001_initial')
    second = fresh_runner.invoke(args=['db', 'upgrade'])
    assert second.exit_code == 0 and 'up to date' in second.output
    with db.connection_context():
        assert {'contact', 'meeting', 'note', 'api_token'} <= set(db.get_tables())


def test_users_create_prints_a_token_once_and_stores_its_hash(runner, client):
    result = runner.invoke(args=['users', 'create', '--email', 'Ana@Client.com',
                                 '--account', 'Client', '--name', 'Ana'])
    assert result.exit_code == 0, result.output
    token = result.output.strip().rsplit(' ', 1)[-1]
    assert result.output.count(token) == 1
    with db.connection_context():
        user = User.get(User.email == 'ana@client.com')
        assert user.role == 'admin' and user.account.name == 'Client'
        stored = ApiToken.get(ApiToken.user == user)
        assert stored.token_hash == tokens.hash_token(token) and token not in stored.token_hash
    me = client.get('/api/v1/me', headers={'Authorization': f'Bearer {token}'})
    assert me.status_code == 200 and me.json['user']['email'] == 'ana@client.com'
    again = runner.invoke(args=['users', 'create', '--email', 'ana@client.com', '--account', 'X'])
    assert again.exit_code != 0


def test_tokens_create_and_revoke(runner, client):
    runner.invoke(args=['users', 'create', '--email', 'bo@client.com', '--account', 'Client'])
    made = runner.invoke(args=['tokens', 'create', '--email', 'bo@client.com'])
    token = made.output.strip()
    headers = {'Authorization': f'Bearer {token}'}
    assert client.get('/api/v1/me', headers=headers).status_code == 200
    assert runner.invoke(args=['tokens', 'revoke', '--email', 'bo@client.com']).exit_code == 2
    revoked = runner.invoke(args=['tokens', 'revoke', '--email', 'bo@client.com',
                                  '--prefix', token[:12]])
    assert revoked.exit_code == 0 and 'Revoked 1' in revoked.output
    assert client.get('/api/v1/me', headers=headers).status_code == 401
    everything = runner.invoke(args=['tokens', 'revoke', '--email', 'bo@client.com', '--all'])
    assert 'Revoked 1' in everything.output  # the token users create printed
    missing = runner.invoke(args=['tokens', 'create', '--email', 'nobody@client.com'])
    assert missing.exit_code == 1 and 'No user' in missing.output


def test_demo_seed_builds_a_workspace_alex_can_use(runner, client):
    result = runner.invoke(args=['demo', 'seed'])
    assert result.exit_code == 0, result.output
    token = result.output.strip().rsplit(' ', 1)[-1]
    headers = {'Authorization': f'Bearer {token}'}
    with db.connection_context():
        assert Contact.select().count() == demo.CONTACT_COUNT
        meetings = Meeting.select().count()
    items = client.get('/api/v1/meetings?limit=200', headers=headers).json['items']
    assert len(items) == meetings >= 16
    attendees = [a for m in items for a in m['attendees']]
    assert all(2 <= len(m['attendees']) <= 5 for m in items)
    assert any(a['contact'] for a in attendees)
    assert any(a['contact'] is None and not a['is_internal'] for a in attendees)
    assert any(a['is_internal'] for a in attendees)
    assert sum(1 for m in items if m['video_link']) > len(items) // 2


def test_demo_seed_twice_keeps_the_workspace_and_reset_rebuilds_it(runner):
    runner.invoke(args=['demo', 'seed'])
    with db.connection_context():
        Contact.update(first_name='Edited').where(Contact.id == 1).execute()
    again = runner.invoke(args=['demo', 'seed'])
    assert again.exit_code == 0 and 'already exists' in again.output
    with db.connection_context():
        assert Contact.select().where(Contact.first_name == 'Edited').count() == 1
        assert Contact.select().count() == demo.CONTACT_COUNT
    reset = runner.invoke(args=['demo', 'seed', '--reset'])
    assert reset.exit_code == 0 and 'Seeded' in reset.output
    with db.connection_context():
        assert Contact.select().where(Contact.first_name == 'Edited').count() == 0
        assert Contact.select().count() == demo.CONTACT_COUNT


def test_demo_seed_refuses_clearly_when_its_users_exist_elsewhere(runner):
    runner.invoke(args=['users', 'create', '--email', demo.ADMIN[0], '--account', 'Other'])
    result = runner.invoke(args=['demo', 'seed'])
    assert result.exit_code == 1 and 'already exists' in result.output
    with db.connection_context():
        assert demo.find() is None and Contact.select().count() == 0


def test_sync_prune_decisions_deletes_old_superseded_rows(runner, app):
    """B4 retention by hand: the configured age unless --days says otherwise."""
    import datetime
    from server.models import SyncDecision, utcnow
    from server.services import users
    now = utcnow()
    with db.connection_context():
        user = users.create(email='rep@acme.com', account_name='Acme')
        for days in (200, 150, 60, 1):
            SyncDecision.create(account=user.account_id, user=user.id, provider_event_id='ev1',
                                decision='skipped', reason='r14_all_day',
                                created_at=now - datetime.timedelta(days=days))
    first = runner.invoke(args=['sync', 'prune-decisions'])
    assert first.exit_code == 0, first.output
    assert 'Deleted 2 decision(s) older than 90 days in 1 batch(es)' in first.output
    second = runner.invoke(args=['sync', 'prune-decisions', '--days', '30', '--batch-size', '1'])
    assert 'Deleted 1 decision(s) older than 30 days' in second.output
    kept = runner.invoke(args=['sync', 'prune-decisions', '--days', '0'])
    assert kept.exit_code == 0 and 'kept forever' in kept.output
    with db.connection_context():
        assert SyncDecision.select().count() == 1
    assert runner.invoke(args=['sync', 'prune-decisions', '--days', '-1']).exit_code == 2
