"""Record pages: a contact, company, deal or ticket with its meeting timeline (R8, R20),
and the "Schedule meeting" form (R5)."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from server.auth import login_required
from server.errors import ValidationFailed
from server.models import Contact, utcnow
from server.services import deal_changes, meetings, record_links, tasks
from server.services import records as record_service
from server.web import bp, forms, records
from server.web.pages import PLURAL_URL

RECORD_URL = '/' + PLURAL_URL + '/<int(max=2147483647):record_id>'
TIMELINE_PER_PAGE = 20
PEOPLE_LIMIT = 50  # a company page lists this many of its contacts
TASKS_LIMIT = 50
# Tasks are about contacts, companies and deals (issue 11 §2); tickets have none.
TASK_FILTERS = {'contacts': 'contact_id', 'companies': 'company_id', 'deals': 'deal_id'}


def _render(plural, record_id, form, errors=None, status=200):
    record, timeline, next_cursor = record_service.timeline(
        g.web_user, plural, record_id, cursor=request.args.get('cursor') or None,
        limit=TIMELINE_PER_PAGE)
    people = []
    if plural == 'companies':
        people, _ = record_service.list_records(g.web_user, 'contacts', company_id=record.id,
                                                limit=PEOPLE_LIMIT)
    task_filter = TASK_FILTERS.get(plural)
    record_tasks = (tasks.list_tasks(g.web_user, limit=TASKS_LIMIT, **{task_filter: record.id})
                    if task_filter else None)
    # Issue 11 §3: a deal's stage and amount changes, each with the meeting it came from.
    changes = deal_changes.for_deal(record.id) if plural == 'deals' else []
    links = record_links.linked(g.web_user, plural, record.id)
    suggestion = None
    if plural == 'contacts' and not record.company_id:
        suggestion = record_links.suggest_company(g.web_user, record.email)
    return render_template('records/detail.html', plural=plural, record=record,
                           timeline=timeline, next_cursor=next_cursor, form=form,
                           errors=errors or {}, people=people, tasks=record_tasks,
                           changes=changes, links=links, suggestion=suggestion), status


@bp.route(RECORD_URL)
@login_required
def record(plural, record_id):
    """A record's fields and its meeting timeline, newest first."""
    record = record_service.get_record(g.web_user, plural, record_id)
    prefill = record.email if isinstance(record, Contact) else ''
    form = forms.default_schedule_form(forms.user_zone(g.web_user), utcnow(), attendees=prefill)
    return _render(plural, record.id, form)


@bp.route(RECORD_URL + '/meetings', methods=['POST'])
@login_required
def schedule(plural, record_id):
    """Schedule a meeting associated with this record, through the API's service (R5)."""
    record = record_service.get_record(g.web_user, plural, record_id)
    data, errors = forms.load_schedule_form(request.form, forms.user_zone(g.web_user),
                                            {records.ASSOCIATION_KEYS[plural]: [record.id]})
    if not errors:
        try:
            meeting = meetings.schedule(g.web_user, data)
        except ValidationFailed as error:
            errors = forms.service_errors(error)
    if errors:
        flash(gettext('The meeting was not scheduled: please correct the fields below.'), 'error')
        form = {name: request.form.get(name, '') for name in forms.SCHEDULE_FIELDS}
        return _render(plural, record.id, form, errors, status=422)
    flash(gettext('Meeting "%(title)s" scheduled.', title=meeting.title), 'info')
    return redirect(url_for('web.meeting', meeting_id=meeting.id))
