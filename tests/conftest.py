"""Shared fixtures: a fresh database per test on SQLite or PostgreSQL (DATABASE_URL)."""
import datetime
import os
import tempfile

import pytest
import time_machine

from server import create_app
from server.db import db, upgrade
from server.services import tokens, users

_SCRATCH = tempfile.mkdtemp(prefix='meetside-tests-')
DATABASE_URL = os.environ.get('DATABASE_URL') or 'sqlite:///' + os.path.join(_SCRATCH, 'test.sqlite3')
IS_POSTGRES = DATABASE_URL.startswith(('postgres://', 'postgresql://'))
MIGRATION_TABLE = 'schema_migration'


def _drop_everything():
    with db.connection_context():
        if IS_POSTGRES:
            db.execute_sql('DROP SCHEMA public CASCADE; CREATE SCHEMA public;')
        else:
            db.execute_sql('PRAGMA foreign_keys = OFF')
            for table in db.get_tables():
                db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
            db.execute_sql('PRAGMA foreign_keys = ON')


def _empty_tables():
    """Fast per-test reset: keep the schema, remove every row, restart ids."""
    with db.connection_context():
        tables = [t for t in db.get_tables() if t != MIGRATION_TABLE]
        if not tables:
            return
        if IS_POSTGRES:
            names = ', '.join(f'"{t}"' for t in tables)
            db.execute_sql(f'TRUNCATE {names} RESTART IDENTITY CASCADE')
        else:
            db.execute_sql('PRAGMA foreign_keys = OFF')
            with db.atomic():
                for table in tables:
                    db.execute_sql(f'DELETE FROM "{table}"')
                if 'sqlite_sequence' in {r[0] for r in db.execute_sql(
                        "SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")}:
                    db.execute_sql('DELETE FROM sqlite_sequence')
            db.execute_sql('PRAGMA foreign_keys = ON')


def make_app(**overrides):
    config = {'TESTING': True, 'DATABASE_URL': DATABASE_URL, 'SECRET_KEY': 'test',
              'PUBLIC_URL': 'http://127.0.0.1:5000', 'HUEY_IMMEDIATE': True}
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope='session')
def _schema():
    app = make_app()
    _drop_everything()
    upgrade()
    yield app


@pytest.fixture
def app(_schema):
    app = make_app()
    _empty_tables()
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def clock():
    """The clock, for a test about one calendar fact: ``clock.move_to(...)`` sets it (ticking)."""
    with time_machine.travel(datetime.datetime.now(datetime.timezone.utc), tick=True) as traveller:
        yield traveller


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Caller:
    """A user with an API token, and a test client that sends it."""

    def __init__(self, client, user, token):
        self.client, self.user, self.token = client, user, token
        self.headers = {'Authorization': f'Bearer {token}'}

    def _call(self, method, path, **kwargs):
        headers = dict(self.headers, **kwargs.pop('headers', {}))
        return getattr(self.client, method)('/api/v1' + path, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call('get', path, **kw)

    def post(self, path, **kw):
        return self._call('post', path, **kw)

    def patch(self, path, **kw):
        return self._call('patch', path, **kw)

    def put(self, path, **kw):
        return self._call('put', path, **kw)

    def delete(self, path, **kw):
        return self._call('delete', path, **kw)


@pytest.fixture
def make_caller(app, client):
    """Factory: make_caller('rep@acme.com', account='Acme', domain='acme.com')."""
    def make(email='rep@acme.com', account='Acme', domain=None, name='Rita Rep', password=None):
        with db.connection_context():
            user = users.create(email=email, account_name=account, name=name, password=password,
                                website_domain=domain or email.rpartition('@')[2])
            _, plaintext = tokens.issue(user, name='test')
        return Caller(client, user, plaintext)
    return make


@pytest.fixture
def caller(make_caller):
    return make_caller()


# The provider fakes (tests/fakes) as fixtures for every suite.
from tests.fakes.fixtures import (google_config, google_fake, graph_config,  # noqa: E402,F401
                                  graph_fake)
from tests.fakes.smtp import mailbox, smtp_server  # noqa: E402,F401
