"""Tasks on the web pages (issue 11 §2): add one from a record's page, tick it done."""
import functools
import operator

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext

from server.auth import login_required
from server.errors import ValidationFailed
from server.services import tasks
from server.web import bp, forms
from server.web.redirects import safe_next
from server.web.template_helpers import local_date

RECORD_FIELDS = ('contact_ids', 'company_ids', 'deal_ids')


def _id(raw):
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


@bp.route('/tasks', methods=['POST'])
@login_required
def add_task():
    """A task from one line ("send the DPA friday"), about the record whose page sent it."""
    back = safe_next(request.form.get('next'), url_for('web.home'))
    text = ' '.join((request.form.get('text') or '').split())
    if not text or len(text) > 500:
        flash(gettext('The task was not added: write a title of 1 to 500 characters.'), 'error')
        return redirect(back)
    links = {f: [_id(request.form.get(f))] for f in RECORD_FIELDS if _id(request.form.get(f))}
    parsed = tasks.parse_text(g.web_user, text)
    try:
        tasks.create(g.web_user, {'title': parsed.title[:500], 'due_date': parsed.due_date,
                                  'due_time': parsed.due_time, **links})
    except ValidationFailed as error:
        problems = functools.reduce(operator.iadd, error.errors.values(), [])
        flash(gettext('The task was not added: %(why)s',
                      why=' '.join(forms.translated(p) for p in problems)), 'error')
        return redirect(back)
    if parsed.understood:
        flash(gettext('Task "%(title)s" added, due %(date)s.', title=parsed.title,
                      date=local_date(parsed.due_date, 'short')), 'info')
    else:
        flash(gettext('Task "%(title)s" added without a due date (no date understood at the '
                      'end of the line).', title=parsed.title), 'info')
    return redirect(back)


@bp.route('/tasks/<int(max=2147483647):task_id>/done', methods=['POST'])
@login_required
def task_done(task_id):
    """Tick a task done (or reopen it)."""
    back = safe_next(request.form.get('next'), url_for('web.home'))
    tasks.update(g.web_user, task_id, {'done': request.form.get('done') != '0'})
    return redirect(back)
