"""The database: declared unconfigured, bound from DATABASE_URL in create_app."""
import datetime
import os
import sqlite3

import click
from peewee import BooleanField, DatabaseProxy
from playhouse import db_url
from playhouse.migrations import Runner

db = DatabaseProxy()

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')
# Row ids are PostgreSQL SERIALs (32-bit): a bigger number overflows in the driver (a 500).
MAX_ID = 2**31 - 1
# How long a request waits for a pooled connection when all are in use by other threads.
POOL_WAIT_SECONDS = 10


def parse_sqlite_datetime(raw):
    """sqlite3 converter for DATETIME columns (peewee stores them as ISO text).

    peewee's own parsing tries strptime format after format, raising on each miss; on a
    meetings page that was a tenth of the request. fromisoformat reads every format it writes.
    """
    text = raw.decode()
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return text  # not ISO: peewee's own formats get their turn


sqlite3.register_converter('DATETIME', parse_sqlite_datetime)
# sqlite3 binds int, float and str directly but looks an adapter up for any other value: each
# None and bool parameter cost ~0.2 us more than an int (a synced event binds ~10: its
# attendees' contact ids and organizer flags). Registered, they bind as they always did
# (NULL, 0/1), without the search.
sqlite3.register_adapter(type(None), lambda value: value)
sqlite3.register_adapter(bool, int)


def is_postgres():
    return db.obj is not None and 'postgres' in type(db.obj).__name__.lower()


def connect_url(url, pool_size=8):
    """Open a peewee Database for ``url`` with this project's settings."""
    if url.startswith(('postgres://', 'postgresql://')):
        # A pool keeps connections warm between requests. gunicorn runs many threads per
        # worker (gunicorn.conf.py), more than the pool holds: a request finding every
        # connection taken waits for one (POOL_WAIT_SECONDS) instead of failing at once.
        url = url.replace('://', '+pool://', 1)
        return db_url.connect(url, max_connections=pool_size, stale_timeout=300,
                              timeout=POOL_WAIT_SECONDS)
    options = {}
    if url.startswith('sqlite:///'):
        path = url[len('sqlite:///'):]
        if path and path != ':memory:':
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            # Pooled too: opening a file and setting five pragmas per request cost more than
            # a whole /health request. The pool hands a connection to one thread at a time.
            url = url.replace('sqlite://', 'sqlite+pool://', 1)
            options = {'max_connections': pool_size, 'stale_timeout': 300,
                       'timeout': POOL_WAIT_SECONDS, 'check_same_thread': False}
        options['detect_types'] = sqlite3.PARSE_DECLTYPES
    database = db_url.connect(url, pragmas={
        'journal_mode': 'wal',
        'foreign_keys': 1,
        'busy_timeout': 10000,
        'synchronous': 'normal',
        'cache_size': -32000,
    }, **options)
    # SQLite's LIKE folds ASCII letters only ('É' never matches 'é'); searches for words with
    # other letters compare casefold(column) instead (server/services/records.py).
    database.register_function(_casefold, 'casefold', 1, deterministic=True)
    return database


def _casefold(text):
    return text.casefold() if isinstance(text, str) else text


def bind(url, pool_size=8):
    """Point the proxy at ``url`` (closing whatever it pointed at before)."""
    if db.obj is not None:
        if hasattr(db.obj, 'close_all'):
            db.obj.close_all()  # a pool: its idle connections too
        elif not db.obj.is_closed():
            db.obj.close()
    db.initialize(connect_url(url, pool_size))
    return db.obj


class Prepared:
    """A query (a SELECT, or an INSERT ... SELECT) compiled to SQL once per kind of database,
    then run with fresh parameters.

    peewee rebuilds the SQL text from its query tree on every execution; for the queries every
    API request makes (token auth, the meetings page) that was nearly half of the request.
    ``build(*args)`` returns the peewee query; it is called once per database type and argument
    shape with marker values, and each marker's position in the parameters is remembered.
    Arguments may be int, str, datetime, None (the shape records it, so ``build`` may leave
    the condition out) or a list of those (an IN list: its length is part of the shape).
    Calling returns peewee's cursor wrapper: iterate it for the same rows the query gives.
    """

    def __init__(self, build):
        self.build = build
        self._compiled = {}

    def __call__(self, *args):
        query, cursor = self._execute(args)
        return query._get_cursor_wrapper(cursor)

    def raw_rows(self, *args):
        """The driver's rows as they come (tuples in select order, no peewee conversion)."""
        return self._execute(args)[1].fetchall()

    def _execute(self, args):
        key = (type(db.obj), tuple(_shape(a) for a in args))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(args)
        query, sql, slots = compiled
        params = [constant if i is None else args[i] if j is None else args[i][j]
                  for i, j, constant in slots]
        return query, db.execute_sql(sql, params)

    def _compile(self, args):
        markers, where = [], {}
        for i, arg in enumerate(args):
            if isinstance(arg, (list, tuple)):
                marker = [_marker(item, len(where) + n) for n, item in enumerate(arg)]
                where.update((_key(m), (i, n)) for n, m in enumerate(marker))
            else:
                marker = _marker(arg, len(where))
                if arg is not None:
                    where[_key(marker)] = (i, None)
            markers.append(marker)
        query = self.build(*markers)
        sql, params = query.sql()
        slots = []
        for value in params:
            i, j = where.pop(_key(value), (None, None))
            slots.append((i, j, value))
        if where:
            raise ValueError('Prepared: an argument did not reach the SQL parameters as given.')
        return query, sql, slots


def row_loader(model, names):
    """A function: one raw row holding ``names`` (in order) -> a ``model`` instance.

    For rows from ``Prepared.raw_rows``: peewee's own row loading (a descriptor call and a
    converter per value, a join graph per row) cost more than the query on list pages. Drivers
    already give ints, strings and datetimes (SQLite through the DATETIME converter above);
    only booleans need converting (SQLite stores 0/1). Fills the same ``__data__`` peewee does.
    """
    names = tuple(names)
    flags = [n for n in names if isinstance(model._meta.fields[n], BooleanField)]

    def load(values):
        instance = model.__new__(model)
        data = instance.__data__ = dict(zip(names, values))
        for name in flags:
            if data[name] is not None:
                data[name] = bool(data[name])
        instance._dirty = set()
        instance.__rel__ = {}
        return instance
    return load


def _shape(arg):
    if isinstance(arg, (list, tuple)):
        return ('list', len(arg), type(arg[0]) if arg else None)
    return type(arg)


def _marker(arg, n):
    """A value of ``arg``'s type that no real parameter takes."""
    if arg is None:
        return None
    if isinstance(arg, bool):
        raise TypeError('Prepared: pass booleans as constants inside build().')
    if isinstance(arg, int):
        return -7_000_000_000_000 - n
    if isinstance(arg, str):
        return f'\x00prepared-marker-{n}'
    if isinstance(arg, datetime.datetime):
        return datetime.datetime(1000, 1, 1) + datetime.timedelta(microseconds=n + 1)
    raise TypeError(f'Prepared: unsupported argument type {type(arg).__name__}.')


def _key(value):
    try:
        hash(value)
    except TypeError:
        return None  # an unhashable constant is never a marker
    return type(value), value


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
