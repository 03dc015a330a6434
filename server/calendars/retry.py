"""Bounded retry with exponential backoff for provider calls, honouring Retry-After.

The clients turn 429/5xx/timeouts into TransientError; this retries a few times in-process. A
Retry-After longer than ``max_delay`` is not slept through: the error goes up at once so the
caller (a background job) can reschedule itself for later instead of holding a worker.
"""
import dataclasses
import email.utils
import time

from server.calendars.base import TransientError


@dataclasses.dataclass
class RetryPolicy:
    attempts: int = 3
    backoff_base: float = 0.5  # seconds; doubled after every failed attempt
    max_delay: float = 10.0
    timeout: float = 20.0  # per HTTP request

    @classmethod
    def from_config(cls, config):
        """Read CALENDAR_RETRY_ATTEMPTS, CALENDAR_BACKOFF_BASE, CALENDAR_RETRY_MAX_DELAY and
        CALENDAR_HTTP_TIMEOUT (tests lower them to stay fast)."""
        return cls(attempts=int(config.get('CALENDAR_RETRY_ATTEMPTS', cls.attempts)),
                   backoff_base=float(config.get('CALENDAR_BACKOFF_BASE', cls.backoff_base)),
                   max_delay=float(config.get('CALENDAR_RETRY_MAX_DELAY', cls.max_delay)),
                   timeout=float(config.get('CALENDAR_HTTP_TIMEOUT', cls.timeout)))


def parse_retry_after(value):
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def with_retries(call, policy, sleep=time.sleep):
    """Run ``call()``; on TransientError retry with backoff up to ``policy.attempts`` times."""
    for attempt in range(max(1, policy.attempts)):
        try:
            return call()
        except TransientError as error:
            if attempt + 1 >= policy.attempts:
                raise
            if error.retry_after is not None and error.retry_after > policy.max_delay:
                raise
            delay = policy.backoff_base * (2 ** attempt)
            sleep(min(policy.max_delay, max(delay, error.retry_after or 0)))
