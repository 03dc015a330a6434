"""B4 decision log retention: rows past their age go, in short batches; each event keeps its
newest row, so "why wasn't this event logged?" still answers for events long past."""
import datetime
from typing import NamedTuple

from peewee import fn

from server.db import write_transaction
from server.models import SyncDecision, User, utcnow

DEFAULT_RETENTION_DAYS = 90
# One short transaction per batch: the sync's own inserts never wait long behind a prune.
BATCH_SIZE = 500


class Pruned(NamedTuple):
    deleted: int
    batches: int


def retention_days(config):
    """The configured age, in days, after which a decision may go (0 or less: keep all)."""
    return int(config.get('SYNC_DECISION_RETENTION_DAYS', DEFAULT_RETENTION_DAYS))


def prune(days, now=None, batch_size=BATCH_SIZE):
    """Delete decisions older than ``days`` that a newer decision on the same event supersedes.

    Walks each user's old rows along the (user, created_at) index with a keyset cursor, so
    every row is read once however many are kept; the "is there a newer one" test is a seek
    on the (user, provider_event_id, created_at) index. Each batch commits on its own.
    """
    if days <= 0:
        return Pruned(0, 0)
    cutoff = (now or utcnow()) - datetime.timedelta(days=days)
    deleted = batches = 0
    user_ids = [uid for (uid,) in User.select(User.id).order_by(User.id).tuples()]
    for user_id in user_ids:
        after = None
        while True:
            rows = _superseded(user_id, cutoff, after, batch_size)
            if rows:
                with write_transaction():
                    deleted += (SyncDecision.delete()
                                .where(SyncDecision.id.in_([row_id for row_id, _ in rows]))
                                .execute())
                batches += 1
            if len(rows) < batch_size:
                break
            after = (rows[-1][1], rows[-1][0])
    return Pruned(deleted, batches)


def _superseded(user_id, cutoff, after, limit):
    """Up to ``limit`` (id, created_at) of the user's rows older than ``cutoff`` that have a
    newer row for the same event, in (created_at, id) order after the ``after`` key."""
    newer = SyncDecision.alias()
    has_newer = fn.EXISTS(newer.select(newer.id).where(
        newer.user == user_id,
        newer.provider_event_id == SyncDecision.provider_event_id,
        (newer.created_at > SyncDecision.created_at)
        | ((newer.created_at == SyncDecision.created_at) & (newer.id > SyncDecision.id))))
    query = SyncDecision.select(SyncDecision.id, SyncDecision.created_at).where(
        SyncDecision.user == user_id, SyncDecision.created_at < cutoff, has_newer)
    if after is not None:
        created_at, row_id = after
        query = query.where((SyncDecision.created_at > created_at)
                            | ((SyncDecision.created_at == created_at)
                               & (SyncDecision.id > row_id)))
    return list(query.order_by(SyncDecision.created_at, SyncDecision.id).limit(limit).tuples())
