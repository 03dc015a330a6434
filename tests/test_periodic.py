"""Issue 12 §1: a periodic task is scheduled once per due minute even with several consumers."""
import datetime
import os
import time
import uuid

import pytest
import redis
from huey.storage import RedisStorage, SqliteStorage

from server import tasks
from server.periodic import OncePerMinuteHuey, claim
from tests.conftest import DATABASE_URL
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY
from tests.topology import processes

REDIS_URL = 'redis://127.0.0.1:6379/0'


def _redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f'Redis is not answering on 127.0.0.1:6379: {error}')
    return client


def production_env(tmp_path, **changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(('HUEY_', 'REDIS_'))}
    env.update(MEETSIDE_ENV='production', SECRET_KEY='t' * 48, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
               PUBLIC_URL='http://127.0.0.1:5000', ALLOW_INSECURE_HTTP='true',
               DATABASE_URL=DATABASE_URL, HUEY_SQLITE_PATH=str(tmp_path / 'huey.sqlite3'))
    env.update(changes)
    return env


@pytest.mark.parametrize('kind', ['sqlite', 'redis'])
def test_issue12_two_consumers_claim_each_due_minute_once(tmp_path, kind):
    """Two processes' storages (two connections): one claim wins per task and minute."""
    name = f'claims-{uuid.uuid4().hex[:8]}'
    if kind == 'redis':
        _redis()
        first, second = (RedisStorage(name, url=REDIS_URL) for _ in range(2))
    else:
        first, second = (SqliteStorage(name, filename=str(tmp_path / 'q.db')) for _ in range(2))
    try:
        assert claim(first, 'poll', '203001010905') is True
        assert claim(second, 'poll', '203001010905') is False
        assert claim(second, 'poll', '203001010910') is True  # the next due minute
        assert claim(first, 'renew', '203001010905') is True  # another task
    finally:
        if kind == 'redis':
            first.conn.delete(*first.conn.keys(f'{name}*') or ['none'])


def test_issue12_read_periodic_gives_a_due_task_to_one_of_two_schedulers(tmp_path):
    """Both consumers' schedulers check the same minute: only one enqueues."""
    path = str(tmp_path / 'q.db')
    schedulers = [OncePerMinuteHuey('periodic-test', filename=path, storage_class=SqliteStorage)
                  for _ in range(2)]
    calls = []
    for huey in schedulers:
        huey.periodic_task(lambda dt: True, name='every_minute')(lambda: calls.append(1))
    minute = datetime.datetime(2030, 1, 1, 9, 5, 12)
    due = [[t.name for t in huey.read_periodic(minute)] for huey in schedulers]
    assert sorted(map(len, due)) == [0, 1], due
    later = minute + datetime.timedelta(minutes=1)
    assert sum(len(huey.read_periodic(later)) for huey in schedulers) == 1


def _executions(workers, task):
    return sum(w.log_text().count(f'Executing server.tasks.{task}') for w in workers)


def test_issue12_a_periodic_task_runs_once_with_two_real_consumers(app, tmp_path):
    """Two `flask worker` processes on Redis, each with its scheduler: deliver_pending_outbox
    (due every minute) runs once, not once per consumer; a queued task runs once too."""
    client = _redis()
    name = f'meetside-test-{uuid.uuid4().hex[:8]}'
    env = production_env(tmp_path, REDIS_URL=REDIS_URL, HUEY_NAME=name)
    while datetime.datetime.now().second >= 40:  # both first checks inside one minute
        time.sleep(1)
    workers = [processes.worker(f'worker{n}', env, str(tmp_path)) for n in range(2)]
    try:
        for worker in workers:
            worker.start(wait=False)
        for worker in workers:
            worker.wait_ready()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _executions(workers, 'deliver_pending_outbox') < 1:
            time.sleep(0.2)
        app.config.update(HUEY_IMMEDIATE=False, REDIS_URL=REDIS_URL, HUEY_NAME=name)
        tasks.configure(app)
        tasks.sync_user(10**6)  # no such user: the task returns a status nobody reads
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _executions(workers, 'sync_user') < 1:
            time.sleep(0.2)
        time.sleep(3)  # time for a second consumer's duplicate to show
        logs = '\n'.join(w.log_text() for w in workers)
        assert _executions(workers, 'deliver_pending_outbox') == 1, logs
        assert _executions(workers, 'sync_user') == 1, logs
    finally:
        for worker in workers:
            worker.stop()
        app.config.update(HUEY_IMMEDIATE=True, REDIS_URL=None, HUEY_NAME='meetside')
        tasks.configure(app)
        keys = client.keys(f'*{name}*')
        if keys:
            client.delete(*keys)
