"""Jinja helpers for the web pages: CSRF tokens, local times, record links."""
from flask import g, url_for

from server.calendars.links import http_url
from server.web import csrf, forms, records


def local_time(value, fmt='%a %d %b %Y, %H:%M'):
    """A naive-UTC datetime shown in the signed-in user's time zone."""
    if value is None:
        return ''
    zone = forms.user_zone(g.web_user) if g.get('web_user') else forms.user_zone(None)
    return forms.to_local(value, zone).strftime(fmt)


def meeting_when(meeting):
    """'Thu 27 Nov 2026, 10:00–10:30' (the end's date too when it differs)."""
    start, end = local_time(meeting.start), local_time(meeting.end)
    same_day = local_time(meeting.start, '%Y%m%d') == local_time(meeting.end, '%Y%m%d')
    return f'{start}–{local_time(meeting.end, "%H:%M")}' if same_day else f'{start} – {end}'


def zone_name():
    return getattr(forms.user_zone(g.web_user), 'key', 'UTC') if g.get('web_user') else 'UTC'


def record_url(plural, record):
    return url_for('web.record', plural=plural, record_id=record.id)


def init_app(app):
    app.jinja_env.globals.update(csrf_token=csrf.token, record_url=record_url,
                                 record_title=records.title, singular=records.SINGULAR,
                                 zone_name=zone_name)
    app.jinja_env.filters.update(local_time=local_time, meeting_when=meeting_when, http_url=http_url)
