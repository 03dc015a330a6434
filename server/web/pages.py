"""The dashboard and the record lists (search with ?q=, pages with ?cursor=)."""
import datetime

from flask import g, render_template, request

from server.auth import login_required
from server.models import utcnow
from server.services import meetings, signup, tasks
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
    return render_template('home.html', upcoming=upcoming, counts=counts, due=due,
                           checklist=signup.checklist(g.web_user))


FILTERS = {'contacts': ('owner_id', 'company_id'), 'companies': (),
           'deals': ('owner_id', 'company_id', 'stage'), 'tickets': ('owner_id', 'status')}
SORT_COLUMNS = {'contacts': ('name', 'email', 'created'), 'companies': ('name', 'domain', 'created'),
                'deals': ('name', 'stage', 'amount', 'created'),
                'tickets': ('subject', 'status', 'created')}
DEFAULT_SORT = {'contacts': 'name', 'companies': 'name', 'deals': 'name', 'tickets': '-created'}


def list_arguments(plural, args):
    """The list's search, sort and filters from the query string; what is not valid is left
    out (a stale bookmark shows the whole list, not an error)."""
    from server.web.record_forms import DEAL_STAGES, TICKET_STATUSES
    q = records.clean_query(args.get('q'))
    sort = args.get('sort', '')
    if sort.lstrip('-') not in SORT_COLUMNS[plural]:
        sort = DEFAULT_SORT[plural]
    filters = {}
    for name in FILTERS[plural]:
        value = args.get(name, '')
        if name.endswith('_id'):
            if value.isdigit() and 0 < int(value) <= 2147483647:
                filters[name] = int(value)
        elif value in (DEAL_STAGES if name == 'stage' else TICKET_STATUSES):
            filters[name] = value
    return q, sort, filters


@bp.route('/' + PLURAL_URL)
@login_required
def record_list(plural):
    """A list of one kind of record: search, sort, filters, pages and bulk actions."""
    from server.web import record_forms
    q, sort, filters = list_arguments(plural, request.args)
    cursor = request.args.get('cursor') or None
    items, next_cursor = record_service.list_records(g.web_user, plural, q=q or None,
                                                     cursor=cursor, limit=PER_PAGE, sort=sort,
                                                     **filters)
    wanted = FILTERS[plural]
    owners = record_forms.owner_choices(g.web_user) if 'owner_id' in wanted else []
    companies = record_forms.company_choices(g.web_user) if 'company_id' in wanted else []
    state = {'q': q or None, 'sort': sort if sort != DEFAULT_SORT[plural] else None, **filters}
    return render_template('records/list.html', plural=plural, q=q, items=items,
                           cursor=cursor, next_cursor=next_cursor, sort=sort, filters=filters,
                           state=state, owners=owners, companies=companies,
                           sort_columns=SORT_COLUMNS[plural], filter_names=wanted,
                           stages=[(s, record_forms.label_of(s)) for s in record_forms.DEAL_STAGES],
                           statuses=[(s, record_forms.label_of(s))
                                     for s in record_forms.TICKET_STATUSES])
