"""Bounded retries with backoff that honour Retry-After (issue 3, errors)."""
import email.utils
import time

import pytest

from server.calendars.base import TransientError
from server.calendars.retry import RetryPolicy, parse_retry_after, with_retries


def flaky(*errors):
    """A call failing with ``errors`` in turn, then answering 'ok'."""
    queue = list(errors)

    def call():
        if queue:
            raise queue.pop(0)
        return 'ok'
    return call


def test_backoff_doubles_and_retry_after_wins_when_longer():
    slept = []
    policy = RetryPolicy(attempts=4, backoff_base=0.5, max_delay=10)
    result = with_retries(flaky(TransientError(), TransientError(retry_after=3), TransientError()),
                          policy, sleep=slept.append)
    assert result == 'ok'
    assert slept == [0.5, 3, 2.0]


def test_gives_up_after_the_attempts():
    slept = []
    with pytest.raises(TransientError):
        with_retries(flaky(*[TransientError()] * 5), RetryPolicy(attempts=3, backoff_base=1),
                     sleep=slept.append)
    assert slept == [1, 2]


def test_a_retry_after_beyond_max_delay_goes_up_at_once():
    slept = []
    with pytest.raises(TransientError) as raised:
        with_retries(flaky(TransientError(retry_after=120)), RetryPolicy(max_delay=10),
                     sleep=slept.append)
    assert raised.value.retry_after == 120 and slept == []


def test_parse_retry_after_seconds_and_dates():
    assert parse_retry_after('7') == 7.0
    assert parse_retry_after(None) is None and parse_retry_after('soon') is None
    in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert 55 <= parse_retry_after(in_a_minute) <= 60


def test_policy_from_config():
    policy = RetryPolicy.from_config({'CALENDAR_RETRY_ATTEMPTS': '5', 'CALENDAR_BACKOFF_BASE': '0.1',
                                      'CALENDAR_RETRY_MAX_DELAY': 2, 'CALENDAR_HTTP_TIMEOUT': 3})
    assert (policy.attempts, policy.backoff_base, policy.max_delay, policy.timeout) == (5, 0.1, 2.0, 3.0)
    assert RetryPolicy.from_config({}) == RetryPolicy()
