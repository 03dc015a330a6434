"""The fakes' ground truth about a series: its RRULE (RFC 5545, as Google stores it) expanded
in the series' own time zone, and the same rule as Graph's patternedRecurrence.

The fake store keeps a series as Google does (RRULE strings, a start in UTC, a zone); what the
Graph fake shows of it is derived here, the way Outlook shows such a series: Windows zone
names, pattern types, range types. Expansion is python-dateutil's RFC 5545 reading of the
RRULE itself, not of the Graph pattern the product maps (server/calendars/outlook/recurrence).
"""
import datetime
import zoneinfo

from dateutil import rrule

UTC = datetime.timezone.utc
# What Outlook names these zones (CLDR windowsZones); any other zone is shown by its IANA name,
# which Graph also accepts and returns.
WINDOWS_NAMES = {'UTC': 'UTC', 'Europe/Berlin': 'W. Europe Standard Time',
                 'America/New_York': 'Eastern Standard Time',
                 'America/Los_Angeles': 'Pacific Standard Time'}
DAY_NAMES = {'MO': 'monday', 'TU': 'tuesday', 'WE': 'wednesday', 'TH': 'thursday',
             'FR': 'friday', 'SA': 'saturday', 'SU': 'sunday'}
INDEX_NAMES = {1: 'first', 2: 'second', 3: 'third', 4: 'fourth', -1: 'last'}


def as_datetime(value):
    if isinstance(value, datetime.datetime) or value is None:
        return value
    return datetime.datetime(value.year, value.month, value.day)


def zone(name):
    return UTC if name in ('UTC', '') else zoneinfo.ZoneInfo(name)


def local_start(event):
    return as_datetime(event.start).replace(tzinfo=UTC).astimezone(zone(event.time_zone))


def first_start(rule, zone_name, after, hour=10, minute=0):
    """Naive UTC: the first local ``hour``:``minute`` from ``after`` (naive UTC) on that fits
    ``rule`` (an RRULE without 'RRULE:'): where a series of that rule can start."""
    local = after.replace(tzinfo=UTC).astimezone(zone(zone_name)).replace(
        hour=hour, minute=minute, second=0, microsecond=0)
    bounded = ';'.join(p for p in rule.split(';') if not p.startswith(('COUNT', 'UNTIL')))
    first = rrule.rrulestr('RRULE:' + bounded, dtstart=local)[0]
    return first.astimezone(UTC).replace(tzinfo=None)


def rule_fields(event):
    """{'FREQ': 'WEEKLY', ...} of the series' first RRULE."""
    text = next(r for r in event.recurrence if r.upper().startswith('RRULE:'))
    return dict(part.split('=', 1) for part in text[len('RRULE:'):].upper().split(';')
                if '=' in part)


def occurrence_starts(event, window_start=None, window_end=None, limit=3000):
    """Naive-UTC starts of the series' occurrences that overlap [window_start, window_end)
    (a calendar view lists an instance whose end is after the window's start)."""
    duration = as_datetime(event.end) - as_datetime(event.start)
    rule = rrule.rrulestr(next(r for r in event.recurrence if r.upper().startswith('RRULE:')),
                          dtstart=local_start(event))
    found = []
    for when in rule:
        when = when.astimezone(UTC).replace(tzinfo=None)
        if window_end is not None and when >= window_end or len(found) >= limit:
            break
        if window_start is None or when + duration > window_start:
            found.append(when)
    return found


def _weekday_rules(byday):
    """'2TU' / 'TU,TH' -> (Graph day names, the index of a '2TU' form or None)."""
    days, index = [], None
    for part in byday.split(','):
        digits, day = part[:-2], part[-2:]
        if digits:
            index = int(digits)
        days.append(DAY_NAMES[day])
    return days, index


def graph_recurrence(event):
    """The series' RRULE as Graph's patternedRecurrence."""
    fields, local = rule_fields(event), local_start(event)
    pattern = {'type': None, 'interval': int(fields.get('INTERVAL', 1)), 'month': 0,
               'dayOfMonth': 0, 'daysOfWeek': [],
               'firstDayOfWeek': DAY_NAMES[fields.get('WKST', 'MO')], 'index': 'first'}
    freq, byday = fields['FREQ'], fields.get('BYDAY', '')
    if freq == 'DAILY':
        pattern['type'] = 'daily'
    elif freq == 'WEEKLY':
        pattern['type'] = 'weekly'
        pattern['daysOfWeek'] = (_weekday_rules(byday)[0] if byday
                                 else [local.strftime('%A').lower()])
    elif freq in ('MONTHLY', 'YEARLY'):
        kind = 'Monthly' if freq == 'MONTHLY' else 'Yearly'
        if byday:
            days, index = _weekday_rules(byday)
            index = int(fields.get('BYSETPOS', index or 1))
            pattern.update(type='relative' + kind, daysOfWeek=days, index=INDEX_NAMES[index])
        else:
            pattern.update(type='absolute' + kind,
                           dayOfMonth=int(fields.get('BYMONTHDAY', local.day)))
        if freq == 'YEARLY':
            pattern['month'] = int(fields.get('BYMONTH', local.month))
    else:
        raise ValueError(f'FREQ={freq} is not faked')
    span = {'type': 'noEnd', 'startDate': local.date().isoformat(), 'endDate': '0001-01-01',
            'recurrenceTimeZone': WINDOWS_NAMES.get(event.time_zone, event.time_zone),
            'numberOfOccurrences': 0}
    if 'COUNT' in fields:
        span.update(type='numbered', numberOfOccurrences=int(fields['COUNT']))
    elif 'UNTIL' in fields:
        until = datetime.datetime.strptime(fields['UNTIL'].rstrip('Z'), '%Y%m%dT%H%M%S')
        span.update(type='endDate', endDate=until.replace(tzinfo=UTC).astimezone(
            zone(event.time_zone)).date().isoformat())
    return {'pattern': pattern, 'range': span}
