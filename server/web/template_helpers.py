"""Jinja helpers for the web pages: CSRF tokens, local times and numbers, record links, labels.

Times are shown in the signed-in user's zone (B5) and written the locale's way (issue 13 §3):
Flask-Babel's timezone selector is the user's zone, so format_datetime converts them.
"""
from flask import g, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    gettext,
    lazy_gettext,
)

from server.calendars.links import http_url
from server.web import csrf, forms, records

# Babel patterns per locale: English keeps the pages' 'Thu 27 Nov 2026, 10:00'; Chinese
# writes dates the Taiwanese way, '2026年11月27日 週四 10:00'.
FORMATS = {
    'en': {'datetime': 'EEE dd MMM y, HH:mm', 'date': 'dd MMM y', 'time': 'HH:mm',
           'day': 'yyyyMMdd', 'short': 'EEE dd MMM'},
    'zh_TW': {'datetime': 'y年M月d日 EEE HH:mm', 'date': 'y年M月d日', 'time': 'HH:mm',
              'day': 'yyyyMMdd', 'short': 'M月d日 EEE'},
}

KINDS = {'contacts': (lazy_gettext('Contact'), lazy_gettext('Contacts')),
         'companies': (lazy_gettext('Company'), lazy_gettext('Companies')),
         'deals': (lazy_gettext('Deal'), lazy_gettext('Deals')),
         'tickets': (lazy_gettext('Ticket'), lazy_gettext('Tickets'))}

# The stored codes of deal stages, ticket statuses, attendee answers and sync outcomes.
VALUES = {
    'appointment_scheduled': lazy_gettext('appointment scheduled'),
    'qualified_to_buy': lazy_gettext('qualified to buy'),
    'presentation_scheduled': lazy_gettext('presentation scheduled'),
    'decision_maker_bought_in': lazy_gettext('decision maker bought in'),
    'contract_sent': lazy_gettext('contract sent'),
    'closed_won': lazy_gettext('closed won'),
    'closed_lost': lazy_gettext('closed lost'),
    'new': lazy_gettext('new'),
    'waiting_on_contact': lazy_gettext('waiting on contact'),
    'waiting_on_us': lazy_gettext('waiting on us'),
    'closed': lazy_gettext('closed'),
    'accepted': lazy_gettext('accepted'),
    'declined': lazy_gettext('declined'),
    'tentative': lazy_gettext('maybe'),
    'logged': lazy_gettext('logged'),
    'updated': lazy_gettext('updated'),
    'skipped': lazy_gettext('skipped'),
    'deleted': lazy_gettext('deleted'),
    # CSV import jobs (models.imports.ImportJob.status)
    'uploaded': lazy_gettext('uploaded'),
    'queued': lazy_gettext('queued'),
    'running': lazy_gettext('running'),
    'done': lazy_gettext('done'),
    'failed': lazy_gettext('failed'),
}


def _formats():
    locale = get_locale()
    key = f'{locale.language}_{locale.territory}' if locale and locale.territory else 'en'
    return FORMATS.get(key, FORMATS['en'])


def local_time(value, fmt='datetime'):
    """A naive-UTC datetime in the signed-in user's zone, as the locale writes it.

    ``fmt``: 'datetime' (the default), 'date', 'time' or 'day' (a sortable yyyyMMdd).
    """
    if value is None:
        return ''
    return format_datetime(value, _formats()[fmt])


def local_date(value, fmt='date'):
    """A calendar date (no zone: a task's due date) as the locale writes it ('short': 'Thu 27 Nov')."""
    if value is None:
        return ''
    return format_date(value, _formats()[fmt])


def meeting_when(meeting):
    """'Thu 27 Nov 2026, 10:00–10:30' (the end's date too when it differs)."""
    start, end = local_time(meeting.start), local_time(meeting.end)
    same_day = local_time(meeting.start, 'day') == local_time(meeting.end, 'day')
    return f'{start}–{local_time(meeting.end, "time")}' if same_day else f'{start} – {end}'


def amount(value):
    """A deal amount with the locale's separators and two decimals."""
    return format_decimal(value, format='#,##0.00')


def zone_name():
    return getattr(forms.user_zone(g.web_user), 'key', 'UTC') if g.get('web_user') else 'UTC'


def record_url(plural, record):
    return url_for('web.record', plural=plural, record_id=record.id)


def kind_label(plural, one=False):
    """'Contacts' (or 'Contact' with one=True), translated."""
    singular, many = KINDS[plural]
    return str(singular if one else many)


def value_label(code):
    """A stage, status or answer code as words ('closed_won' -> 'closed won'), translated."""
    label = VALUES.get(code)
    return str(label) if label is not None else (code or '').replace('_', ' ')


def translate(message):
    """A lower layer's English sentence (marked with N_ there) in the page's language."""
    return forms.translated(message) if isinstance(message, str) and message else message


def delivery_text(delivery):
    """Why a meeting is not (yet) on the calendar (services.calendar_delivery), translated."""
    message = delivery.get('message') or ''
    held = '(the calendar connection needs reconnecting' in message
    theirs = "its owner's calendar" in message
    if delivery.get('state') == 'failed':
        return (gettext("Not on its owner's calendar: the calendar refused to add it") if theirs
                else gettext('Not on your calendar: the calendar refused to add it'))
    if delivery.get('state') == 'pending':
        text = (gettext("Not yet on its owner's calendar") if theirs
                else gettext('Not yet on your calendar'))
    elif delivery.get('state') == 'changes_pending':
        text = (gettext("The latest changes are not yet on its owner's calendar") if theirs
                else gettext('The latest changes are not yet on your calendar'))
    else:
        return translate(message)
    if held:
        text += ' ' + gettext('(the calendar connection needs reconnecting in Settings › Calendar)')
    return text


def push_text(sentence):
    """services.push_status.describe()'s sentence, translated (its reason kept when unknown)."""
    from server.services import push_status
    minutes = push_status.POLL_MINUTES
    if sentence == 'on: changes arrive within seconds':
        return gettext('on: changes arrive within seconds')
    if sentence.startswith('not open yet'):
        return gettext('not open yet; checking for changes every %(minutes)s minutes until it is',
                       minutes=minutes)
    prefix, tail = 'push notifications unavailable: ', push_status.unavailable('')[len(
        'push notifications unavailable: '):]
    if sentence.startswith(prefix) and sentence.endswith(tail):
        why = sentence[len(prefix):len(sentence) - len(tail)]
        return gettext('push notifications unavailable: %(why)s; checking for changes every '
                       '%(minutes)s minutes', why=translate(why), minutes=minutes)
    return translate(sentence)


def init_app(app):
    app.jinja_env.globals.update(csrf_token=csrf.token, record_url=record_url,
                                 record_title=records.title, singular=records.SINGULAR,
                                 zone_name=zone_name, kind_label=kind_label)
    app.jinja_env.filters.update(local_time=local_time, local_date=local_date, meeting_when=meeting_when, http_url=http_url,
                                 amount=amount, value_label=value_label, translate=translate,
                                 delivery_text=delivery_text, push_text=push_text)
