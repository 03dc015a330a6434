"""The tests' one clock: every date a test writes is relative to it, never a literal.

The server reads "now" from one place (``server.models.utcnow``); these helpers read the same
clock, so a test written today still means the same thing a year from now (CI runs the suite
again under ``faketime`` a year ahead). A test about one calendar fact (a DST change, a leap
day) sets the clock explicitly with the ``clock`` fixture (time-machine) instead.
"""
import datetime

from server.models import utcnow

DAY = datetime.timedelta(days=1)


def today(hour=0, minute=0, days=0):
    """Naive UTC: today (UTC) ``days`` days on, at ``hour``:``minute``."""
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + datetime.timedelta(days=days, hours=hour, minutes=minute)


def ahead(days=7, hour=15, minute=0):
    """A time safely in the future (a week on by default), at a round UTC hour."""
    return today(hour, minute, days=days)


def iso(value):
    """A naive-UTC datetime as the API writes it: '2026-12-08T15:00:00Z'."""
    return value.replace(microsecond=0).isoformat() + 'Z'


def iso_ahead(days=7, hour=15, minute=0):
    """``iso(ahead(...))``: the API form of a time a week (or ``days``) on."""
    return iso(ahead(days, hour, minute))
