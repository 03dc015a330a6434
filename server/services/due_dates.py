"""The due date at the end of a task's line (issue 11 §2): "/task send the DPA friday",
"call back tomorrow 3pm", "pricing follow-up in 2 weeks", "報價 下週五", "下星期一 下午3點".

Pure: ``parse(text, now, zone)`` reads the words at the END of the line as a date (and
maybe a time), relative to ``now`` in the user's zone (B5), and returns the title without
those words. English goes to ``dateparser``; Traditional Chinese forms are put in words
dateparser reads first (it knows 明天 but not 下週五 or 下午3點). Nothing understood: no due
date, ``understood`` False, and the caller says so.
"""
import dataclasses
import datetime
import re
import zoneinfo

from dateparser.date import DateDataParser

MAX_DATE_WORDS = 6  # "on monday next week at 9:30am"

# Words a date at the end of a line is made of; the longest run of them that dateparser
# reads is the date. Anything else ends the run ("DPA" in "send the DPA friday").
_EN_WORD = re.compile(r"""^(?:
    today|tonight|tomorrow|tmrw|tmr|noon|midnight|morning|afternoon|evening
  | mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?
  | sun(?:day)?
  | jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
  | sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?
  | next|this|in|on|at|by|a|an|the|of|week|weeks|day|days|month|months|hours?
  | \d{1,2}(?::\d{2})?(?:am|pm|a\.m\.|p\.m\.)? | \d{1,2}(?:st|nd|rd|th) | \d{1,2}h
  | \d{4}-\d{1,2}-\d{1,2} | \d{1,2}/\d{1,2}(?:/\d{2,4})?
)$""", re.VERBOSE | re.IGNORECASE)
# Words that cannot begin a date alone ("a" reads as a month to dateparser) nor be one.
_FILLERS = {'a', 'an', 'the', 'of', 'at', 'on', 'by', 'in', 'this', 'next'}
# Left in the title after the date is taken off: "send the DPA by friday" -> "send the DPA".
_TRAILING = {'on', 'by', 'at', 'due', 'before', 'until'}
_TIME = re.compile(r'\d(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d:\d{2}|\bnoon\b|\bmidnight\b|'
                   r'\btonight\b|\d+h\b', re.IGNORECASE)

# -- Traditional Chinese --------------------------------------------------------------------
_ZH_NUM = {'零': 0, '一': 1, '二': 2, '兩': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6,
           '七': 7, '八': 8, '九': 9, '十': 10}
_ZH_WEEKDAY = {'一': 0, '二': 1, '三': 2, '四': 3, '五': 4, '六': 5, '日': 6, '天': 6}
_N = r'\d{1,2}|[一二兩两三四五六七八九十]{1,3}'
_ZH_DAY = (r'(?P<rel>大後天|後天|后天|明天|明日|今天|今日)'
           r'|(?P<wkp>下下|下|這|这|本)?(?:週|周|星期|禮拜|礼拜)(?P<wd>[一二三四五六日天])'
           rf'|(?P<nd>{_N})\s*天[後后]'
           rf'|(?P<nw>{_N})\s*(?:個|个)?(?:週|周|星期|禮拜|礼拜)[後后]'
           r'|(?P<mon>\d{1,2})\s*月\s*(?P<dom>\d{1,2})\s*[日號号]')
_ZH_CLOCK = (rf'(?P<ap>上午|早上|中午|下午|晚上)?\s*(?:(?P<hr>{_N})\s*[點点時时]\s*'
             rf'(?:(?P<half>半)|(?P<mi>\d{{1,2}})\s*分?)?|(?P<hh>\d{{1,2}}):(?P<mm>\d{{2}}))'
             r'|(?P<noon>中午)')
_ZH_END = re.compile(rf'(?:(?:{_ZH_DAY})\s*)?(?:{_ZH_CLOCK})?\s*$')
_MONTHS_EN = ('january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
              'september', 'october', 'november', 'december')


@dataclasses.dataclass(frozen=True)
class DueDate:
    title: str
    due_date: datetime.date | None
    due_time: datetime.time | None
    understood: bool  # a date was found at the end of the line
    date_text: str = ''  # the words read as the date


def zone_of(name):
    """The ZoneInfo for an IANA name; UTC for an unknown one."""
    try:
        return zoneinfo.ZoneInfo(name or 'UTC')
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def local_now(now, zone):
    """``now`` (naive UTC) as a naive wall-clock time in ``zone`` (a name or a tzinfo)."""
    zone = zone_of(zone) if isinstance(zone, str) or zone is None else zone
    return now.replace(tzinfo=datetime.UTC).astimezone(zone).replace(tzinfo=None)


def parse(text, now, zone='UTC'):
    """Read the due date at the end of ``text``: a DueDate (title without the date words)."""
    text = ' '.join((text or '').split())
    base = local_now(now, zone)
    found = _chinese(text, base) or _english(text, base)
    if found is None:
        return DueDate(text, None, None, False)
    title, when, has_time, words = found
    return DueDate(title or text, when.date(), when.time().replace(second=0, microsecond=0)
                   if has_time else None, True, words)


def _parser(base):
    return DateDataParser(languages=['en'], settings={
        'RELATIVE_BASE': base, 'PREFER_DATES_FROM': 'future', 'RETURN_AS_TIMEZONE_AWARE': False,
        'STRICT_PARSING': False})


def _read(parser, words):
    try:
        return parser.get_date_data(words).date_obj
    except (ValueError, OverflowError, TypeError):
        return None


def _english(text, base):
    tokens = text.split(' ') if text else []
    run = 0
    while run < min(len(tokens), MAX_DATE_WORDS) and _EN_WORD.match(tokens[-1 - run]):
        run += 1
    parser = _parser(base)
    for start in range(len(tokens) - run, len(tokens)):
        candidate = tokens[start:]
        lowered = [t.lower() for t in candidate]
        if lowered[0] in ('a', 'an') or all(t in _FILLERS for t in lowered):
            continue
        if all(t.isdigit() for t in lowered):  # "order 5": a number, not a date
            continue
        words = ' '.join(candidate)
        when = _read(parser, words)
        if when is not None:
            title = tokens[:start]
            while title and title[-1].lower() in _TRAILING:
                title.pop()
            return ' '.join(title), when, bool(_TIME.search(words)), words
    return None


def _zh_number(raw):
    if raw.isdigit():
        return int(raw)
    if raw.startswith('十'):
        return 10 + (_ZH_NUM[raw[1]] if len(raw) > 1 else 0)
    if '十' in raw:
        tens, _, ones = raw.partition('十')
        return _ZH_NUM[tens] * 10 + (_ZH_NUM[ones] if ones else 0)
    return _ZH_NUM.get(raw, 0)


def _chinese(text, base):
    """A Chinese date (and time) at the end of ``text``, read through English words."""
    match = _ZH_END.search(text)
    if match is None or not match.group(0).strip():
        return None
    g = match.groupdict()
    today = base.date()
    if g['rel']:
        day = {'今天': 'today', '今日': 'today', '明天': 'tomorrow', '明日': 'tomorrow',
               '後天': 'in 2 days', '后天': 'in 2 days', '大後天': 'in 3 days'}[g['rel']]
    elif g['wd']:
        weekday = _ZH_WEEKDAY[g['wd']]
        monday = today - datetime.timedelta(days=today.weekday())
        if g['wkp'] in ('下', '下下'):
            # 下週五 is the Friday of next week, whatever today is (not the coming Friday).
            weeks = 1 if g['wkp'] == '下' else 2
            date = monday + datetime.timedelta(weeks=weeks, days=weekday)
        elif g['wkp']:
            date = monday + datetime.timedelta(days=weekday)  # 這週五: this week's
        else:
            # As dateparser reads "friday": the next one, a week on if today is one.
            date = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)
        day = f'{date.day} {_MONTHS_EN[date.month - 1]} {date.year}'
    elif g['nd']:
        day = f'in {_zh_number(g["nd"])} days'
    elif g['nw']:
        day = f'in {_zh_number(g["nw"])} weeks'
    elif g['mon']:
        day = f'{int(g["dom"])} {_MONTHS_EN[(int(g["mon"]) - 1) % 12]}'
    else:
        day = 'today'
    clock = ''
    if g['hr'] or g['hh']:
        hour = _zh_number(g['hr']) if g['hr'] else int(g['hh'])
        minute = 30 if g['half'] else int(g['mi'] or g['mm'] or 0)
        if g['ap'] in ('下午', '晚上') and hour < 12:
            hour += 12
        clock = f'{hour:02d}:{minute:02d}'
    elif g['noon']:
        clock = '12:00'
    if not 0 <= int(clock[:2] or 0) <= 23 or not 0 <= int(clock[3:] or 0) <= 59:
        return None
    when = _read(_parser(base), f'{day} {clock}'.strip())
    if when is None:
        return None
    if g['wd'] and not clock:
        when = datetime.datetime.combine(when.date(), datetime.time())
    return text[:match.start()].strip(), when, bool(clock), match.group(0).strip()

