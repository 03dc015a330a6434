"""Issue 11 §2: the due date read from the END of a task's line, in the user's zone (B5).

One table of phrases, English and Traditional Chinese, in several zones, two of them on the
other side of midnight UTC from the server's clock. Every expectation is relative to the
user's local today, never a literal date.
"""
import datetime

import pytest

from server.services.due_dates import local_now, parse
from tests.clock import today

DAY = datetime.timedelta(days=1)


def next_weekday(local, weekday):
    """The next ``weekday`` strictly after ``local`` (how "friday" reads on a Friday)."""
    return local + datetime.timedelta(days=(weekday - local.weekday()) % 7 or 7)


def next_weeks(local, weekday, weeks=1):
    """``weekday`` of the week ``weeks`` after this one (下週五: next week's Friday)."""
    return local - datetime.timedelta(days=local.weekday()) + datetime.timedelta(
        weeks=weeks, days=weekday)


T = datetime.time
# (line, zone, UTC hour of "now", title, due date from the local today, due time)
TABLE = [
    ('send the DPA friday', 'UTC', 10, 'send the DPA', lambda d: next_weekday(d, 4), None),
    ('send the DPA by friday', 'UTC', 10, 'send the DPA', lambda d: next_weekday(d, 4), None),
    ('call back tomorrow 3pm', 'UTC', 10, 'call back', lambda d: d + DAY, T(15)),
    ('pricing follow-up in 2 weeks', 'UTC', 10, 'pricing follow-up',
     lambda d: d + 14 * DAY, None),
    ('check in a week', 'Europe/Berlin', 10, 'check', lambda d: d + 7 * DAY, None),
    ('send deck on monday at 9:30am', 'Europe/Berlin', 10, 'send deck',
     lambda d: next_weekday(d, 0), T(9, 30)),
    ('ping them next week', 'UTC', 10, 'ping them', lambda d: d + 7 * DAY, None),
    ('wrap up today 5pm', 'UTC', 10, 'wrap up', lambda d: d, T(17)),
    # Across midnight UTC: 17:00 UTC is already tomorrow in Taipei (UTC+8) ...
    ('call back tomorrow 3pm', 'Asia/Taipei', 17, 'call back', lambda d: d + DAY, T(15)),
    # ... and 03:00 UTC is still yesterday in Los Angeles.
    ('call back tomorrow 3pm', 'America/Los_Angeles', 3, 'call back', lambda d: d + DAY, T(15)),
    ('send the DPA friday', 'America/Los_Angeles', 3, 'send the DPA',
     lambda d: next_weekday(d, 4), None),
    # Traditional Chinese.
    ('寄報價單 明天', 'Asia/Taipei', 17, '寄報價單', lambda d: d + DAY, None),
    ('寄合約下週五', 'Asia/Taipei', 2, '寄合約', lambda d: next_weeks(d, 4), None),
    ('回電 下星期一 下午3點', 'Asia/Taipei', 17, '回電', lambda d: next_weeks(d, 0), T(15)),
    ('開會 明天下午3點半', 'Asia/Taipei', 2, '開會', lambda d: d + DAY, T(15, 30)),
    ('確認規格 後天 中午', 'Asia/Taipei', 2, '確認規格', lambda d: d + 2 * DAY, T(12)),
    ('打給王經理 3天後', 'Asia/Taipei', 17, '打給王經理', lambda d: d + 3 * DAY, None),
    ('整理筆記 週五', 'Asia/Taipei', 2, '整理筆記', lambda d: next_weekday(d, 4), None),
    ('追蹤 下禮拜三 上午10點', 'America/New_York', 3, '追蹤', lambda d: next_weeks(d, 2),
     T(10)),
    ('報價 兩週後', 'Asia/Taipei', 2, '報價', lambda d: d + 14 * DAY, None),
]


@pytest.mark.parametrize('line, zone, hour, title, due, at', TABLE,
                         ids=[f'{row[0]}@{row[1]}' for row in TABLE])
def test_issue11_due_date_from_the_end_of_the_line(line, zone, hour, title, due, at):
    now = today(hour=hour)
    local = local_now(now, zone).date()
    parsed = parse(line, now, zone)
    assert (parsed.title, parsed.due_date, parsed.due_time, parsed.understood) == (
        title, due(local), at, True)


def test_issue11_the_zone_decides_which_day_tomorrow_is():
    """B5: at 17:00 UTC "tomorrow" is two UTC days on in Taipei and one in London."""
    now = today(hour=17)
    assert parse('x tomorrow', now, 'Asia/Taipei').due_date == now.date() + 2 * DAY
    assert parse('x tomorrow', now, 'Europe/London').due_date == now.date() + DAY


@pytest.mark.parametrize('line', ['call Ana', 'lunch with a client', 'order 5',
                                  'review the contract', '準備簡報', ''])
def test_issue11_no_date_words_means_no_due_date(line):
    parsed = parse(line, today(hour=10), 'UTC')
    assert (parsed.title, parsed.due_date, parsed.due_time, parsed.understood) == (
        line, None, None, False)


def test_issue11_a_line_that_is_only_a_date_keeps_it_as_title():
    parsed = parse('tomorrow', today(hour=10), 'UTC')
    assert parsed.title == 'tomorrow' and parsed.due_date == today().date() + DAY


def test_issue11_an_impossible_clock_is_not_a_time():
    parsed = parse('回電 明天 下午25點', today(hour=10), 'Asia/Taipei')
    assert parsed.due_time is None


def test_issue11_parser_figures():
    """Prints what reading a line costs (the panel asks on every pause in typing)."""
    import statistics
    import time
    now = today(hour=10)
    parse('warm up friday', now, 'UTC')
    times = []
    for _ in range(5):
        for line, zone, *_ in TABLE:
            started = time.perf_counter()
            parse(line, now, zone)
            times.append((time.perf_counter() - started) * 1000)
    p50, p99 = statistics.median(times), sorted(times)[int(len(times) * 0.99)]
    print(f'\ndue-date parse: {len(times)} lines, p50 {p50:.2f} ms, p99 {p99:.2f} ms')
    assert p50 < 50
