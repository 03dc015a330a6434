"""Sync benchmark: the engine alone, a full sync through the real Google client, statements per
page, and webhook-to-timeline latency with the worker running.

Prints (a) engine events/s (rules + matching against 100k contacts + batched writes, no HTTP),
(b) end-to-end events/s of a full sync through googleapiclient against the Google fake over
loopback (the fake in a child process, like a real provider elsewhere), (c) SQL statements per
1,000-event page, (d) p50/p95 from a Google push to the meeting on the contact's timeline with a
huey worker consuming a SQLite queue. SQLite in a temp dir. Run from the repository root:

    python bench/sync.py [--events 20000] [--contacts 100000] [--pushes 30]
"""
import argparse
import datetime
import logging
import multiprocessing
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from playhouse.test_utils import count_queries  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from server import create_app, tasks  # noqa: E402
from server.calendars.base import Attendee, CalendarEvent, Credentials  # noqa: E402
from server.db import db, upgrade  # noqa: E402
from server.models import CalendarConnection, Contact, Meeting, utcnow  # noqa: E402
from server.services import connections, users  # noqa: E402
from server.sync import runner  # noqa: E402
from server.sync.engine import Scope, apply_page  # noqa: E402

OWNER = 'rep@acme.example'
KEY = 'OfTkKFgA9aIRQ3OVUCSaRU6WLoDosMbwr4LCtohCjD4='  # a bench-only Fernet key
PAGE = 1000
# A month from the day the bench runs, at 09:00 UTC: always ahead, never a literal date.
START = (utcnow() + datetime.timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
TARGETS = {'engine': 20000, 'end_to_end': 5000, 'statements': 15, 'push_p50_ms': 1000}


def contact_email(n):
    return f'contact{n}@client{n % 97}.example'


def attendees_for(n, contacts):
    """Two contacts, a stranger and a colleague: every event needs matching and R12."""
    return [contact_email(n % contacts), contact_email((n * 7 + 3) % contacts),
            f'stranger{n}@else.example', 'colleague@acme.example']


def workspace(directory, name, contacts):
    """A fresh SQLite database with a user and ``contacts`` contacts; return (app, user)."""
    url = 'sqlite:///' + os.path.join(directory, f'{name}.sqlite3')
    app = create_app({'DATABASE_URL': url, 'TOKEN_ENCRYPTION_KEY': KEY, 'MEETSIDE_ENV': 'demo',
                      'HUEY_SQLITE_PATH': os.path.join(directory, f'{name}-huey.sqlite3')})
    upgrade()
    with db.connection_context():
        user = users.create(OWNER, 'Acme', name='Rita Rep', website_domain='acme.example')
        with db.atomic():
            rows = [{'account': user.account_id, 'email': contact_email(n)} for n in range(contacts)]
            for at in range(0, len(rows), 5000):
                Contact.insert_many(rows[at:at + 5000]).execute()
    return app, user


def engine_page(at, count, contacts, created, suffix=''):
    """Events ``at`` .. ``at + count - 1`` as one provider page (titles end with ``suffix``)."""
    return [CalendarEvent(
        provider_event_id=f'ev{n}', title=f'Meeting {n}{suffix}',
        start=START + datetime.timedelta(hours=n), end=START + datetime.timedelta(hours=n, minutes=30),
        created=created, organizer_email=OWNER, html_link=f'https://calendar.example/ev{n}',
        attendees=[Attendee(OWNER, 'Rita Rep', 'accepted', True, True)]
        + [Attendee(e) for e in attendees_for(n, contacts)])
        for n in range(at, at + count)]


def timed_pages(scope, events, contacts, created, suffix=''):
    """Apply ``events`` page by page; return (events/s, us CPU/event) of the apply_page calls.

    Each page is built just before it is applied, as the runner holds one provider page at a
    time: 20,000 events kept alive at once made the cyclic GC's full passes (which walk every
    live object) cost the engine ~5 us per event that a real sync never pays.
    """
    seconds = cpu = 0.0
    for at in range(0, events, PAGE):
        page = engine_page(at, min(PAGE, events - at), contacts, created, suffix)
        started, cpu_started = time.perf_counter(), time.process_time()
        apply_page(scope, page)
        seconds += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
    return events / seconds, cpu / events * 1e6


def bench_engine(directory, events, contacts):
    """(a) and (c): apply pages straight to the engine."""
    app, user = workspace(directory, 'engine', contacts)
    with db.connection_context():
        connection = CalendarConnection.create(account=user.account_id, user=user.id,
                                               provider='google', provider_email=OWNER,
                                               connected_at=utcnow() - datetime.timedelta(days=1))
        scope = Scope.for_connection(connection)
        created = utcnow()
        fresh = timed_pages(scope, events, contacts, created)
        edited = timed_pages(scope, events, contacts, created, ' (moved)')  # every event renamed
        assert Meeting.select().count() == events
        with count_queries() as new_page:
            apply_page(scope, engine_page(events, PAGE, contacts, utcnow()))
        with count_queries() as edit_page:
            apply_page(scope, engine_page(0, PAGE, contacts, created))
    return fresh, edited, new_page.count, edit_page.count


def serve_google(count, contacts, pipe):
    """Child process: the Google fake holding ``count`` events of the bench user."""
    from tests.fakes.google_fake import GoogleFake
    fake = GoogleFake().start()
    for n in range(count):
        fake.store.add_event(OWNER, f'Meeting {n}', start=START + datetime.timedelta(hours=n),
                             attendees=attendees_for(n, contacts))
    pipe.send((fake.config(), fake.grant(OWNER)))
    pipe.recv()
    fake.stop()


def bench_end_to_end(directory, events, contacts):
    """(b): a full sync (runner + googleapiclient + parse + engine) against the fake."""
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve_google, args=(events, contacts, child), daemon=True)
    server.start()
    config, tokens = parent.recv()
    app, user = workspace(directory, 'e2e', contacts)
    app.config.update(config, GOOGLE_PAGE_SIZE=2500, CALENDAR_HTTP_TIMEOUT=60)
    with db.connection_context():
        connections.connect(user, 'google', OWNER, Credentials(tokens['access_token'],
                                                                tokens['refresh_token']), app.config)
        CalendarConnection.update(connected_at=datetime.datetime(2000, 1, 1)).execute()
        started, cpu = time.perf_counter(), time.process_time()
        result = runner.sync_user(user.id, app.config)
        seconds = time.perf_counter() - started
        cpu = _per_event(cpu, events)  # this process: client, parsing and engine (not the fake)
        logged = Meeting.select().count()
    parent.send('stop')
    server.join(10)
    assert result.status == 'ok' and result.events == events and logged == events, result
    return events / seconds, cpu


def _per_event(cpu_started, events):
    """Microseconds of this process's CPU per event since ``cpu_started``: steadier than
    events/s on a shared machine."""
    return (time.process_time() - cpu_started) / events * 1e6


def bench_push(directory, pushes, contacts):
    """(d): Google push -> webhook -> queue -> worker -> meeting on the contact's timeline."""
    from tests.fakes.google_fake import GoogleFake
    fake = GoogleFake().start()
    fake.allow_http_push = True  # Google pushes only to https; this bench app is on plain http
    app, user = workspace(directory, 'push', contacts)
    logging.getLogger('werkzeug').setLevel(logging.ERROR)  # no line per webhook request
    http = make_server('127.0.0.1', 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    app.config.update(fake.config(), PUBLIC_URL=f'http://127.0.0.1:{http.server_port}')
    tasks.configure(app)
    consumer = tasks.huey.create_consumer(workers=2, worker_type='thread', periodic=False,
                                          initial_delay=0.01, max_delay=0.05, backoff=1.1)
    consumer._set_signal_handlers = lambda: None
    threading.Thread(target=consumer.run, daemon=True).start()
    tokens = fake.grant(OWNER)
    with db.connection_context():
        connection = connections.connect(user, 'google', OWNER, Credentials(
            tokens['access_token'], tokens['refresh_token']), app.config)
        CalendarConnection.update(connected_at=connection.connected_at
                                  - datetime.timedelta(seconds=5)).execute()
    _wait(lambda: CalendarConnection.get().last_synced_at is not None)
    latencies = []
    for n in range(pushes):
        started = time.perf_counter()
        event = fake.store.add_event(OWNER, f'Pushed {n}', attendees=attendees_for(n, contacts))
        _wait(lambda: Meeting.select().where(Meeting.provider_event_id == event.id).exists())
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
    consumer.stop(graceful=True)
    http.shutdown()
    fake.stop()
    latencies.sort()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]


def _wait(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.connection_context():
            if predicate():
                return
        time.sleep(0.002)
    raise SystemExit('timed out waiting for the sync')


def verdict(ok):
    return 'ok' if ok else 'BELOW TARGET'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--events', type=int, default=20000)
    parser.add_argument('--contacts', type=int, default=100000)
    parser.add_argument('--pushes', type=int, default=30)
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix='meetside-bench-sync-')
    try:
        report(directory, args)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def report(directory, args):
    print(f'# {platform.python_implementation()} {platform.python_version()}, '
          f'{os.cpu_count()} CPUs, SQLite, {args.events} events, {args.contacts} contacts, '
          f'pages of {PAGE}')
    fresh, edited, new_page, edit_page = bench_engine(directory, args.events, args.contacts)
    print(f'(a) engine, new events      {fresh[0]:9.0f} events/s   target >= {TARGETS["engine"]}  '
          f'{verdict(fresh[0] >= TARGETS["engine"])}   {fresh[1]:.0f} us CPU/event')
    print(f'    engine, edited events   {edited[0]:9.0f} events/s{"":30}'
          f'{edited[1]:.0f} us CPU/event')
    worst = max(new_page, edit_page)
    e2e, cpu = bench_end_to_end(directory, args.events, args.contacts)
    print(f'(b) full sync via Google    {e2e:9.0f} events/s   target >= {TARGETS["end_to_end"]}  '
          f'{verdict(e2e >= TARGETS["end_to_end"])}    {cpu:.0f} us CPU/event (app process)')
    print(f'(c) statements per page     {new_page:3d} new, {edit_page:3d} edited    '
          f'target <= {TARGETS["statements"]}  {verdict(worst <= TARGETS["statements"])}')
    p50, p95 = bench_push(directory, args.pushes, args.contacts)
    print(f'(d) push -> timeline        p50 {p50:6.0f} ms, p95 {p95:6.0f} ms   '
          f'target p50 <= {TARGETS["push_p50_ms"]} ms  {verdict(p50 <= TARGETS["push_p50_ms"])}')


if __name__ == '__main__':
    main()
