"""The offline meeting pack (issue 9 §4, B2): today's and tomorrow's meetings, in the user's
zone, with their attendees and the attendees' contact cards, in one answer.

The panel keeps it in chrome.storage.local so that during an outage a rep can open any of
these meetings (never opened before) and type notes in it. A constant number of statements
whatever the size (meetings, attendees, contacts), and bounded: at most MAX_MEETINGS meetings
and MAX_CONTACTS contacts, so the stored pack stays small (well under 1 MB).
"""
import datetime
import zoneinfo

from peewee import JOIN

from server.models import Company, Contact, Meeting, User, utcnow
from server.services.meetings import attach_attendees

MAX_MEETINGS = 50
MAX_CONTACTS = 500
DAYS = 2  # today and tomorrow


def _zone(user):
    try:
        return zoneinfo.ZoneInfo(user.time_zone or 'UTC')
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.timezone.utc


def window(user, now=None):
    """[start of today, start of the day after tomorrow) in the user's zone, as naive UTC."""
    now = now or utcnow()
    zone = _zone(user)
    local = now.replace(tzinfo=datetime.timezone.utc).astimezone(zone)
    midnight = datetime.datetime.combine(local.date(), datetime.time(), zone)
    end = datetime.datetime.combine(local.date() + datetime.timedelta(days=DAYS), datetime.time(), zone)
    as_utc = lambda d: d.astimezone(datetime.timezone.utc).replace(tzinfo=None)  # noqa: E731
    return as_utc(midnight), as_utc(end)


def pack(user, now=None):
    """{'generated_at', 'from', 'to', 'meetings': [...], 'contacts': [...]}: three statements."""
    now = now or utcnow()
    start, end = window(user, now)
    meetings = list(Meeting.select()
                    .where(Meeting.user == user.id, Meeting.account == user.account_id,
                           Meeting.end > start, Meeting.start < end)
                    .order_by(Meeting.start, Meeting.id).limit(MAX_MEETINGS))
    attach_attendees(user.account, meetings)
    contact_ids = sorted({a['contact']['id'] for m in meetings for a in m.attendees if a['contact']})
    contacts = []
    if contact_ids:
        owner = User.alias()
        contacts = list(Contact.select(Contact, Company, owner)
                        .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
                        .switch(Contact)
                        .join(owner, JOIN.LEFT_OUTER, on=(Contact.owner == owner.id))
                        .where(Contact.id.in_(contact_ids[:MAX_CONTACTS]),
                               Contact.account == user.account_id)
                        .order_by(Contact.id))
    return {'generated_at': now, 'from': start, 'to': end, 'meetings': meetings, 'contacts': contacts}
