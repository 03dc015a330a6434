"""Issue 12 §2: the scaled deployment as it runs, under load and faults.

PostgreSQL + Redis: 2 gunicorn instances and 2 huey consumers (real processes, the settings of
deploy/.env.example in production mode); the embedded default: SQLite database and SQLite job
queue with 1 gunicorn and 1 consumer. Against the Google and Graph fakes over real HTTP:

- 50 users of one account connect Google and 50 of another connect Outlook (R3), through
  the web sign-in and the OAuth redirects;
- TOPOLOGY_EVENTS events are created across their calendars (plus edits and deletes), each
  pushed to the webhooks, while 20 panels poll GET /meetings with If-None-Match and post notes
  (client_id, retried by the client until stored) and schedule meetings from the CRM (R5);
- meanwhile one consumer is SIGKILLed in the middle of a sync and restarted, and one gunicorn
  instance is SIGKILLed (master and workers) and restarted.

At the end the CRM equals the calendars' ground truth (the fault test's checker): no missing or
duplicate meeting, no duplicate invitation, every note stored exactly once, and every
connection synced after the last change (no sync stuck).

The webhooks reach the app through ``Proxy``: the address in PUBLIC_URL is the proxy's
(deploy/nginx.conf), which passes each request to a live instance, trying the other when one
is down; providers retry a delivery that failed (Google and Graph both do).
"""
import collections
import datetime
import itertools
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

import pytest
import redis
import requests

from server.db import db
from server.models import CalendarConnection, CalendarOutbox, Contact, Meeting, Note, User
from server.services import tokens, users
from tests.clock import ahead
from tests.conftest import DATABASE_URL, IS_POSTGRES, make_app
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY
from tests.fakes.google_fake import GoogleFake
from tests.fakes.graph_fake import GraphFake
from tests.sync.ground_truth import assert_crm_equals_ground_truth
from tests.topology import processes

pytestmark = pytest.mark.topology

# The issue asks 5,000; on a shared 2-core machine that does not fit in ~4 minutes (see
# README "Deploying": each push costs a sync through a real provider client).
EVENTS = int(os.environ.get('TOPOLOGY_EVENTS', 5000))
USERS_PER_PROVIDER = 50
PANELS = 20
CONTACTS = 60
PASSWORD = 'topology-pass-1'
REDIS_URL = 'redis://127.0.0.1:6379/0'
DEADLINE_SECONDS = 150  # for the whole load phase, then for settling: bounded, never hangs


# -- the services it needs ----------------------------------------------------------------------

def ensure_redis():
    """Redis on 127.0.0.1:6379, started (without persistence) if it is not answering."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
        return client
    except redis.RedisError:
        pass
    if not shutil.which('redis-server'):
        pytest.skip('Redis is not answering on 127.0.0.1:6379 and redis-server is not installed')
    subprocess.run(['redis-server', '--port', '6379', '--save', '', '--appendonly', 'no',
                    '--daemonize', 'yes'], check=True, timeout=10)
    for _ in range(50):
        try:
            client.ping()
            return client
        except redis.RedisError:
            time.sleep(0.1)
    pytest.fail('redis-server started but does not answer on 127.0.0.1:6379')


def scratch_postgres():
    """A new database on the PostgreSQL of DATABASE_URL (else 127.0.0.1:5432); its URL and a
    function that drops it."""
    import psycopg2
    base = DATABASE_URL if IS_POSTGRES else 'postgresql://postgres@127.0.0.1:5432/postgres'
    parts = urllib.parse.urlsplit(base)
    admin = urllib.parse.urlunsplit(parts._replace(path='/postgres'))
    try:
        connection = psycopg2.connect(admin, connect_timeout=3)
    except psycopg2.OperationalError as error:
        reason = f'PostgreSQL is unreachable at {parts.hostname}:{parts.port or 5432}: {error}'
        print(reason)
        pytest.skip(reason)
    connection.autocommit = True
    name = f'meetside_topology_{uuid.uuid4().hex[:10]}'
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()
    return urllib.parse.urlunsplit(parts._replace(path='/' + name)), drop


# -- the reverse proxy's part: one address, any live instance -------------------------------------

class Proxy:
    """What nginx's upstream with proxy_next_upstream does for the test's clients: send each
    request to the next live instance, trying the others when one refuses the connection."""

    def __init__(self, webs):
        self.webs = webs
        self.turn = itertools.count()
        self.failovers = 0
        self.lock = threading.Lock()
        self.push_retries = collections.Counter()  # why a push was sent again -> how often
        self.undelivered = []

    def request(self, method, path, attempts=40, **kwargs):
        kwargs.setdefault('timeout', 15)
        error = None
        for attempt in range(attempts):
            web = self.webs[next(self.turn) % len(self.webs)]
            try:
                return requests.request(method, web.url + path, **kwargs)
            except requests.ConnectionError as refused:  # never sent: safe to send elsewhere
                error = refused
                self.failovers += 1
                time.sleep(min(0.05 * (attempt + 1), 0.5))
        raise error

    def push(self, url, headers, body):
        """A provider's webhook delivery to PUBLIC_URL, retried like Google and Graph do: after
        an answer >= 500, a refused connection, or one dropped or timed out mid-answer (an
        instance killed under it). A notification that never gets through is recorded for the
        test to fail on, not raised into the calendar action that caused it: a provider's
        delivery trouble never reaches the person editing the event."""
        path = urllib.parse.urlsplit(url)
        target = path.path + (f'?{path.query}' if path.query else '')
        for attempt in range(40):
            try:
                answer = self.request('POST', target, attempts=1, headers=headers, data=body)
            except requests.RequestException as error:
                trouble = type(error).__name__
            else:
                if answer.status_code < 500:
                    return answer
                trouble = f'HTTP {answer.status_code}'
            with self.lock:
                self.push_retries[trouble] += 1
            time.sleep(min(0.1 * (attempt + 1), 1))
        with self.lock:
            self.undelivered.append(f'{target}: {trouble}')
        return None


# -- people and their calendars -----------------------------------------------------------------

class Floor:
    """The sales floor: two accounts, their users, contacts, panels' tokens."""

    def __init__(self, app, google, graph, users_per_provider):
        self.fakes = {'google': google, 'outlook': graph}
        self.users = []  # (provider, email, user id)
        self.contacts = {}
        with db.connection_context():
            for provider, domain in (('google', 'gco.example'), ('outlook', 'oco.example')):
                for n in range(users_per_provider):
                    user = users.create(email=f'rep{n}@{domain}', account_name=f'Floor {provider}',
                                        name=f'Rep {n}', password=PASSWORD, website_domain=domain)
                    self.users.append((provider, user.email, user.id))
                account_id = user.account_id
                self.contacts[provider] = [
                    Contact.create(account=account_id, email=f'c{n}@client-{provider}.example').email
                    for n in range(CONTACTS)]
            self.panels = []
            for n in range(PANELS):
                provider, email, user_id = self.users[(n * 5) % len(self.users)]
                self.panels.append((provider, email, tokens.issue(
                    User.get_by_id(user_id), name='panel')[1]))

    def connect(self, proxy, provider, email):
        """Sign in on the web and connect the calendar through the provider's consent screen."""
        session = requests.Session()
        base = proxy.webs[0].url
        form = session.get(base + '/sign-in', timeout=15).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        signed = session.post(base + '/sign-in', data={
            'email': email, 'password': PASSWORD, 'csrf_token': csrf}, timeout=30,
            allow_redirects=False)
        assert signed.status_code == 302, signed.text[:500]
        # connect -> the fake's consent screen -> back to PUBLIC_URL's callback (web 0)
        done = session.get(base + f'/integrations/{provider}/connect', timeout=30)
        assert done.status_code == 200 and 'connected' in done.text.lower(), done.text[:500]


class Calendars:
    """The users acting in their calendars: adds (most), edits and deletes, as ground truth."""

    def __init__(self, floor, count, seed=12):
        self.floor, self.count = floor, count
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.made = {}  # owner e-mail -> ids of the events made in their calendar
        self.done = 0
        self.last_change = {}  # owner e-mail -> when its last change began (UTC)

    def act(self, i):
        provider, email, _ = self.floor.users[i % len(self.floor.users)]
        store = self.floor.fakes[provider].store
        with self.lock:
            # Before the change: a sync that ends after this time may still have missed it,
            # but one that ends before it certainly did (the check below is "after").
            self.last_change[email] = datetime.datetime.now(
                datetime.timezone.utc).replace(tzinfo=None)
            roll = self.rng.random()
            mine = self.made.setdefault(email, [])
            old = self.rng.choice(mine) if mine else None
            contact = self.rng.choice(self.floor.contacts[provider])
        if old and roll < 0.06:
            store.edit_event(old, title=f'Renamed {i}')
        elif old and roll < 0.09:
            store.delete_event(old)
        else:
            start = ahead(days=1 + i % 200).replace(minute=0, second=0, microsecond=0)
            event = store.add_event(email, f'Event {i}', start=start,
                                    attendees=[contact, f'stranger{i}@else.example'])
            with self.lock:
                mine.append(event.id)
        with self.lock:
            self.done += 1

    def run(self, threads, seconds, stop):
        """Make ``count`` changes spread over about ``seconds``, from ``threads`` threads."""
        started = time.monotonic()
        numbers = iter(range(self.count))
        numbers_lock = threading.Lock()

        def work():
            while not stop.is_set():
                with numbers_lock:
                    i = next(numbers, None)
                if i is None:
                    return
                due = started + seconds * i / self.count
                if due > time.monotonic():
                    time.sleep(due - time.monotonic())
                self.act(i)
        pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
        for thread in pool:
            thread.start()
        return pool


class Panels:
    """20 side panels: poll GET /meetings with the ETag, post notes with client_id and retries,
    and schedule a meeting from the CRM now and then."""

    def __init__(self, floor, proxy):
        self.floor, self.proxy = floor, proxy
        self.notes = []  # (client id, meeting id) the server confirmed
        self.scheduled = 0
        self.statuses = {}
        self.errors = []
        self.lock = threading.Lock()

    def count(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def post_note(self, headers, meeting_id, n):
        client_id = uuid.uuid4().hex
        body = {'body': f'Note {n} from the panel', 'client_id': client_id}
        for attempt in range(30):
            try:
                answer = self.proxy.request('POST', f'/api/v1/meetings/{meeting_id}/notes',
                                            json=body, headers=headers, timeout=10)
            except requests.RequestException:  # a lost answer: the same client_id again
                time.sleep(0.2)
                continue
            if answer.status_code in (200, 201):
                with self.lock:
                    self.notes.append((client_id, meeting_id))
                return
            if answer.status_code < 500:
                raise AssertionError(f'note refused: {answer.status_code} {answer.text[:300]}')
            time.sleep(0.2)
        raise AssertionError('a note was never stored')

    def schedule(self, headers, provider, n):
        contact = self.floor.contacts[provider][n % CONTACTS]
        start = ahead(days=30 + n).replace(minute=0, second=0, microsecond=0)
        answer = self.proxy.request('POST', '/api/v1/meetings', headers=headers, json={
            'title': f'From the CRM {n}', 'start': start.isoformat() + 'Z',
            'end': (start + datetime.timedelta(hours=1)).isoformat() + 'Z',
            'attendees': [{'email': contact}, {'email': f'guest{n}@else.example'}]})
        assert answer.status_code == 201, answer.text[:300]
        with self.lock:
            self.scheduled += 1

    def panel(self, n, stop):
        provider, _, token = self.floor.panels[n]
        headers = {'Authorization': f'Bearer {token}'}
        tag, polls = None, 0
        try:
            while not stop.is_set():
                asked = dict(headers, **({'If-None-Match': tag} if tag else {}))
                try:
                    answer = self.proxy.request('GET', '/api/v1/meetings?limit=20', headers=asked)
                except requests.RequestException as error:
                    self.count(type(error).__name__)
                    continue
                self.count(answer.status_code)
                assert answer.status_code in (200, 304), answer.text[:300]
                tag = answer.headers.get('ETag', tag)
                polls += 1
                if answer.status_code == 200 and polls % 4 == 0:
                    items = answer.json()['items']
                    if items:
                        self.post_note(headers, items[polls % len(items)]['id'], polls)
                if polls == 3:
                    self.schedule(headers, provider, n)
                stop.wait(0.5)
        except Exception as error:  # reported by the test, not lost in a thread
            with self.lock:
                self.errors.append(repr(error))

    def run(self, stop):
        pool = [threading.Thread(target=self.panel, args=(n, stop), daemon=True)
                for n in range(PANELS)]
        for thread in pool:
            thread.start()
        return pool


# -- faults -------------------------------------------------------------------------------------

def in_flight_sync(worker):
    """The id of a sync_user task the consumer started and has not finished, or None."""
    log = worker.log_text().rsplit('--- start', 1)[-1]
    started = re.findall(r'Executing server\.tasks\.sync_user: ([0-9a-f-]+)', log)
    finished = set(re.findall(r'server\.tasks\.sync_user: ([0-9a-f-]+) executed', log))
    running = [task for task in started if task not in finished]
    return running[-1] if running else None


def kill_mid_sync(worker, timeout=60, tries=5):
    """SIGKILL the consumer while a sync runs (checked in its log after the kill: a sync that
    finished in between does not count, and the consumer is restarted to try again)."""
    for _ in range(tries):
        deadline = time.monotonic() + timeout
        task = None
        while task is None and time.monotonic() < deadline:
            task = in_flight_sync(worker)
            if task is None:
                time.sleep(0.005)
        assert task, 'the consumer never ran a sync to kill'
        worker.kill()
        if f'sync_user: {task} executed' not in worker.log_text():
            return task
        worker.start()
    raise AssertionError(f'no sync was caught in flight in {tries} kills')


# -- the test -----------------------------------------------------------------------------------

VARIANTS = {
    # name: (database, queue, web instances, consumers)
    'postgres-redis': ('postgres', 'redis', 2, 2),
    'sqlite-sqlite': ('sqlite', 'sqlite', 1, 1),
}


@pytest.mark.parametrize('variant', list(VARIANTS))
def test_issue12_topology_crm_equals_calendars_after_load_and_kills(variant, tmp_path):
    database, queue, web_count, worker_count = VARIANTS[variant]
    began = time.monotonic()
    drop = None
    if database == 'postgres':
        url, drop = scratch_postgres()
    else:
        url = f'sqlite:///{tmp_path}/topology.sqlite3'
    huey_name = f'meetside-topology-{uuid.uuid4().hex[:10]}'
    redis_client = ensure_redis() if queue == 'redis' else None

    google, graph = GoogleFake().start(), GraphFake().start()
    for fake in (google, graph):
        fake.allow_http_push = True  # the app listens on plain http on 127.0.0.1
    webs, workers = [], []
    try:
        ports = [processes.free_port() for _ in range(web_count)]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(('HUEY_', 'REDIS_', 'GOOGLE_', 'MS_', 'SYNC_', 'CALENDAR_'))}
        env.update({
            'MEETSIDE_ENV': 'production', 'SECRET_KEY': uuid.uuid4().hex * 2,
            'TOKEN_ENCRYPTION_KEY': TEST_ENCRYPTION_KEY, 'ALLOW_INSECURE_HTTP': 'true',
            'PUBLIC_URL': f'http://127.0.0.1:{ports[0]}', 'DATABASE_URL': url,
            'HUEY_NAME': huey_name, 'HUEY_SQLITE_PATH': str(tmp_path / 'huey.sqlite3'),
            'PYTHONUNBUFFERED': '1', 'WEB_CONCURRENCY': '2',
            # A killed consumer's lease ends soon, and busy syncs come back soon.
            'SYNC_LOCK_SECONDS': '15', 'SYNC_BUSY_RETRY_SECONDS': '2',
            **{k: str(v) for k, v in FAST_RETRIES.items()}, 'CALENDAR_HTTP_TIMEOUT': '10',
            **google.config(), **graph.config()})
        if queue == 'redis':
            env['REDIS_URL'] = REDIS_URL
        flask = [sys.executable, '-m', 'flask', '--app', 'server']
        upgrade = subprocess.run(flask + ['db', 'upgrade'], cwd=processes.ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)
        assert upgrade.returncode == 0, upgrade.stderr
        doctor = subprocess.run(flask + ['doctor'], cwd=processes.ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr

        webs = [processes.gunicorn(f'web{n}', env, str(tmp_path), port=port)
                for n, port in enumerate(ports)]
        workers = [processes.worker(f'worker{n}', env, str(tmp_path), threads=4)
                   for n in range(worker_count)]
        for process in webs + workers:
            process.start(wait=False)
        for process in webs + workers:
            process.wait_ready()
        proxy = Proxy(webs)
        for fake in (google, graph):
            fake.push_sink = proxy.push

        app = make_app(DATABASE_URL=url)
        floor = Floor(app, google, graph, USERS_PER_PROVIDER)
        connect_errors = []

        def connect(chunk):
            for provider, email, _ in chunk:
                try:
                    floor.connect(proxy, provider, email)
                except Exception as error:
                    connect_errors.append(f'{email}: {error!r}')
        threads = [threading.Thread(target=connect, args=(floor.users[n::6],)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not connect_errors, connect_errors[:5]
        connect_seconds = time.monotonic() - began

        # Every calendar started: its push channel open and its first sync done (by the workers).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.connection_context():
                waiting = CalendarConnection.select().where(
                    CalendarConnection.last_synced_at.is_null()
                    | (CalendarConnection.channel_id.is_null())).count()
            if not waiting:
                break
            time.sleep(0.5)
        assert not waiting, f'{waiting} calendars never started'
        assert len(google.channels) == USERS_PER_PROVIDER
        assert len(graph.subscriptions) == USERS_PER_PROVIDER
        setup_seconds = time.monotonic() - began

        # The load, with a consumer and a web instance killed on the way.
        stop = threading.Event()
        calendars = Calendars(floor, EVENTS)
        panels = Panels(floor, proxy)
        load_seconds = max(30.0, EVENTS / 40)
        makers = calendars.run(threads=4, seconds=load_seconds, stop=stop)
        pollers = panels.run(stop)
        load_began = time.monotonic()
        while calendars.done < EVENTS * 0.35 and time.monotonic() - load_began < DEADLINE_SECONDS:
            time.sleep(0.1)
        killed_task = kill_mid_sync(workers[0])
        time.sleep(1)
        workers[0].start()
        while calendars.done < EVENTS * 0.65 and time.monotonic() - load_began < DEADLINE_SECONDS:
            time.sleep(0.1)
        webs[-1].kill()
        time.sleep(1)
        webs[-1].start()
        for thread in makers:
            thread.join(max(1, DEADLINE_SECONDS - (time.monotonic() - load_began)))
        assert calendars.done == EVENTS, f'only {calendars.done} of {EVENTS} changes made in time'
        load_done = time.monotonic()

        # Settle: every connection synced after its calendar's last change, the outbox sent.
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            with db.connection_context():
                synced = {c.provider_email: c.last_synced_at for c in CalendarConnection.select()}
                pending = CalendarOutbox.select().where(CalendarOutbox.status != 'done').count()
            behind = [email for email, at in calendars.last_change.items()
                      if synced.get(email) is None or synced[email] <= at]
            if not behind and not pending:
                break
            time.sleep(0.5)
        stop.set()
        for thread in pollers:
            thread.join(30)
        settled = time.monotonic()
        assert not panels.errors, panels.errors[:5]
        assert not proxy.undelivered, f'pushes never delivered: {proxy.undelivered[:5]}'
        assert not behind, f'{len(behind)} calendars not synced after their last change ' \
                           f'(a sync stuck): {behind[:5]}'
        assert not pending, f'{pending} calendar writes never delivered'

        # The CRM equals the calendars.
        emails = {user_id: email for _, email, user_id in floor.users}
        expected = {}
        for provider, email, user_id in floor.users:
            store = floor.fakes[provider].store
            contacts = set(floor.contacts[provider])
            for event in store.live_events(email):
                if {a.email for a in event.attendees} & contacts:
                    expected[(user_id, event.id)] = (event.title, 'scheduled')
        with db.connection_context():
            meetings = list(Meeting.select())
            notes = list(Note.select(Note.client_id))
        invitations = assert_crm_equals_ground_truth(
            meetings, expected, google.store.invitations + graph.store.invitations,
            key=lambda m: (m.user_id, m.provider_event_id))
        scheduled = [key for key, (title, _) in expected.items() if title.startswith('From the CRM')]
        assert len(scheduled) == panels.scheduled == PANELS
        assert len(invitations) == 2 * PANELS  # a contact and a guest each, once
        # A meeting whose event the user deleted leaves with its notes; every other note is
        # there once.
        kept = {m.id for m in meetings}
        posted = sorted(client_id for client_id, meeting_id in panels.notes if meeting_id in kept)
        stored = sorted(n.client_id for n in notes)
        assert stored == posted, 'a note missing or stored twice'
        assert len(posted) >= PANELS

        # The faults really happened and were survived.
        assert workers[0].starts >= 2 and webs[-1].starts == 2
        assert f'Executing server.tasks.sync_user: {killed_task}' in workers[0].log_text()
        unhandled = [line for w in workers for line in w.log_text().splitlines()
                     if 'Unhandled exception' in line]
        cpu = {p.name: round(p.cpu_seconds(), 1) for p in webs + workers}
        print(f'\n[{variant}] {EVENTS} changes, {len(expected)} meetings, '
              f'{len(panels.notes)} notes, {panels.scheduled} scheduled, polls {panels.statuses}, '
              f'failovers {proxy.failovers}, push retries {dict(proxy.push_retries)}; connect {connect_seconds:.0f} s, setup '
              f'{setup_seconds:.0f} s, load '
              f'{load_done - load_began:.0f} s, settle {settled - load_done:.0f} s, total '
              f'{time.monotonic() - began:.0f} s; CPU s {cpu}; unhandled task errors '
              f'{len(unhandled)}')
    finally:
        for process in webs + workers:
            process.stop()
        for fake in (google, graph):
            fake.stop()
        if redis_client is not None:
            keys = redis_client.keys(f'*{huey_name}*')
            if keys:
                redis_client.delete(*keys)
        if not db.is_closed():
            db.close()
        if drop is not None:
            if hasattr(db.obj, 'close_all'):
                db.obj.close_all()
            drop()
