"""B4 decision log retention: old rows go in short batches; each event keeps its newest row."""
import datetime

import pytest

from server import tasks
from server.db import db
from server.models import SyncDecision, utcnow
from server.services import decision_retention, users
from tests.clock import today

NOW = today(12)


def days_ago(days, minutes=0):
    return NOW - datetime.timedelta(days=days, minutes=minutes)


@pytest.fixture
def rep(app):
    with db.connection_context():
        return users.create(email='rep@acme.com', account_name='Acme', name='Rita Rep')


@pytest.fixture
def log(app):
    """log(user, event_id, created_at) adds one decision row and returns its id."""
    def add(user, event_id, created_at, decision='skipped', reason='r14_all_day'):
        with db.connection_context():
            return SyncDecision.create(account=user.account_id, user=user.id,
                                       provider_event_id=event_id, title=event_id,
                                       decision=decision, reason=reason,
                                       created_at=created_at).id
    return add


def remaining():
    with db.connection_context():
        return sorted(row.id for row in SyncDecision.select())


def prune(days=90, **kwargs):
    with db.connection_context():
        return decision_retention.prune(days, now=NOW, **kwargs)


def test_b4_old_decisions_go_but_each_events_newest_stays(rep, log):
    superseded = [log(rep, 'ev1', days_ago(200)), log(rep, 'ev1', days_ago(150))]
    newest_old = log(rep, 'ev1', days_ago(120))  # old, but still the answer for ev1
    only_old = log(rep, 'ev2', days_ago(300))  # one row, however old: kept
    young = [log(rep, 'ev3', days_ago(10)), log(rep, 'ev3', days_ago(5))]  # within 90 days
    superseded_by_young = log(rep, 'ev4', days_ago(100))
    young.append(log(rep, 'ev4', days_ago(1)))
    result = prune()
    assert result.deleted == 3
    assert remaining() == sorted([newest_old, only_old, *young])
    assert not set(superseded + [superseded_by_young]) & set(remaining())


def test_b4_the_newest_of_rows_written_in_the_same_instant_is_the_higher_id(rep, log):
    same = days_ago(200)
    first, second = log(rep, 'ev1', same), log(rep, 'ev1', same)
    prune()
    assert remaining() == [second] and first != second


def test_b4_each_users_own_log_decides_what_is_superseded(rep, log, app):
    with db.connection_context():
        other = users.create(email='sam@acme.com', account_name='Acme')
    mine = log(rep, 'shared-event', days_ago(200))
    theirs_old = log(other, 'shared-event', days_ago(300))
    theirs_new = log(other, 'shared-event', days_ago(250))
    prune()
    # Sam's newer row supersedes only Sam's older one, never Rita's.
    assert remaining() == sorted([mine, theirs_new]) and theirs_old not in remaining()


def test_b4_pruning_runs_in_bounded_batches_and_reads_past_kept_rows(rep, log):
    for i in range(7):
        log(rep, f'kept{i}', days_ago(400 - i))  # single rows interleaved with deletable ones
        log(rep, f'ev{i}', days_ago(300 - i))
        log(rep, f'ev{i}', days_ago(10))
    result = prune(batch_size=3)
    assert result == decision_retention.Pruned(deleted=7, batches=3)  # 3 + 3 + 1
    with db.connection_context():
        assert SyncDecision.select().count() == 14


def test_b4_a_retention_of_zero_keeps_everything(rep, log):
    log(rep, 'ev1', days_ago(900))
    log(rep, 'ev1', days_ago(800))
    assert prune(days=0) == decision_retention.Pruned(0, 0)
    assert len(remaining()) == 2


def test_b4_the_periodic_task_reads_the_configured_retention(app, rep, log):
    now = utcnow()
    old = log(rep, 'ev1', now - datetime.timedelta(days=40))
    newer = log(rep, 'ev1', now - datetime.timedelta(days=20))
    newest = log(rep, 'ev1', now - datetime.timedelta(days=1))
    assert app.config['SYNC_DECISION_RETENTION_DAYS'] == 90
    assert tasks.prune_sync_decisions.call_local() == 0
    app.config['SYNC_DECISION_RETENTION_DAYS'] = 30
    assert tasks.prune_sync_decisions.call_local() == 1
    assert remaining() == sorted([newer, newest]) and old not in remaining()


def test_b4_the_prune_task_is_scheduled_daily():
    task = tasks.prune_sync_decisions.task_class()
    validate = task.validate_datetime
    assert validate(datetime.datetime(2030, 1, 1, 3, 41))
    assert not validate(datetime.datetime(2030, 1, 1, 4, 41))
    assert not validate(datetime.datetime(2030, 1, 1, 3, 42))
