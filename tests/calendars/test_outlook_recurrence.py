"""Graph's patternedRecurrence read as the occurrences a series should have (R13,
server/calendars/outlook/recurrence.py): every pattern and range type, Windows and IANA zone
names and DST, compared with the fake's own RFC 5545 reading of the series' RRULE; a pattern
it cannot read exactly gives nothing rather than wrong weeks."""
import datetime

import pytest

from server.calendars.outlook import parse
from server.calendars.outlook.recurrence import series_pattern, time_zone
from server.models import utcnow
from tests.fakes import recurrence
from tests.fakes.store import CalendarStore

UTC = datetime.timezone.utc
RULES = [
    ('FREQ=DAILY;COUNT=9', 'UTC'),
    ('FREQ=DAILY;INTERVAL=3', 'Europe/Berlin'),
    ('FREQ=WEEKLY;COUNT=30', 'Europe/Berlin'),  # crosses a DST change whenever it starts
    ('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU', 'America/Los_Angeles'),
    ('FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL={until}', 'America/New_York'),
    ('FREQ=MONTHLY;BYMONTHDAY=28;COUNT=14', 'Europe/Berlin'),
    ('FREQ=MONTHLY;BYDAY=-1FR', 'America/New_York'),  # the last Friday
    ('FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1;COUNT=12', 'UTC'),  # the first of Monday/Tuesday
    ('FREQ=YEARLY;COUNT=4', 'Asia/Tokyo'),  # an IANA name, as Graph keeps one it was given
    ('FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', 'America/New_York'),
]


def master_item(graph_fake, rule, zone):
    """A series of ``rule`` starting tomorrow (09:30 local) and its Graph JSON."""
    start = recurrence.first_start(rule, zone, utcnow() + datetime.timedelta(days=1), 9, 30)
    until = start + datetime.timedelta(days=60)
    event = CalendarStore().add_event(
        'rep@acme.com', 'Series', start=start, time_zone=zone,
        recurrence=['RRULE:' + rule.format(until=f'{until:%Y%m%dT%H%M%SZ}')])
    return event, graph_fake.render(event)


@pytest.mark.parametrize('rule,zone', RULES, ids=[r for r, _ in RULES])
def test_r13_each_graph_pattern_gives_the_occurrences_of_its_rrule(graph_fake, rule, zone):
    event, item = master_item(graph_fake, rule, zone)
    master = parse.parse_event(item)
    pattern = series_pattern(item, master.start, master.end)
    window = (utcnow() - datetime.timedelta(days=1), utcnow() + datetime.timedelta(days=1200))
    expected = recurrence.occurrence_starts(event, *window)
    assert pattern.starts(*window) == expected
    assert len(expected) >= 3


def test_r13_windows_and_iana_zone_names():
    assert str(time_zone('W. Europe Standard Time')) == 'Europe/Berlin'
    assert str(time_zone('Pacific Standard Time')) == 'America/Los_Angeles'
    assert str(time_zone('Europe/Berlin')) == 'Europe/Berlin'
    assert time_zone('UTC') is UTC and time_zone('tzone://Microsoft/Utc') is UTC
    assert time_zone('Nowhere Standard Time') is None and time_zone('') is None


@pytest.mark.parametrize('change', [
    lambda r: r['pattern'].update(type='hourly'),
    lambda r: r['pattern'].update(daysOfWeek=['someday']),
    lambda r: r['range'].update(recurrenceTimeZone='Nowhere Standard Time'),
    lambda r: r['range'].update(type='numbered', numberOfOccurrences=0),
    lambda r: r['range'].update(type='forever'),
], ids=['pattern-type', 'weekday', 'zone', 'no-occurrences', 'range-type'])
def test_r13_a_recurrence_it_cannot_read_exactly_expands_to_nothing(graph_fake, change):
    event, item = master_item(graph_fake, 'FREQ=WEEKLY;COUNT=4', 'Europe/Berlin')
    item['originalStartTimeZone'] = None
    change(item['recurrence'])
    master = parse.parse_event(item)
    assert series_pattern(item, master.start, master.end) is None
