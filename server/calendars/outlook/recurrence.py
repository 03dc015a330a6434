"""Graph's patternedRecurrence -> the occurrences a series master should have (R13).

A calendar view never lists an occurrence the organizer deleted before the sync first saw the
series, so the sync compares the series' pattern with what the view listed. The pattern is
mapped onto python-dateutil's ``rrule`` (RFC 5545 semantics, which Graph's patterns are a
subset of) in the series' own time zone: a weekly 10:00 in Europe/Berlin stays 10:00 local
across DST, so its UTC start moves by an hour. Graph names zones the Windows way ("W. Europe
Standard Time") or as IANA names; tzlocal's copy of CLDR's windowsZones maps the former.

Anything this module cannot map exactly gives None: an unknown pattern must never make weeks
look deleted.
"""
import datetime
import logging
import zoneinfo

from dateutil import rrule
from tzlocal.windows_tz import win_tz

from server.calendars.base import SeriesPattern

log = logging.getLogger(__name__)

WEEKDAYS = {'monday': rrule.MO, 'tuesday': rrule.TU, 'wednesday': rrule.WE,
            'thursday': rrule.TH, 'friday': rrule.FR, 'saturday': rrule.SA, 'sunday': rrule.SU}
INDEX = {'first': 1, 'second': 2, 'third': 3, 'fourth': 4, 'last': -1}
FREQUENCY = {'daily': rrule.DAILY, 'weekly': rrule.WEEKLY, 'absoluteMonthly': rrule.MONTHLY,
             'relativeMonthly': rrule.MONTHLY, 'absoluteYearly': rrule.YEARLY,
             'relativeYearly': rrule.YEARLY}
UTC_NAMES = {'utc', 'etc/utc', 'coordinated universal time', 'tzone://microsoft/utc', 'gmt'}


def time_zone(name):
    """A Graph time zone name (IANA or Windows) -> ZoneInfo, or None if unknown."""
    if not name:
        return None
    if name.strip().lower() in UTC_NAMES:
        return datetime.timezone.utc
    for candidate in (name, win_tz.get(name)):
        if not candidate:
            continue
        try:
            return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return None


def _days(pattern):
    days = [WEEKDAYS.get(str(day).lower()) for day in pattern.get('daysOfWeek') or []]
    if not days or None in days:
        raise ValueError(f'days of week {pattern.get("daysOfWeek")!r}')
    return days


def _rule_parts(pattern, local_start):
    """rrule keyword arguments for a Graph recurrencePattern."""
    kind = pattern.get('type')
    parts = {'freq': FREQUENCY[kind], 'interval': max(1, int(pattern.get('interval') or 1)),
             'wkst': WEEKDAYS.get(str(pattern.get('firstDayOfWeek') or 'sunday').lower(),
                                  rrule.SU)}
    if kind == 'weekly':
        parts['byweekday'] = _days(pattern)
    elif kind in ('absoluteMonthly', 'absoluteYearly'):
        parts['bymonthday'] = int(pattern.get('dayOfMonth') or local_start.day)
    elif kind in ('relativeMonthly', 'relativeYearly'):
        # "The first Monday", or with several days "the first of those days" (Graph's
        # reading of several daysOfWeek with an index): BYDAY with BYSETPOS.
        parts['byweekday'] = _days(pattern)
        parts['bysetpos'] = INDEX[str(pattern.get('index') or 'first')]
    if kind in ('absoluteYearly', 'relativeYearly'):
        parts['bymonth'] = int(pattern.get('month') or local_start.month)
    return parts


def series_pattern(item, start, end):
    """The SeriesPattern of a Graph seriesMaster (its JSON ``item``, whose first occurrence
    runs from ``start`` to ``end``, naive UTC), or None if it cannot be mapped exactly."""
    recurrence = item.get('recurrence') or {}
    pattern, span = recurrence.get('pattern') or {}, recurrence.get('range') or {}
    if not item.get('id') or not pattern or start is None or end is None:
        return None
    try:
        zone = time_zone(span.get('recurrenceTimeZone') or item.get('originalStartTimeZone'))
        if zone is None:
            raise ValueError(f'time zone {span.get("recurrenceTimeZone")!r}')
        local = start.replace(tzinfo=datetime.timezone.utc).astimezone(zone)
        first_day = (datetime.date.fromisoformat(span['startDate']) if span.get('startDate')
                     else local.date())
        # Every occurrence starts at the master's local time of day, from the range's start
        # date on (dateutil, like Graph, only yields days that fit the pattern).
        parts = _rule_parts(pattern, local)
        parts['dtstart'] = datetime.datetime.combine(first_day, local.time(), tzinfo=zone)
        kind = span.get('type') or 'noEnd'
        if kind == 'numbered':
            parts['count'] = int(span['numberOfOccurrences'])
            if parts['count'] < 1:
                raise ValueError('no occurrences')
        elif kind == 'endDate':
            # The range ends with its end date, inclusive, in the series' time zone.
            parts['until'] = datetime.datetime.combine(
                datetime.date.fromisoformat(span['endDate']), datetime.time.max, tzinfo=zone)
        elif kind != 'noEnd':
            raise ValueError(f'range type {kind!r}')
        return SeriesPattern(series_id=item['id'], rule=rrule.rrule(**parts),
                             duration=end - start)
    except (KeyError, TypeError, ValueError) as error:
        log.info('series %r: recurrence not expanded (%s)', item.get('id'), error)
        return None
