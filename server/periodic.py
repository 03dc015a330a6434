"""Periodic tasks scheduled once per due minute however many consumers run.

Every huey consumer started with its scheduler (``periodic=True``) checks the periodic tasks
once a minute and enqueues each one whose crontab matches: with two worker processes every
periodic task ran twice. Huey does not coordinate consumers, so before enqueueing, a consumer
claims "task T for minute M" in the queue's own storage; the claim is atomic there (Redis
SET NX, SQLite INSERT OR IGNORE on the key's primary key), and only the winner enqueues.
Every consumer keeps its scheduler, so the periodic tasks survive any one worker dying.
"""
import datetime

from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

# A claim outlives any clock skew between hosts and any scheduler stall; then it expires.
CLAIM_SECONDS = 3600


def slot(timestamp):
    """The due minute a periodic check stands for (what huey's crontabs match on)."""
    return timestamp.strftime('%Y%m%d%H%M')


def claim(storage, name, minute):
    """True for exactly one caller per (task name, minute) among all sharing ``storage``."""
    key = f'{storage.name}.periodic.{name}.{minute}'
    if isinstance(storage, RedisStorage):
        return bool(storage.conn.set(key, b'1', nx=True, ex=CLAIM_SECONDS))
    if isinstance(storage, SqliteStorage):
        expired = (datetime.datetime.strptime(minute, '%Y%m%d%H%M')
                   - datetime.timedelta(seconds=CLAIM_SECONDS)).strftime('%Y%m%d%H%M')
        prefix = f'{storage.name}.periodic.'
        with storage.db(commit=True) as cursor:
            # Old claims go in the same transaction: the kv table stays a few rows long.
            cursor.execute('delete from kv where queue = ? and key >= ? and key < ? '
                           'and substr(key, -12) < ?', (storage.name, prefix, prefix + '~', expired))
            cursor.execute('insert or ignore into kv (queue, key, value) values (?, ?, ?)',
                           (storage.name, key, b'1'))
            return cursor.rowcount == 1
    return storage.put_if_empty(key, b'1')  # memory storage: one process anyway


class OncePerMinuteHuey(Huey):
    """Huey whose consumers enqueue each due periodic task once between them."""

    def read_periodic(self, timestamp):
        if timestamp is None:
            timestamp = self._get_timestamp()
        due = super().read_periodic(timestamp)
        if self._immediate:
            return due
        minute = slot(timestamp)
        return [task for task in due if claim(self.storage, task.name, minute)]
