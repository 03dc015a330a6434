"""Capacity bench (issue 12 §3): how many reps one box carries with PostgreSQL + Redis.

Part 1 — N connected reps, each (over an 8-hour working day) ~20 calendar events arriving by
push, a panel polling GET /meetings once a minute with its ETag, and 10 notes. The bench runs
those rates compressed to real time for --seconds per level (N reps poll N/60 times a second,
add N*20/28800 events a second, post N*10/28800 notes a second) against 2 gunicorn instances
and 2 huey consumers (tests/topology/processes.py), raising N until the p99 of GET /meetings
passes 100 ms or push-to-timeline p50 passes 5 s, or --max-reps / --budget is reached. It
prints per level: latencies, and the CPU split web / worker / PostgreSQL (this database's
backends, from /proc). The Google fake runs in this process, like the load generator: their
CPU is neither web nor worker.

Part 2 — the initial import of a 5,000-event calendar through the real Google client against
the fake with Google's per-user quota simulated (429 rateLimitExceeded + Retry-After above
--rate calls/s): the time, the 429s met, and that the sync finished "ok" with every meeting.

    python bench/capacity.py --database-url postgresql://postgres@127.0.0.1:5432/meetside_bench_capacity \\
        [--levels 100,250,500,1000,2000,5000] [--seconds 20] [--budget 600]
"""
import argparse
import concurrent.futures
import datetime
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import requests  # noqa: E402

from bench.seeding import prepare_postgres  # noqa: E402
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY, connect_to_fake  # noqa: E402
from tests.fakes.google_fake import GoogleFake  # noqa: E402
from tests.topology import processes  # noqa: E402

DAY = 8 * 3600  # a working day: the events and notes arrive in it
EVENTS_PER_DAY, NOTES_PER_DAY, POLL_SECONDS = 20, 10, 60
P99_LIMIT, PUSH_P50_LIMIT = 0.100, 5.0
MIN_POLLS = 100


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database-url', default=os.environ.get(
        'DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/meetside_bench_capacity'))
    parser.add_argument('--redis-url', default='redis://127.0.0.1:6379/0')
    parser.add_argument('--levels', default='250,500,1000,2000,3500,5000')
    parser.add_argument('--seconds', type=float, default=20, help='load per level')
    parser.add_argument('--budget', type=float, default=600, help='seconds for part 1 in all')
    parser.add_argument('--import-events', type=int, default=5000)
    parser.add_argument('--rate', type=float, default=2, help='Google calls/s per user (part 2)')
    parser.add_argument('--skip-import', action='store_true')
    parser.add_argument('--skip-capacity', action='store_true')
    return parser.parse_args()


def postgres_cpu_seconds(database):
    """CPU seconds of the PostgreSQL backends serving ``database`` (their titles name it)."""
    ticks = os.sysconf('SC_CLK_TCK')
    total = 0.0
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/cmdline', 'rb') as handle:
                title = handle.read().decode(errors='replace')
            if not title.startswith('postgres:') or f' {database} ' not in title:
                continue
            with open(f'/proc/{entry}/stat') as handle:
                fields = handle.read().rpartition(')')[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def percentile(values, q):
    if not values:
        return float('nan')
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Reps:
    """The simulated reps: users with tokens and Google calendars connected to the fake."""

    def __init__(self, app, fake):
        self.app, self.fake = app, fake
        self.people = []  # (user id, e-mail, token)
        self.contacts = []
        self.account = None

    def grow(self, count):
        from server.db import db
        from server.models import Contact
        from server.services import tokens, users
        with db.connection_context():
            while len(self.people) < count:
                n = len(self.people)
                user = users.create(email=f'rep{n}@capacity.example', account_name='Capacity',
                                    name=f'Rep {n}', website_domain='capacity.example')
                if not self.contacts:
                    self.contacts = [Contact.create(account=user.account_id,
                                                    email=f'c{i}@client.example').email
                                     for i in range(200)]
                # connect -> start_calendar (immediate here): push channel + first sync.
                connect_to_fake(self.fake, 'google', user, self.app.config)
                self.people.append((user.id, user.email, tokens.issue(user, name='panel')[1]))


class Level:
    """One load level: polls, events and notes at the reps' rates for ``seconds``."""

    def __init__(self, reps, webs, seconds):
        self.reps, self.webs, self.seconds = reps, webs, seconds
        self.poll_latencies, self.push_latencies = [], []
        self.statuses = {}
        self.tags = {}
        self.lock = threading.Lock()
        self.rng = random.Random(len(reps.people))
        self.session = threading.local()

    def http(self):
        if not hasattr(self.session, 'value'):
            self.session.value = requests.Session()
        return self.session.value

    def poll(self, n):
        user_id, _, token = self.reps.people[n % len(self.reps.people)]
        headers = {'Authorization': f'Bearer {token}'}
        if user_id in self.tags:
            headers['If-None-Match'] = self.tags[user_id]
        web = self.webs[n % len(self.webs)]
        began = time.perf_counter()
        answer = self.http().get(web.url + '/api/v1/meetings?limit=20', headers=headers, timeout=30)
        elapsed = time.perf_counter() - began
        with self.lock:
            self.poll_latencies.append(elapsed)
            self.statuses[answer.status_code] = self.statuses.get(answer.status_code, 0) + 1
        if 'ETag' in answer.headers:
            self.tags[user_id] = answer.headers['ETag']

    def event(self, n):
        from server.db import db
        from server.models import Meeting
        _, email, _ = self.reps.people[self.rng.randrange(len(self.reps.people))]
        start = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
                 + datetime.timedelta(days=2, hours=n)).replace(minute=0, second=0, microsecond=0)
        began = time.perf_counter()
        made = self.reps.fake.store.add_event(
            email, f'Capacity {n}', start=start, attendees=[self.rng.choice(self.reps.contacts)])
        deadline = began + 30
        while time.perf_counter() < deadline:
            with db.connection_context():
                if Meeting.select().where(Meeting.provider_event_id == made.id).exists():
                    break
            time.sleep(0.02)
        with self.lock:
            self.push_latencies.append(time.perf_counter() - began)

    def note(self, n):
        user_id, _, token = self.reps.people[self.rng.randrange(len(self.reps.people))]
        headers = {'Authorization': f'Bearer {token}'}
        web = self.webs[n % len(self.webs)]
        page = self.http().get(web.url + '/api/v1/meetings?limit=5', headers=headers, timeout=30)
        items = page.json().get('items') if page.status_code == 200 else None
        if items:
            self.http().post(web.url + f"/api/v1/meetings/{items[0]['id']}/notes", headers=headers,
                             json={'body': f'note {n}', 'client_id': uuid.uuid4().hex}, timeout=30)

    def prime(self):
        """Every panel has polled once already (its ETag kept), as in the steady state."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(self.poll, range(len(self.reps.people))))
        self.poll_latencies, self.statuses = [], {}

    def run(self):
        reps = len(self.reps.people)
        self.seconds = max(self.seconds, MIN_POLLS * POLL_SECONDS / reps)  # a p99 of >= 100
        self.prime()
        rates = {self.poll: reps / POLL_SECONDS, self.event: reps * EVENTS_PER_DAY / DAY,
                 self.note: reps * NOTES_PER_DAY / DAY}
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=32)
        began = time.monotonic()
        due = {job: began for job in rates}
        counts = {job: 0 for job in rates}
        futures = []
        while time.monotonic() - began < self.seconds:
            now = time.monotonic()
            for job, rate in rates.items():
                while rate and due[job] <= now:
                    futures.append(pool.submit(job, counts[job]))
                    counts[job] += 1
                    due[job] += 1 / rate
            time.sleep(0.002)
        for future in futures:
            future.result()
        pool.shutdown()
        return {job.__name__: n for job, n in counts.items()}


def capacity(args, env, url):
    from server import tasks
    from server.db import db, upgrade
    from tests.conftest import make_app
    database = url.rsplit('/', 1)[1]
    prepare_postgres(url)
    fake = GoogleFake().start()
    fake.allow_http_push = True
    ports = [processes.free_port() for _ in range(2)]
    env = dict(env, DATABASE_URL=url, REDIS_URL=args.redis_url, PUBLIC_URL=f'http://127.0.0.1:{ports[0]}',
               HUEY_NAME=f'meetside-capacity-{uuid.uuid4().hex[:8]}', **fake.config())
    log_dir = os.path.join('/tmp', f'meetside-capacity-{os.getpid()}')
    os.makedirs(log_dir, exist_ok=True)
    app = make_app(DATABASE_URL=url, TESTING=True, HUEY_IMMEDIATE=True,
                   TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY, PUBLIC_URL=env['PUBLIC_URL'],
                   **fake.config())
    upgrade()
    webs = [processes.gunicorn(f'web{n}', env, log_dir, port=port) for n, port in enumerate(ports)]
    workers = [processes.worker(f'worker{n}', env, log_dir, threads=4) for n in range(2)]
    for process in webs + workers:
        process.start()
    # Pushes reach the instances in turn, as through the proxy.
    turn = iter(range(10**9))
    fake.push_sink = lambda address, headers, body: requests.post(
        webs[next(turn) % 2].url + address.split(str(ports[0]), 1)[1], headers=headers, data=body,
        timeout=30)
    reps = Reps(app, fake)
    spent = time.monotonic()
    print(f'{"reps":>6} {"polls":>6} {"events":>6} {"notes":>5} {"GET p50":>8} {"GET p99":>8} '
          f'{"push p50":>9} {"push p95":>9}   CPU s web / worker / PostgreSQL (of the level)')
    reached = None
    try:
        for level in [int(n) for n in args.levels.split(',')]:
            if time.monotonic() - spent > args.budget:
                print(f'(budget of {args.budget:.0f} s spent: stopping before {level} reps)')
                break
            grew = time.monotonic()
            reps.grow(level)
            tasks.configure(app)
            grew = time.monotonic() - grew
            before = ([p.cpu_seconds() for p in webs], [p.cpu_seconds() for p in workers],
                      postgres_cpu_seconds(database))
            run = Level(reps, webs, args.seconds)
            counts = run.run()
            web_cpu = sum(p.cpu_seconds() for p in webs) - sum(before[0])
            worker_cpu = sum(p.cpu_seconds() for p in workers) - sum(before[1])
            pg_cpu = postgres_cpu_seconds(database) - before[2]
            p50, p99 = percentile(run.poll_latencies, .5), percentile(run.poll_latencies, .99)
            push50 = percentile(run.push_latencies, .5)
            push95 = percentile(run.push_latencies, .95)
            print(f'{level:>6} {counts["poll"]:>6} {counts["event"]:>6} {counts["note"]:>5} '
                  f'{p50 * 1000:>6.1f}ms {p99 * 1000:>6.1f}ms {push50:>8.2f}s {push95:>8.2f}s   '
                  f'{web_cpu:.1f} / {worker_cpu:.1f} / {pg_cpu:.1f}  (statuses {run.statuses}; '
                  f'{grew:.0f} s to connect the new reps)', flush=True)
            if p99 > P99_LIMIT or push50 > PUSH_P50_LIMIT:
                print(f'limit passed at {level} reps (p99 {p99 * 1000:.0f} ms, push p50 '
                      f'{push50:.2f} s)')
                break
            reached = level
    finally:
        for process in webs + workers:
            process.stop()
        fake.stop()
        db.close() if not db.is_closed() else None
    print(f'Carried: {reached} reps within p99 GET /meetings <= 100 ms and push p50 <= 5 s '
          f'(levels tried: {args.levels}; {args.seconds:.0f} s each)')


def initial_import(args, url):
    """Part 2: a 5,000-event calendar through the Google client under the per-user quota."""
    from server.db import db, upgrade
    from server.models import Meeting
    from server.sync import runner
    from tests.conftest import make_app
    from server.services import users
    from server.models import Contact
    prepare_postgres(url)
    fake = GoogleFake().start()
    fake.push_sink = lambda *a: None
    app = make_app(DATABASE_URL=url, TESTING=True, HUEY_IMMEDIATE=True,
                   TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY, CALENDAR_RETRY_ATTEMPTS=5,
                   CALENDAR_RETRY_MAX_DELAY=10, **fake.config())
    upgrade()
    with db.connection_context():
        user = users.create(email='rep@import.example', account_name='Import', name='Rep',
                            website_domain='import.example')
        contacts = [Contact.create(account=user.account_id, email=f'c{i}@client.example').email
                    for i in range(100)]
        connect_to_fake(fake, 'google', user, app.config)
    start = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
             + datetime.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    for n in range(args.import_events):
        fake.store.add_event(user.email, f'Import {n}', start=start + datetime.timedelta(hours=n),
                             attendees=[contacts[n % 100]])
    # 250 events a page: 20 list calls. Google's default quota is per minute per user; here the
    # rate is a few calls a second so a short bench meets it.
    fake.user_rate_limit = (max(1, int(args.rate)), 1.0)
    results, began = [], time.monotonic()
    with db.connection_context():
        for _ in range(20):  # a "retry_later" comes back (as the worker would reschedule it)
            result = runner.sync_user(user.id, app.config)
            results.append(result.status)
            if result.status == 'ok':
                break
            time.sleep(min(10, result.retry_after or 1))
        meetings = Meeting.select().count()
    elapsed = time.monotonic() - began
    fake.stop()
    print(f'Initial import: {args.import_events} events in {elapsed:.1f} s through the Google '
          f'client, per-user quota {int(args.rate)} calls/s: {fake.rate_limited_calls} answers 429 '
          f'(Retry-After honoured), {len(fake.requests_log)} API calls, sync results {results}, '
          f'{meetings} meetings')


def main():
    args = parse_args()
    print(f'Machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, '
          f'Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f} at start')
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('HUEY_', 'REDIS_', 'GOOGLE_', 'MS_', 'DATABASE_'))}
    env.update(MEETSIDE_ENV='production', SECRET_KEY=uuid.uuid4().hex * 2,
               TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY, ALLOW_INSECURE_HTTP='true',
               PYTHONUNBUFFERED='1', WEB_CONCURRENCY='2')
    if not args.skip_capacity:
        capacity(args, env, args.database_url)
    if not args.skip_import:
        initial_import(args, args.database_url)
    print(f'load average {os.getloadavg()[0]:.2f} at the end (the machine is shared)')


if __name__ == '__main__':
    main()
