"""API benchmark: gunicorn as ./run starts it (gunicorn.conf.py: 2 threaded workers) on a seeded
database, driven at 16 connections.

Prints req/s, p50 and p99 for /health, GET /meetings (20 meetings x 5 attendees, contacts
matched; served from the cache of unchanged pages, then again with that cache off, i.e. built
on every request), POST notes, GET /people with 10 addresses and GET /meetings/{id}/brief
(issue 10), then p50 of GET /meetings (cache off), of the contact lookup by e-mail, of
GET /people and of the brief with 100k and 1M contacts and meetings, and the p99 of those two
at 16 connections against the demo-sized data's. Run from the repository root:

    python bench/api.py [--quick] [--database-url postgresql://.../meetside_bench]
"""
import argparse
import atexit
import os
import platform
import random
import runpy
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench import loadgen, seeding  # noqa: E402
from server.db import db  # noqa: E402
from server.services import matching  # noqa: E402
from tests.topology.processes import cpu_seconds_of_tree  # noqa: E402

TARGET_RATIO = 0.60
TARGET_P99_MS = 20.0
TARGET_POST_RPS = 1000
TARGET_SCALE = 1.5
# Issue 10 §4: GET /people (10 addresses) and GET /meetings/{id}/brief.
TARGET_PREP_RATIO = 0.50
TARGET_PREP_P99_MS = 25.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database-url', help='default: a SQLite file in a temp dir; a '
                        'PostgreSQL database must be named meetside_bench* (it is wiped)')
    parser.add_argument('--quick', action='store_true', help='skip the 1M run')
    parser.add_argument('--no-scale', action='store_true', help='skip the 100k and 1M runs')
    parser.add_argument('--duration', type=int, default=10, help='seconds per load run')
    parser.add_argument('--connections', type=int, default=16)
    parser.add_argument('--rounds', type=int, default=3,
                        help='interleaved /health, /people, brief rounds for the issue 10 ratios')
    # Unset, each comes from gunicorn.conf.py: the worker model ./run serves with (issue 9).
    parser.add_argument('--workers', type=int)
    parser.add_argument('--worker-class')
    parser.add_argument('--threads', type=int)
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Server:
    """The app under gunicorn in a subprocess, on a free 127.0.0.1 port."""

    def __init__(self, url, args, log_dir, **settings):
        self.port = free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        # A local measurement, not a deployment: the demo's settings rules (server/production.py).
        env = dict(os.environ, DATABASE_URL=url, MEETSIDE_ENV='demo',
                   **{k: str(v) for k, v in settings.items()})
        self.log_path = os.path.join(log_dir, f'gunicorn-{self.port}.log')
        self.log = open(self.log_path, 'w')
        overrides = [(flag, value) for flag, value in [
            ('--workers', args.workers), ('--worker-class', args.worker_class),
            ('--threads', args.threads)] if value is not None]
        command = [sys.executable, '-m', 'gunicorn', '--config', 'gunicorn.conf.py',
                   *[part for pair in overrides for part in map(str, pair)],
                   '--bind', f'127.0.0.1:{self.port}', 'server:create_app()']
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base + '/api/v1/health', timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit('gunicorn did not come up:\n' + open(self.log_path).read())

    def cpu_seconds(self):
        """User + system CPU time used so far by the master and its workers."""
        return cpu_seconds_of_tree(self.process.pid)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def machine(url):
    """One line per fact about where the figures come from."""
    model = platform.processor() or 'unknown'
    try:
        with open('/proc/cpuinfo') as handle:
            model = next(line.split(':', 1)[1].strip() for line in handle
                         if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    with db.connection_context():
        if url.startswith('postgres'):
            database = 'PostgreSQL ' + db.execute_sql('SHOW server_version').fetchone()[0]
        else:
            database = 'SQLite ' + db.execute_sql('SELECT sqlite_version()').fetchone()[0]
    load = ' / '.join(f'{v:.2f}' for v in os.getloadavg())
    return [('CPUs (nproc)', str(os.cpu_count())), ('CPU', model),
            ('Load average before the run (1/5/15 min)', load),
            ('Python', platform.python_version()), ('Database', database),
            ('Load tool', loadgen.tool_name())]


def check_response(base, path, headers):
    """Fail loudly if the path does not answer 200: a benchmark of errors measures nothing."""
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def measure(server, paths, **options):
    """Warm up, then load ``paths``; the result also carries the server's CPU ms per request.

    CPU per request does not depend on what else the machine runs; req/s and latency do.
    """
    warmup = dict(options, duration=2)
    loadgen.run(server.base, paths, warmup=0, **warmup)
    before = server.cpu_seconds()
    result = loadgen.run(server.base, paths, warmup=0, **options)
    result.cpu_ms = (server.cpu_seconds() - before) * 1000 / max(result.requests, 1)
    return result


def lookup_p50(account_id, emails, repeat=2000):
    """p50 (ms) of the service look-up of one e-mail, in this process, on a warm connection."""
    timings = []
    with db.connection_context():
        for n in range(repeat):
            email = emails[n % len(emails)]
            began = time.perf_counter()
            found = matching.contacts_by_email(account_id, [email])
            timings.append(time.perf_counter() - began)
            if email not in found:
                raise SystemExit(f'contacts_by_email did not find {email}')
    return statistics.median(timings) * 1000


def check_people(base, paths, headers):
    """GET /people answers every address, the seeded ones as contacts with open deals."""
    import json
    _, body = check_response(base, paths[0], headers)
    people = json.loads(body)['people']
    if len(people) != 10 or sum(1 for p in people if p['contact'] and len(p['open_deals']) == 3) != 8:
        raise SystemExit(f'GET /people did not find the seeded contacts: {body[:300]!r}')


def check_brief(base, path, headers):
    """The brief has every company's deals, the last meeting and the previous occurrence."""
    import json
    _, body = check_response(base, path, headers)
    brief = json.loads(body)
    if (len(brief['companies']) != seeding.ATTENDEES or not brief['last_meeting']
            or len((brief['previous_occurrence'] or {}).get('notes', [])) != 3):
        raise SystemExit(f'GET {path} is not the seeded brief: {body[:300]!r}')


def has_route(app, rule):
    return any(r.rule == rule for r in app.url_map.iter_rules())


def fmt(value, digits=1):
    return f'{value:,.{digits}f}'


def row(cells):
    print('| ' + ' | '.join(cells) + ' |', flush=True)


def main():
    args = parse_args()
    scratch = tempfile.mkdtemp(prefix='meetside-bench-')
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)  # a 1M SQLite file is ~650 MB
    url = args.database_url or 'sqlite:///' + os.path.join(scratch, 'bench.sqlite3')
    began = time.perf_counter()
    app, user, token, meeting_ids = seeding.seed(url)
    seeding.add_prep_records(user, meeting_ids)
    print(f'Seeded {len(meeting_ids)} meetings x {seeding.ATTENDEES} attendees in '
          f'{time.perf_counter() - began:.1f}s', flush=True)
    auth = {'Authorization': f'Bearer {token}'}
    load = dict(connections=args.connections, duration=args.duration)
    meetings_path = '/api/v1/meetings'
    notes_body = '{"body": "Bench note", "client_id": "%s"}'
    people_paths = seeding.people_paths()
    brief_path = f'/api/v1/meetings/{meeting_ids[seeding.BRIEF_MEETING]}/brief'

    print('\n## Machine\n')
    row(['what', 'value'])
    row(['---', '---'])
    for name, value in machine(url):
        row([name, value])
    conf = runpy.run_path(os.path.join(ROOT, 'gunicorn.conf.py'))
    row(['gunicorn', f'{args.workers or conf["workers"]} workers, '
                     f'{args.worker_class or conf["worker_class"]}, '
                     f'{args.threads or conf["threads"]} thread(s)'])
    row(['Connections', str(args.connections)])

    with Server(url, args, scratch) as server:
        status, body = check_response(server.base, meetings_path, auth)
        attendees = body.count(b'"is_internal"')
        if attendees != seeding.MEETINGS * seeding.ATTENDEES or body.count(b'"job_title"') != attendees:
            raise SystemExit(f'GET /meetings returned {attendees} attendees, not all matched')
        health = measure(server, ['/api/v1/health'], **load)
        listing = measure(server, [meetings_path], headers=auth, **load)
        # Issue 10 before the notes run: that one adds thousands of notes to meeting 0.
        check_people(server.base, people_paths, auth)
        check_brief(server.base, brief_path, auth)
        looked_up = measure(server, people_paths, headers=auth, **load)
        briefed = measure(server, [brief_path], headers=auth, **load)
        # The machine's speed drifts (shared and noisy): each round measures /health next to
        # the two, and the ratios are the rounds' medians.
        rounds = [(measure(server, ['/api/v1/health'], **load),
                   measure(server, people_paths, headers=auth, **load),
                   measure(server, [brief_path], headers=auth, **load))
                  for _ in range(args.rounds)]
        notes = measure(server, [f'/api/v1/meetings/{meeting_ids[0]}/notes'],
                        headers=auth, method='POST', body=notes_body, **load)
    # The same list built on every request, as right after any change to what it shows.
    with Server(url, args, scratch, MEETINGS_CACHE_MB=0) as server:
        building = measure(server, [meetings_path], headers=auth, **load)

    print(f'\n## Throughput and latency ({args.connections} connections, {args.duration}s each)\n')
    row(['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'errors'])
    row(['---', '---:', '---:', '---:', '---:', '---:'])
    for name, result in (('GET /api/v1/health', health),
                         ('GET /api/v1/meetings (20 x 5 attendees), unchanged: cached', listing),
                         ('GET /api/v1/meetings, built every time (cache off)', building),
                         ('POST /api/v1/meetings/{id}/notes', notes),
                         ('GET /api/v1/people (10 addresses)', looked_up),
                         ('GET /api/v1/meetings/{id}/brief', briefed)):
        row([name, fmt(result.requests_per_s, 0), fmt(result.p50_ms, 2), fmt(result.p99_ms, 2),
             fmt(result.cpu_ms, 2), str(result.errors)])
    ratio = listing.requests_per_s / health.requests_per_s
    print(f'\nmeetings/health CPU per request: {health.cpu_ms / listing.cpu_ms:.0%} cached, '
          f'{health.cpu_ms / building.cpu_ms:.0%} built every time '
          '(the throughput ratios on an otherwise idle machine)')
    print(f'meetings/health throughput: {ratio:.0%} (target >= {TARGET_RATIO:.0%}); '
          f'meetings p99 {listing.p99_ms:.1f} ms (target <= {TARGET_P99_MS:.0f} ms); '
          f'notes POST {notes.requests_per_s:,.0f}/s (target >= {TARGET_POST_RPS:,}/s)',
          flush=True)
    for name, result in (('people (10 addresses)', looked_up), ('meeting brief', briefed)):
        print(f'{name}/health throughput: {result.requests_per_s / health.requests_per_s:.0%} '
              f'(target >= {TARGET_PREP_RATIO:.0%}), CPU {health.cpu_ms / result.cpu_ms:.0%}; '
              f'p99 {result.p99_ms:.1f} ms (target <= {TARGET_PREP_P99_MS:.0f} ms)', flush=True)
    if rounds:
        print(f'\n## Issue 10: {len(rounds)} interleaved rounds (/health, people, brief; '
              f'{args.duration}s each)\n')
        row(['round', '/health req/s', 'people req/s', 'people/health', 'people p99 ms',
             'brief req/s', 'brief/health', 'brief p99 ms'])
        row(['---'] + ['---:'] * 7)
        for n, (base, people, brief) in enumerate(rounds, 1):
            row([str(n), fmt(base.requests_per_s, 0),
                 fmt(people.requests_per_s, 0), f'{people.requests_per_s / base.requests_per_s:.0%}',
                 fmt(people.p99_ms), fmt(brief.requests_per_s, 0),
                 f'{brief.requests_per_s / base.requests_per_s:.0%}', fmt(brief.p99_ms)])
        for name, at in (('people (10 addresses)', 1), ('meeting brief', 2)):
            ratio = statistics.median(r[at].requests_per_s / r[0].requests_per_s for r in rounds)
            p99 = statistics.median(r[at].p99_ms for r in rounds)
            print(f'{name}/health throughput, median of {len(rounds)} rounds: {ratio:.0%} '
                  f'(target >= {TARGET_PREP_RATIO:.0%}); p99 {p99:.1f} ms '
                  f'(target <= {TARGET_PREP_P99_MS:.0f} ms)', flush=True)

    if args.no_scale:
        return
    sizes = [100_000] if args.quick else [100_000, 1_000_000]
    contacts_api = has_route(app, '/api/v1/contacts')
    # One connection: each request's own latency, without queueing behind 15 others, so the
    # two sizes compare the work a request does; server CPU per request says the same.
    single = dict(load, connections=1)
    done, scale = (0, 0), []
    for size in sizes:
        done, seconds = seeding.grow(user.account_id, size, size, done)
        print(f'\nGrew to {size:,} bulk contacts and meetings in {seconds:.1f}s', flush=True)
        sample = [seeding.bulk_email(i) for i in random.Random(size).sample(range(size), 500)]
        figures = {'lookup': (lookup_p50(user.account_id, sample), None)}
        # Cache off: these compare the queries' work at both sizes.
        with Server(url, args, scratch, MEETINGS_CACHE_MB=0) as server:
            result = measure(server, [meetings_path], headers=auth, **single)
            figures['meetings'] = (result.p50_ms, result.cpu_ms)
            if contacts_api:
                paths = [f'/api/v1/contacts?q={email}' for email in sample]
                check_response(server.base, paths[0], auth)
                result = measure(server, paths, headers=auth, **single)
                figures['contacts_api'] = (result.p50_ms, result.cpu_ms)
            for key, paths in (('people', people_paths), ('brief', [brief_path])):
                result = measure(server, paths, headers=auth, **single)
                figures[key] = (result.p50_ms, result.cpu_ms)
                # And as the issue states its target: p99 at 16 connections, compared below
                # with the demo-sized rounds' median p99 of this run.
                figures[key + '_p99'] = measure(server, paths, headers=auth, **load).p99_ms
        scale.append((size, figures))

    print('\n## Scale: 100k vs 1M contacts and meetings (1 connection)\n')
    names = [('meetings', 'GET /api/v1/meetings'),
             ('lookup', 'matching.contacts_by_email (1 e-mail, in process)'),
             ('people', 'GET /api/v1/people (10 addresses)'),
             ('brief', 'GET /api/v1/meetings/{id}/brief')]
    if contacts_api:
        names.append(('contacts_api', 'GET /api/v1/contacts?q=<email>'))
    else:
        print('(GET /api/v1/contacts does not exist yet: only the service look-up is measured)\n')
    ratio_header = [f'{sizes[-1] // 1000:,}k / 100k'] if len(scale) > 1 else []
    row(['figure'] + [f'{size:,}' for size, _ in scale] + ratio_header)
    row(['---'] + ['---:'] * (len(scale) + len(ratio_header)))
    for key, label in names:
        for index, unit in ((0, 'p50 ms'), (1, 'server CPU ms/req')):
            values = [figures[key][index] for _, figures in scale]
            if values[0] is None:
                continue
            extra = ([f'{values[-1] / values[0]:.2f}x (target <= {TARGET_SCALE}x)']
                     if len(values) > 1 else [])
            row([f'{label} {unit}'] + [fmt(v, 3) for v in values] + extra)

    print(f'\n## Scale at {args.connections} connections: p99 against the demo-sized data\n')
    row(['figure', 'demo-sized (median of the rounds)'] + [f'{size:,}' for size, _ in scale]
        + [f'{sizes[-1] // 1000:,}k / demo-sized'])
    row(['---'] + ['---:'] * (len(scale) + 2))
    for key, label, at, first in (('people', 'GET /api/v1/people (10 addresses)', 1, looked_up),
                                  ('brief', 'GET /api/v1/meetings/{id}/brief', 2, briefed)):
        # The demo-sized p99: the rounds' median (one slow minute of the machine is not the
        # reference), else the single measurement.
        demo = (statistics.median(r[at].p99_ms for r in rounds) if rounds else first.p99_ms)
        values = [figures[key + '_p99'] for _, figures in scale]
        row([f'{label} p99 ms', fmt(demo)] + [fmt(v) for v in values]
            + [f'{values[-1] / demo:.2f}x (target <= {TARGET_SCALE}x)'])


if __name__ == '__main__':
    main()
