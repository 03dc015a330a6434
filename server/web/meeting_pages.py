"""A meeting's page: details, attendees, notes (R20) and deletion (R6, B3)."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from marshmallow import ValidationError

from server.auth import login_required
from server.errors import ValidationFailed
from server.schemas.meetings import MeetingPatchSchema
from server.services import meetings, notes
from server.services.records import attach_notes
from server.web import bp, forms, records
from server.web.redirects import safe_next

MEETING_URL = '/meetings/<int(max=2147483647):meeting_id>'


@bp.route(MEETING_URL)
@login_required
def meeting(meeting_id):
    """The meeting with its attendees, associated records and notes."""
    found = meetings.detail(g.web_user, meeting_id)
    attach_notes([found])
    return render_template('meetings/detail.html', meeting=found,
                           associated=records.associated_records(g.web_user, found),
                           outcomes=OUTCOME_LABELS, types=g.web_user.account.meeting_type_list)


OUTCOME_LABELS = (('scheduled', lazy_gettext('Scheduled')), ('completed', lazy_gettext('Completed')),
                  ('rescheduled', lazy_gettext('Rescheduled')), ('no_show', lazy_gettext('No show')),
                  ('canceled', lazy_gettext('Canceled')))
_outcome_form = MeetingPatchSchema(only=('outcome', 'type'))


@bp.route(MEETING_URL + '/outcome', methods=['POST'])
@login_required
def set_outcome(meeting_id):
    """Issue 11 §1: record how the meeting went and its type."""
    back = url_for('web.meeting', meeting_id=meeting_id)
    meetings.get_meeting(g.web_user, meeting_id)  # 404 before anything else for a foreign id
    fields = {key: request.form[key] for key in ('outcome', 'type') if key in request.form}
    try:
        meetings.update(g.web_user, meeting_id, _outcome_form.load(fields))
    except ValidationError as error:
        problems = error.messages if isinstance(error.messages, dict) else {'_form': error.messages}
        return _refused(back, problems)
    except ValidationFailed as error:
        return _refused(back, error.errors)
    flash(gettext('Outcome saved.'), 'info')
    return redirect(back, code=303)


def _refused(back, problems):
    labels = {'outcome': gettext('outcome'), 'type': gettext('type')}
    words = [f'{labels.get(field, field)}: '
             f'{" ".join(forms.translated(str(p)) for p in (m if isinstance(m, list) else [m]))}'
             for field, m in problems.items()]
    flash(gettext('The outcome was not saved: %(why)s', why='; '.join(words)), 'error')
    return redirect(back, code=303)


@bp.route(MEETING_URL + '/notes', methods=['POST'])
@login_required
def add_note(meeting_id):
    """Add a note to the meeting, from its page or from a record's timeline."""
    back = safe_next(request.form.get('next'), url_for('web.meeting', meeting_id=meeting_id))
    meetings.get_meeting(g.web_user, meeting_id)  # 404 before anything else for a foreign id
    body, errors = forms.load_note_form(request.form)
    if errors:
        flash(gettext('The note was not saved: %(why)s',
                      why=' '.join(gettext(text) for text in sum(errors.values(), []))), 'error')
        return redirect(back)
    notes.add(g.web_user, meeting_id, body)
    flash(gettext('Note added.'), 'info')
    return redirect(back)


@bp.route(MEETING_URL + '/delete', methods=['POST'])
@login_required
def delete_meeting(meeting_id):
    """Delete the CRM meeting; cancel the calendar event only when asked (R6, B3)."""
    cancel = request.form.get('cancel_in_calendar') in ('1', 'on', 'true', 'yes')
    found = meetings.get_meeting(g.web_user, meeting_id)
    meetings.delete(g.web_user, meeting_id, cancel_in_calendar=cancel)
    if cancel and found.provider_event_id:
        flash(gettext('Meeting "%(title)s" deleted; its calendar event is being cancelled.',
                      title=found.title), 'info')
    elif cancel:
        flash(gettext('Meeting "%(title)s" deleted (it had no calendar event to cancel).',
                      title=found.title), 'info')
    else:
        flash(gettext('Meeting "%(title)s" deleted from the CRM; the calendar event was kept.',
                      title=found.title), 'info')
    return redirect(safe_next(request.form.get('next'), url_for('web.home')))
