"""The meetings list as the API serves it (R16, R17, R12): SQL rows to JSON-ready dicts in one pass.

The side panel asks for this list every time Gmail opens it, so it is the API's hottest read.
Loading peewee models, wrapping attendees in objects and dumping them through marshmallow cost
three quarters of the request; here each row becomes its output dict directly (two queries:
the page of meetings, then their attendees with contact, company and the R12 user check).

``MeetingListPageSchema`` documents the shape, and tests/services/test_meeting_listing.py proves
that these dicts equal what that schema dumps from the models for the same meetings.

``MeetingListCache`` keeps each process's recently served pages, encoded. A page is served
again only while the versions it was built under still hold: ``user.meetings_version`` and
``account.records_version``, which database triggers move on every change to what a page
shows (migration 0010), and the account's domains (R12). Those versions arrive with the
token check every request makes, so a page that has not changed costs no query of its own.

The same versions make ``entity_tag``: the side panel's browser revalidates its copy of the
list (If-None-Match) and an unchanged one is a 304, whichever worker answers, before any page
is built or looked up.
"""
import hashlib
import threading

from cachetools import LRUCache

from server.db import Prepared
from server.json_provider import encode
from server.models import Meeting
from server.schemas.fields import api_datetime
from server.services.meetings import (attendee_lists, cursor_for, decode_cursor,
                                      matches_search, page_query)

# What a list item shows; the full meeting (description, provider ids, timestamps...) is
# GET /meetings/{id}. Order matters: rows are unpacked in this order below.
_COLUMNS = (Meeting.id, Meeting.title, Meeting.start, Meeting.end, Meeting.location,
            Meeting.video_link, Meeting.calendar_link, Meeting.organizer_email, Meeting.status,
            Meeting.source, Meeting.outcome)


def _select_page(*args):
    return page_query(*args).select(*_COLUMNS)


_page = Prepared(_select_page)


def page_for_user(user, start_from=None, start_to=None, cursor=None, limit=50, q=None):
    """{'items': [...], 'next_cursor': str|None}: the caller's meetings, soonest first."""
    args = (user.id, user.account_id, start_from, start_to,
            *(decode_cursor(cursor) if cursor else (None, None)), limit + 1)
    if q:
        # A search has its own SQL each time (the pattern is part of the LIKE expression);
        # it matches attendees and companies too (issue 10 §3).
        rows = list(_select_page(*args).where(matches_search(q)).tuples())
    else:
        rows = _page.raw_rows(*args)
    next_cursor = cursor_for(rows[limit - 1][2], rows[limit - 1][0]) if len(rows) > limit else None
    rows = rows[:limit]
    attendees = attendee_lists(user.account, [row[0] for row in rows])
    items = [{'id': meeting_id, 'title': title, 'start': api_datetime(start),
              'end': api_datetime(end), 'location': location, 'video_link': video_link,
              'calendar_link': calendar_link, 'organizer_email': organizer_email,
              'status': status, 'source': source, 'outcome': outcome,
              'attendees': attendees[meeting_id]}
             for (meeting_id, title, start, end, location, video_link, calendar_link,
                  organizer_email, status, source, outcome) in rows]
    return {'items': items, 'next_cursor': next_cursor}


# Part of every entity tag: bump it when a list item's shape changes, so a browser's cached
# copy of the old shape is not revalidated as current after a deploy.
LIST_FORMAT = '2'  # 2: items carry their outcome (issue 11 §1)


def _version(user):
    """What a page depends on besides its arguments: moved by triggers (migration 0010).

    With the user's creation time: SQLite may give a new user the id of a deleted one, whose
    versions the new one would count through again."""
    account = user.account
    return (user.created_at, user.meetings_version, account.records_version,
            account.website_domain, account.connected_domains)


def entity_tag(user, **args):
    """The HTTP entity tag of ``page_for_user(user, **args)`` as the database stands, known
    without building the page: equal tags, equal pages (the versions say so)."""
    key = repr((LIST_FORMAT, user.id, sorted(args.items()), _version(user)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class MeetingListCache:
    """Encoded pages of GET /meetings, each valid while its entity tag (its user's and account's
    versions) holds.

    Per process (each gunicorn worker has its own), at most ``budget`` bytes of pages (a page
    of 20 meetings is ~30 KB, of 200 ~300 KB), least recently used first out; a budget of 0
    builds every page.
    """

    def __init__(self, budget):
        self._pages = (LRUCache(budget, getsizeof=lambda entry: len(entry[1]))
                       if budget > 0 else None)
        self._lock = threading.Lock()  # LRUCache reorders itself on every read

    def body(self, user, tag=None, **args):
        """The JSON body of ``page_for_user(user, **args)``, from the cache while its entity tag
        (``tag``, if the caller has it already) is the one it was built under."""
        if self._pages is None:
            return encode(page_for_user(user, **args))
        key = (user.id, *sorted(args.items()))  # a newer version replaces the older page
        tag = tag or entity_tag(user, **args)
        with self._lock:
            cached = self._pages.get(key)
        if cached is not None and cached[0] == tag:
            return cached[1]
        # Built after the versions were read: a change racing with this request can only
        # make the stored page newer than its versions, so it is rebuilt once more, never
        # served stale.
        body = encode(page_for_user(user, **args))
        if len(body) <= self._pages.maxsize:  # a page beyond the whole budget is not kept
            with self._lock:
                self._pages[key] = (tag, body)
        return body


def init_app(app):
    budget = app.config['MEETINGS_CACHE_MB'] * 1024 * 1024
    app.extensions['meetside.meetings_list'] = MeetingListCache(budget)
