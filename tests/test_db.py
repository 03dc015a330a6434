"""server.db: prepared (compiled-once) queries, SQLite datetimes and pooled connections."""
import datetime

import pytest
from peewee import JOIN
from playhouse.test_utils import count_queries

from server.db import Prepared, db, parse_sqlite_datetime, row_loader
from server.models import Account, Contact, Meeting, User
from tests.conftest import IS_POSTGRES


def meeting_query(user_id, ids, start_from, title):
    query = Meeting.select(Meeting, User).join(User, JOIN.LEFT_OUTER).where(
        Meeting.user == user_id, Meeting.id.in_(ids), Meeting.title == title)
    if start_from is not None:
        query = query.where(Meeting.start >= start_from)
    return query.order_by(Meeting.start)


def test_prepared_query_returns_what_peewee_returns_for_every_argument(caller):
    prepared = Prepared(meeting_query)
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        base = datetime.datetime(2026, 12, 1, 10)
        made = [Meeting.create(account=user.account_id, user=user.id, title=title,
                               start=base + datetime.timedelta(days=n),
                               end=base + datetime.timedelta(days=n, hours=1))
                for n, title in enumerate(['a', 'b', 'a', 'a'])]
        ids = [m.id for m in made]
        for args in ((user.id, ids, None, 'a'), (user.id, ids[:2], None, 'a'),
                     (user.id, ids, base + datetime.timedelta(days=1), 'a'),
                     (user.id, ids, None, 'b'), (user.id + 1000, ids, None, 'a'),
                     (user.id, [], None, 'a')):
            got = list(prepared(*args))
            want = list(meeting_query(*args))
            assert [(m.id, m.title, m.start, m.user.email) for m in got] == \
                   [(m.id, m.title, m.start, m.user.email) for m in want]
        assert [m.title for m in prepared(user.id, ids, None, 'a')] == ['a', 'a', 'a']
        rows = prepared.raw_rows(user.id, ids, None, 'b')
        assert len(rows) == 1 and made[1].id in rows[0]
        with count_queries() as counted:
            list(prepared(user.id, ids, None, 'a'))
        assert counted.count == 1


def test_prepared_refuses_arguments_that_do_not_reach_the_parameters(caller):
    # contains() wraps the value in wildcards: a compiled statement could not take a new one.
    prepared = Prepared(lambda text: Contact.select().where(Contact.email.contains(text)))
    with db.connection_context(), pytest.raises(ValueError):
        prepared('acme')


def test_issue10_prepared_takes_an_argument_used_twice(caller, make_caller):
    """An account id in a query and in its subquery (the briefs, issue 10): each use gets the
    value of the call, never the first call's value frozen in as a constant."""
    other = make_caller('eve@globex.com', account='Globex')

    def build(account_id):
        inner = Contact.select(Contact.id).where(Contact.account == account_id)
        return Contact.select(Contact.email).where(Contact.account == account_id,
                                                   Contact.id.in_(inner))
    prepared = Prepared(build)
    with db.connection_context():
        for user in (caller.user, other.user):
            Contact.create(account=user.account_id, email=f'c@{user.account_id}.example')
        assert prepared.raw_rows(caller.user.account_id) == [(f'c@{caller.user.account_id}.example',)]
        assert prepared.raw_rows(other.user.account_id) == [(f'c@{other.user.account_id}.example',)]


def test_sqlite_datetimes_read_every_stored_format():
    assert parse_sqlite_datetime(b'2026-12-01 10:00:00') == datetime.datetime(2026, 12, 1, 10)
    assert parse_sqlite_datetime(b'2026-12-01 10:00:00.250000') == datetime.datetime(
        2026, 12, 1, 10, 0, 0, 250000)
    assert parse_sqlite_datetime(b'not a date') == 'not a date'


def test_datetimes_round_trip_through_the_database(caller):
    stamp = datetime.datetime(2026, 12, 1, 10, 0, 0, 123456)
    with db.connection_context():
        account = Account.create(name='Round trip', created_at=stamp)
        again = Account.get_by_id(account.id)
    assert again.created_at == stamp


def test_connections_are_reused_between_requests(app):
    """One connection per worker thread, kept between requests (no reconnect per request)."""
    client = app.test_client()
    seen = []  # the objects themselves, so a closed one's id cannot be recycled
    for _ in range(3):
        assert client.get('/api/v1/health').status_code == 200
        with app.test_request_context('/api/v1/health'):
            app.preprocess_request()
            seen.append(db.connection())
            app.do_teardown_request()
    assert seen[0] is seen[1] is seen[2]


def test_row_loader_builds_the_instances_peewee_builds(caller):
    names = [f.name for f in Meeting._meta.sorted_fields]
    load = row_loader(Meeting, names)
    prepared = Prepared(lambda meeting_id: Meeting.select().where(Meeting.id == meeting_id))
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        start = datetime.datetime(2026, 12, 1, 10)
        made = Meeting.create(account=user.account_id, user=user.id, title='Loaded',
                              start=start, end=start + datetime.timedelta(hours=1), frozen=True,
                              started_at=datetime.datetime(2026, 12, 1, 10, 1, 2, 345678))
        [row] = prepared.raw_rows(made.id)
        loaded, fetched = load(row), Meeting.get_by_id(made.id)
        for name in names:
            value, want = getattr(loaded, name), getattr(fetched, name)
            assert (value, type(value)) == (want, type(want)), name
        assert loaded.user.email == user.email  # relations still load on demand


def test_issue9_more_request_threads_than_pooled_connections_wait_their_turn(app):
    """gunicorn runs 32 threads per worker over a pool of DATABASE_POOL_SIZE connections: a
    thread finding every connection taken waits for one (never MaxConnectionsExceeded, a 500),
    each thread gets a connection of its own, and SQLite runs in WAL mode."""
    import threading
    import time

    from server.db import connect_url
    from tests.conftest import DATABASE_URL
    pool = connect_url(DATABASE_URL, pool_size=2)
    held, errors, lock = set(), [], threading.Lock()

    def request():
        try:
            pool.connect()
            try:
                with lock:
                    assert id(pool.connection()) not in held  # not shared with another thread
                    held.add(id(pool.connection()))
                pool.execute_sql('SELECT 1')
                time.sleep(0.1)
                with lock:
                    held.discard(id(pool.connection()))
            finally:
                pool.close()
        except Exception as error:  # noqa: BLE001 -- collected for the assertion below
            errors.append(error)
    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    try:
        assert errors == []
        if 'sqlite' in DATABASE_URL:
            with pool.connection_context():
                assert pool.execute_sql('PRAGMA journal_mode').fetchone()[0] == 'wal'
    finally:
        pool.close_all()


def test_issue12_sqlite_transactions_that_read_then_write_wait_for_each_other(tmp_path):
    """Two processes' connections (a worker's sync page, a request's note): one reads, the
    other commits a write, then the first writes. With deferred BEGINs SQLite refused that
    write at once ("database is locked", a stale snapshot: busy_timeout does not apply), so a
    sync failed under load; write transactions now take the lock when they begin."""
    import threading

    from server.db import connect_url
    url = f'sqlite:///{tmp_path}/locks.sqlite3'
    first, second = connect_url(url), connect_url(url)
    first.execute_sql('CREATE TABLE item (n INTEGER)')
    first.close()
    read_done, errors = threading.Event(), []

    def other_writer():
        read_done.wait(5)
        try:
            with second.connection_context(), second.atomic():
                second.execute_sql('INSERT INTO item VALUES (2)')
        except Exception as error:
            errors.append(error)

    thread = threading.Thread(target=other_writer)
    thread.start()
    with first.connection_context():
        with first.atomic():
            first.execute_sql('SELECT count(*) FROM item').fetchone()
            read_done.set()
            thread.join(0.5)  # the other writer commits now if it is not made to wait
            first.execute_sql('INSERT INTO item VALUES (1)')
        thread.join(15)
        assert not errors
        assert sorted(n for (n,) in first.execute_sql('SELECT n FROM item')) == [1, 2]


# -- PostgreSQL server-side prepared statements (issue 10 §4) --------------------------------

postgres_only = pytest.mark.skipif(not IS_POSTGRES, reason='PostgreSQL prepared statements')


def _prepared_here():
    return {name for (name,) in db.execute_sql('SELECT name FROM pg_prepared_statements')}


@postgres_only
def test_issue10_a_prepared_query_is_planned_once_per_connection_then_executed(caller):
    """The second run of a compiled query is an EXECUTE of the connection's prepared statement
    (the server neither parses nor plans it again), and it returns what peewee's query does."""
    prepared = Prepared(lambda email: Contact.select(Contact.email).where(Contact.email == email))
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='ann@acme.com')
        assert [c.email for c in prepared('ann@acme.com')] == ['ann@acme.com']
        [statement] = _prepared_here()
        with count_queries() as counted:
            assert [c.email for c in prepared('ann@acme.com')] == ['ann@acme.com']
            assert list(prepared('nobody@acme.com')) == []
        assert counted.count == 2 and _prepared_here() == {statement}
        # Still there after a transaction rolls back: a session's statements are not undone.
        with db.atomic() as transaction:
            prepared('ann@acme.com')
            transaction.rollback()
        assert [c.email for c in prepared('ann@acme.com')] == ['ann@acme.com']


@postgres_only
def test_issue10_prepared_parameters_keep_the_types_of_the_literals_they_replace(caller):
    """An untyped parameter in a CASE would be text (an int compared to text: an error, or a
    string sorted where numbers were meant); declared from the argument, it stays an integer."""
    from peewee import Case

    def build(rank):
        return Contact.select(Case(None, [(Contact.email == 'ann@acme.com', rank)], 0)
                              .alias('rank')).order_by(Contact.id)
    prepared = Prepared(build)
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='ann@acme.com')
        Contact.create(account=caller.user.account_id, email='bob@acme.com')
        for _ in range(2):  # PREPARE and EXECUTE, then EXECUTE alone
            assert prepared.raw_rows(10) == [(10,), (0,)]


@postgres_only
def test_issue10_a_failed_first_run_does_not_break_the_statement(caller):
    """A first run that fails in EXECUTE after its PREPARE (here a division by zero) leaves the
    connection unsure whether the statement exists: the next run asks the server, instead of
    preparing it twice ("already exists") or executing one never made."""
    from peewee import DataError

    prepared = Prepared(lambda divisor: Contact.select(Contact.id).where(
        (Contact.id / divisor) >= 0))
    with db.connection_context():
        made = Contact.create(account=caller.user.account_id, email='ann@acme.com')
        with pytest.raises(DataError):
            with db.atomic():
                list(prepared(0))
        assert [c.id for c in prepared(1)] == [made.id]
        assert [c.id for c in prepared(1)] == [made.id]


@postgres_only
def test_issue10_past_its_limit_a_connection_runs_statements_as_plain_queries(caller, monkeypatch):
    """Each IN-list length is a statement of its own: a connection keeps at most
    MAX_PER_CONNECTION, then runs the others as plain SQL (same rows, nothing more kept)."""
    from server.db import ServerStatement

    prepared = Prepared(lambda ids: Contact.select(Contact.id).where(Contact.id.in_(ids))
                        .order_by(Contact.id))
    with db.connection_context():
        already = len(ServerStatement._made_on.get(db.connection(), {}))
        monkeypatch.setattr(ServerStatement, 'MAX_PER_CONNECTION', already + 2)
        ids = [Contact.create(account=caller.user.account_id, email=f'c{n}@acme.com').id
               for n in range(4)]
        before = _prepared_here()
        for length in range(1, 5):
            assert [c.id for c in prepared(ids[:length])] == ids[:length]
        assert len(_prepared_here() - before) == 2


@postgres_only
def test_issue10_a_query_constant_is_a_literal_of_the_prepared_statement(caller):
    """Only the arguments are parameters: a constant of the query (a status, a LIKE pattern
    with its %) is written into the statement, so the plan made once for every run estimates
    it from the column's statistics, as the plain query's plan does."""
    prepared = Prepared(lambda account_id: Contact.select(Contact.email).where(
        Contact.account == account_id, Contact.email ** '%@acme.com',
        Contact.email != 'nobody@acme.com').order_by(Contact.email))
    with db.connection_context():
        for email in ('bob@acme.com', 'ann@acme.com', 'eve@globex.com', 'nobody@acme.com'):
            Contact.create(account=caller.user.account_id, email=email)
        for _ in range(2):
            assert [c.email for c in prepared(caller.user.account_id)] == [
                'ann@acme.com', 'bob@acme.com']
        [(types, text)] = db.execute_sql(
            'SELECT parameter_types::text, statement FROM pg_prepared_statements').fetchall()
        assert types == '{bigint}'
        assert "'%@acme.com'" in text and "'nobody@acme.com'" in text
