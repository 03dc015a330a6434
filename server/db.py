"""The database: declared unconfigured, bound from DATABASE_URL in create_app."""
import os

import click
from flask import current_app
from peewee import DatabaseProxy
from playhouse import db_url
from playhouse.migrations import Runner

db = DatabaseProxy()

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')


def is_postgres():
    return db.obj is not None and 'postgres' in type(db.obj).__name__.lower()


def connect_url(url, pool_size=8):
    """Open a peewee Database for ``url`` with this project's settings."""
    if url.startswith(('postgres://', 'postgresql://')):
        # A pool keeps one connection per worker thread warm between requests.
        url = url.replace('://', '+pool://', 1)
        return db_url.connect(url, max_connections=pool_size, stale_timeout=300)
    if url.startswith('sqlite:///'):
        path = url[len('sqlite:///'):]
        if path and path != ':memory:':
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return db_url.connect(url, pragmas={
        'journal_mode': 'wal',
        'foreign_keys': 1,
        'busy_timeout': 10000,
        'synchronous': 'normal',
        'cache_size': -32000,
    })


def bind(url, pool_size=8):
    """Point the proxy at ``url`` (closing whatever it pointed at before)."""
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(connect_url(url, pool_size))
    return db.obj


def upgrade():
    """Apply pending migrations; return the names applied (idempotent)."""
    with db.connection_context():
        return Runner(db.obj, directory=MIGRATIONS_DIR).up()


def _open_connection():
    db.connect(reuse_if_open=True)


def _close_connection(exc):
    if not db.is_closed():
        db.close()


@click.group('db')
def db_cli():
    """Manage the database schema."""


@db_cli.command('upgrade')
def upgrade_command():
    """Bring the database to the current schema."""
    applied = upgrade()
    click.echo('Applied: ' + ', '.join(applied) if applied else 'Database is up to date.')


def init_app(app):
    bind(app.config['DATABASE_URL'], app.config['DATABASE_POOL_SIZE'])
    app.before_request(_open_connection)
    app.teardown_request(_close_connection)
    app.cli.add_command(db_cli)
