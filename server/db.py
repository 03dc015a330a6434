"""The database: declared unconfigured, bound from DATABASE_URL in create_app."""
import contextlib
import datetime
import functools
import itertools
import logging
import os
import random
import re
import sqlite3
import time
import weakref

import click
from peewee import BooleanField, DatabaseProxy, OperationalError
from playhouse import db_url
from playhouse.migrations import Runner

db = DatabaseProxy()
log = logging.getLogger(__name__)

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
        # Transactions take the write lock when they begin. A deferred BEGIN reads first and
        # asks for the lock at its first write: if another process committed meanwhile, SQLite
        # answers "database is locked" at once, without waiting busy_timeout (its snapshot is
        # stale), and that sync or request failed. With IMMEDIATE, writers queue for the lock.
        options['lock_type'] = 'IMMEDIATE'
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


# -- write transactions ----------------------------------------------------------------------
# A transaction that reads and then writes must not take SQLite's write lock only at its first
# write: in WAL mode another connection's commit since its read makes the upgrade fail at
# once with "database is locked" (SQLITE_BUSY_SNAPSHOT; busy_timeout cannot help). BEGIN
# IMMEDIATE takes the lock up front, so writers queue on busy_timeout instead. PostgreSQL
# runs such transactions concurrently, and what still collides (a deadlock, a serialization
# failure) is retried whole by ``retrying``.

NO_KEY_UPDATE = 'FOR NO KEY UPDATE'  # the row lock an UPDATE of non-key columns takes
RETRY_ATTEMPTS = 5
RETRY_BASE_SECONDS = 0.05
# SQLSTATEs PostgreSQL documents as "retry the transaction": serialization_failure,
# deadlock_detected.
RETRYABLE_SQLSTATES = ('40001', '40P01')


def write_transaction():
    """One write transaction (``with write_transaction(): ...``), every write of it or none.

    SQLite: BEGIN IMMEDIATE when it is the outermost transaction (the write lock up front);
    inside another transaction, a savepoint as ``db.atomic()``.
    """
    if not is_postgres() and not db.in_transaction():
        return db.atomic(lock_type='IMMEDIATE')
    return db.atomic()


def lock_row(model, row_id):
    """Inside a write transaction: hold ``model``'s row ``row_id`` until commit, so writers of
    the same row (and readers that must see it whole) queue one behind the other. PostgreSQL
    takes a row lock (FOR NO KEY UPDATE: inserts of rows that reference it, whose foreign-key
    checks share the key, go on); SQLite's BEGIN IMMEDIATE already serializes every writer
    (peewee refuses FOR UPDATE there)."""
    if row_id is not None and is_postgres():
        list(model.select(model._meta.primary_key).where(
            model._meta.primary_key == row_id).for_update(NO_KEY_UPDATE))


def is_retryable(error):
    """Is ``error`` a transient conflict with another transaction (retrying may succeed)?"""
    # peewee wraps the driver's exception: the original is its first argument.
    originals = [error, error.__cause__, error.__context__,
                 *(a for a in error.args[:1] if isinstance(a, BaseException))]
    if any(getattr(e, 'pgcode', None) in RETRYABLE_SQLSTATES for e in originals):
        return True
    return isinstance(error, OperationalError) and 'database is locked' in str(error)


def retrying(function):
    """Run ``function`` again (bounded, with jittered backoff) when its transaction failed on
    a deadlock, a serialization failure or SQLite's lock: the one place such conflicts are
    retried, so they never reach a user as a 500 or end a task. Only the outermost call
    retries (a nested one's transaction is its caller's); the function must be safe to run
    again after a rolled-back attempt (its writes were all undone)."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if db.in_transaction():
            return function(*args, **kwargs)
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                return function(*args, **kwargs)
            except Exception as error:
                if attempt == RETRY_ATTEMPTS or not is_retryable(error) or db.in_transaction():
                    raise
                log.info('retrying %s after a conflicting transaction (attempt %d): %s',
                         function.__qualname__, attempt, error)
                rollback_if_open()
                time.sleep(RETRY_BASE_SECONDS * 2 ** (attempt - 1) * (0.5 + random.random()))
    return wrapper


def retry_views(app):
    """Every view of ``app`` runs again when its transaction lost a conflict (``retrying``),
    before any error reaches the user. Call once all blueprints are registered."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != 'static':
            app.view_functions[endpoint] = retrying(view)


def rollback_if_open():
    """After a failed statement outside atomic(): PostgreSQL refuses every later statement of
    an aborted transaction until it is rolled back."""
    with contextlib.suppress(Exception):
        if not db.is_closed() and is_postgres():
            db.rollback()


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

    On PostgreSQL each compiled query is also a server-side prepared statement of the
    connection that runs it (PREPARE once, then EXECUTE): the server's parsing and planning of
    the panel's statements cost twice their execution (GET /people: 1.1 ms of planning to
    0.6 ms of execution, a brief 1.7 to 0.8), on the same cores that serve the requests.
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
        query, sql, slots, statement = compiled
        params = [constant if i is None else args[i] if j is None else args[i][j]
                  for i, j, constant in slots]
        if statement is not None:  # compiled on PostgreSQL: the key holds the database type
            return query, statement.execute(params)
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
        slots, used = [], set()
        for value in params:
            # An argument may appear more than once (an account id in a query and its subquery).
            key = _key(value)
            i, j = where.get(key, (None, None))
            if i is not None:
                used.add(key)
            slots.append((i, j, value))
        if used != set(where):
            raise ValueError('Prepared: an argument did not reach the SQL parameters as given.')
        statement = None
        if is_postgres():
            statement = ServerStatement(sql, [
                None if i is None else _pg_type(args[i] if j is None else args[i][j])
                for i, j, _ in slots], [constant for i, _, constant in slots if i is None])
        return query, sql, slots, statement


def _pg_type(value):
    return next(name for kind, name in _PG_TYPES if isinstance(value, kind))


# The argument types Prepared takes (``_marker``), as PostgreSQL names them.
_PG_TYPES = ((int, 'bigint'), (str, 'text'), (datetime.datetime, 'timestamp'))


class ServerStatement:
    """One SQL statement as a PostgreSQL prepared statement, made on each connection the first
    time it runs there (prepared statements belong to a session and outlive its transactions).

    Its parameters are the arguments of the Prepared query, each declared with the type of the
    value in its place (what a plain query's literal would have been: an untyped parameter in a
    CASE would become text). The query's own constants (a status, a CASE's 1 and 0) are
    literals of the statement: the plan made for every run (PostgreSQL's generic plan) then
    estimates ``status <> 'cancelled'`` from the column's statistics, as the plain query's plan
    does. A parameter there was estimated blind: on a table where every meeting had one status
    the planner expected one row of twenty-one and chose a nested loop 7 times slower.

    The first run sends PREPARE and EXECUTE in one round trip. A connection holds at most
    MAX_PER_CONNECTION of them (an IN list's length is part of a Prepared shape, so the shapes
    are many); past the limit a statement runs as a plain query.
    """

    MAX_PER_CONNECTION = 1000
    _names = itertools.count(1)
    # connection -> {name: True when prepared there, None when its first run failed (was the
    # PREPARE before the failing EXECUTE made?)}
    _made_on = weakref.WeakKeyDictionary()

    def __init__(self, sql, types, constants):
        """``types``: per parameter of ``sql``, an argument's type, or None for a constant."""
        self.name = f'meetside_{next(self._names)}'
        self.sql = sql
        self.arguments = [n for n, kind in enumerate(types) if kind is not None]
        declared = [kind for kind in types if kind is not None]
        kinds, numbers = iter(types), itertools.count(1)
        # $n for each argument; a constant's %s and a literal %% stay for the driver to format.
        self._template = re.sub(r'%%|%s', lambda m: m.group() if m.group() == '%%' or next(
            kinds) is None else f'${next(numbers)}', sql)
        self._constants = constants
        self._declared = f" ({', '.join(declared)})" if declared else ''
        self.run = f'EXECUTE {self.name}' + (f" ({', '.join(['%s'] * len(declared))})"
                                             if declared else '')
        self._prepare_and_run = None

    def execute(self, params):
        """Run with ``params`` (every parameter of ``sql``, constants included)."""
        made = self._made_on.setdefault(db.connection(), {})
        state = made.get(self.name, False)
        if state is None:
            state = made[self.name] = db.execute_sql(
                'SELECT 1 FROM pg_prepared_statements WHERE name = %s',
                [self.name]).fetchone() is not None
        arguments = [params[n] for n in self.arguments]
        if state:
            return db.execute_sql(self.run, arguments)
        if len(made) >= self.MAX_PER_CONNECTION:
            return db.execute_sql(self.sql, params)
        made[self.name] = None
        cursor = db.execute_sql(self.prepare_and_run(), arguments)
        made[self.name] = True
        return cursor

    def prepare_and_run(self):
        if self._prepare_and_run is None:
            # The driver quotes the constants as it would in the plain query; the text then
            # goes through its formatting once more, with the arguments, so % is doubled.
            body = db.cursor().mogrify(self._template, self._constants).decode()
            self._prepare_and_run = (f"PREPARE {self.name}{self._declared} AS "
                                     f"{body.replace('%', '%%')}; {self.run}")
        return self._prepare_and_run


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
