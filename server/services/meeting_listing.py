"""The meetings list as the API serves it (R16, R17, R12): SQL rows to JSON-ready dicts in one pass.

The side panel asks for this list every time Gmail opens it, so it is the API's hottest read.
Loading peewee models, wrapping attendees in objects and dumping them through marshmallow cost
three quarters of the request; here each row becomes its output dict directly (two queries:
the page of meetings, then their attendees with contact, company and the R12 user check).

``MeetingListPageSchema`` documents the shape, and tests/services/test_meeting_listing.py proves
that these dicts equal what that schema dumps from the models for the same meetings.
"""
from server.db import Prepared
from server.models import Meeting
from server.models.crm import contact_name
from server.schemas.fields import api_datetime
from server.services.meetings import _attendees_of, _page_query, cursor_for, decode_cursor
from server.sync.rules import internal_emails

# What a list item shows; the full meeting (description, provider ids, timestamps...) is
# GET /meetings/{id}. Order matters: rows are unpacked in this order below.
_COLUMNS = (Meeting.id, Meeting.title, Meeting.start, Meeting.end, Meeting.location,
            Meeting.video_link, Meeting.calendar_link, Meeting.organizer_email, Meeting.status,
            Meeting.source)


def _select_page(*args):
    return _page_query(*args).select(*_COLUMNS)


_page = Prepared(_select_page)


def page_for_user(user, start_from=None, start_to=None, cursor=None, limit=50, q=None):
    """{'items': [...], 'next_cursor': str|None}: the caller's meetings, soonest first."""
    args = (user.id, user.account_id, start_from, start_to,
            *(decode_cursor(cursor) if cursor else (None, None)), limit + 1)
    if q:
        # A search has its own SQL each time (the pattern is part of the LIKE expression).
        rows = list(_select_page(*args).where(Meeting.title.contains(q)).tuples())
    else:
        rows = _page.raw_rows(*args)
    next_cursor = cursor_for(rows[limit - 1][2], rows[limit - 1][0]) if len(rows) > limit else None
    items, attendees_of = [], {}
    for (meeting_id, title, start, end, location, video_link, calendar_link, organizer_email,
         status, source) in rows[:limit]:
        attendees_of[meeting_id] = attendees = []
        items.append({'id': meeting_id, 'title': title, 'start': api_datetime(start),
                      'end': api_datetime(end), 'location': location, 'video_link': video_link,
                      'calendar_link': calendar_link, 'organizer_email': organizer_email,
                      'status': status, 'source': source, 'attendees': attendees})
    if attendees_of:
        _fill_attendees(user.account, attendees_of)
    return {'items': items, 'next_cursor': next_cursor}


def _fill_attendees(account, attendees_of):
    rows = _attendees_of.raw_rows(list(attendees_of))
    # R12 for the whole page in one call; the query already joined each attendee to a user.
    users = {row[1] for row in rows if row[-1] is not None}
    internal = internal_emails({row[1] for row in rows}, frozenset(account.domains), users)
    for (meeting_id, email, display_name, response_status, is_organizer, contact_id,
         contact_email, first_name, last_name, job_title, company_name, _) in rows:
        attendees_of[meeting_id].append({
            'email': email, 'display_name': display_name, 'response_status': response_status,
            'is_organizer': bool(is_organizer),  # SQLite gives 0/1
            'is_internal': email in internal,
            'contact': None if contact_id is None else {
                'id': contact_id, 'name': contact_name(first_name, last_name, contact_email),
                'email': contact_email, 'company': company_name, 'job_title': job_title},
        })
