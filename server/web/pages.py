"""The dashboard and the record lists (search with ?q=, pages with ?cursor=)."""
import datetime

from flask import g, render_template, request

from server.auth import login_required
from server.models import utcnow
from server.services import meetings, tasks
from server.services import records as record_service
from server.web import bp, records

UPCOMING_LIMIT = 10
DUE_LIMIT = 50  # the home page's "Due today": the user's open tasks due today or before
PER_PAGE = 25
PLURAL_URL = '<any(contacts, companies, deals, tickets):plural>'


@bp.route('/')
@login_required
def home():
    """The signed-in user's upcoming meetings and the way into their records."""
    # A meeting that started within the hour is still "upcoming" for a rep running late.
    since = utcnow() - datetime.timedelta(hours=1)
    upcoming, _ = meetings.list_for_user(g.web_user, start_from=since, limit=UPCOMING_LIMIT)
    counts = {plural: kind.model.select().where(kind.model.account == g.web_user.account_id).count()
              for plural, kind in record_service.KINDS.items()}
    due = tasks.list_tasks(g.web_user, owner='me', due='by_today', limit=DUE_LIMIT)
    return render_template('home.html', upcoming=upcoming, counts=counts, due=due)


@bp.route('/' + PLURAL_URL)
@login_required
def record_list(plural):
    """A searchable, paginated list of one kind of record."""
    q = records.clean_query(request.args.get('q'))
    cursor = request.args.get('cursor') or None
    items, next_cursor = record_service.list_records(g.web_user, plural, q=q or None,
                                                     cursor=cursor, limit=PER_PAGE)
    return render_template('records/list.html', plural=plural, q=q, items=items,
                           cursor=cursor, next_cursor=next_cursor)
