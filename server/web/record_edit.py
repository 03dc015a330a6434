"""Create, edit and delete records from the web pages, and the lists' bulk actions (issue 13
§2). Thin views: the API's schemas validate (server.web.record_forms), the API's services
write (server.services.records, record_links, bulk_records)."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from server.auth import login_required
from server.errors import ServiceError, ValidationFailed
from server.services import bulk_records, record_links
from server.services import records as record_service
from server.translatable import N_
from server.web import bp, record_forms, records
from server.web.pages import PLURAL_URL
from server.web.redirects import safe_next

RECORD_URL = '/' + PLURAL_URL + '/<int(max=2147483647):record_id>'


def _render_form(plural, values, errors=None, record=None, status=200):
    user = g.web_user
    suggestion = None
    if plural == 'contacts' and not values.get('company_id'):
        suggestion = record_links.suggest_company(user, values.get('email', ''))
    return render_template('records/form.html', plural=plural, record=record, values=values,
                           errors=errors or {}, fields=record_forms.FIELDS[plural],
                           choices=record_forms.choices(user, plural),
                           suggestion=suggestion), status


def _save(plural, record_id):
    values = record_forms.submitted(plural, request.form)
    data, links, errors = record_forms.load(g.web_user, plural, values, creating=record_id is None)
    record = None
    if not errors:
        try:
            record = record_links.save(g.web_user, plural, record_id, data, links)
        except ServiceError as error:
            if error.status not in (409, 422):
                raise
            errors = record_forms.service_errors(plural, error)
    return record, values, errors


@bp.route('/' + PLURAL_URL + '/new', methods=['GET', 'POST'])
@login_required
def new_record(plural):
    """A form for a new record; a contact may come with its company (?company_id=)."""
    if request.method == 'POST':
        record, values, errors = _save(plural, None)
        if not errors:
            flash(f'{records.SINGULAR[plural].capitalize()} "{records.title(record)}" created.', 'info')
            return redirect(url_for('web.record', plural=plural, record_id=record.id), code=303)
        flash(gettext('Nothing was saved: please correct the fields below.'), 'error')
        return _render_form(plural, values, errors, status=422)
    values = {f.name: ([] if f.type == 'multiselect' else '') for f in record_forms.FIELDS[plural]}
    for name in ('company_id', 'email', 'name', 'domain'):
        if name in values and request.args.get(name, '').isprintable():
            values[name] = request.args.get(name, '')[:254]
    if 'owner_id' in values:
        values['owner_id'] = str(g.web_user.id)  # new records are the creator's by default
    return _render_form(plural, values)


@bp.route(RECORD_URL + '/edit', methods=['GET', 'POST'])
@login_required
def edit_record(plural, record_id):
    """Edit a record's fields and associations (the same checks as PATCH in the API)."""
    record = record_service.get_record(g.web_user, plural, record_id)
    if request.method == 'POST':
        saved, values, errors = _save(plural, record.id)
        if not errors:
            flash(f'{records.SINGULAR[plural].capitalize()} "{records.title(saved)}" saved.', 'info')
            return redirect(url_for('web.record', plural=plural, record_id=record.id), code=303)
        flash(gettext('Nothing was saved: please correct the fields below.'), 'error')
        return _render_form(plural, values, errors, record=record, status=422)
    links = record_links.linked(g.web_user, plural, record.id)
    return _render_form(plural, record_forms.values_of(plural, record, links), record=record)


@bp.route(RECORD_URL + '/delete', methods=['GET', 'POST'])
@login_required
def delete_record(plural, record_id):
    """Ask first, then delete: the record's meetings stay (only their association goes)."""
    record = record_service.get_record(g.web_user, plural, record_id)
    if request.method == 'GET':
        return render_template('records/delete.html', plural=plural, items=[record],
                               action=url_for('web.delete_record', plural=plural,
                                              record_id=record.id))
    record_service.delete_record(g.web_user, plural, record.id)
    flash(f'{records.SINGULAR[plural].capitalize()} "{records.title(record)}" deleted; '
          'its meetings stay in the CRM and in the calendars.', 'info')
    return redirect(url_for('web.record_list', plural=plural), code=303)


@bp.route('/contacts/<int(max=2147483647):record_id>/suggested-company', methods=['POST'])
@login_required
def accept_company(record_id):
    """Give a contact the company its e-mail's domain suggests."""
    contact = record_service.get_record(g.web_user, 'contacts', record_id)
    company = record_links.suggest_company(g.web_user, contact.email)
    if company is None:
        abort(404, description=gettext('No company has the domain of this e-mail.'))
    record_service.update_record(g.web_user, 'contacts', contact.id, {'company_id': company.id})
    flash(f'{contact.name} is now at {company.name}.', 'info')
    return redirect(url_for('web.record', plural='contacts', record_id=contact.id), code=303)


def _selected_ids(form):
    ids = []
    for value in form.getlist('ids')[:bulk_records.MAX_IDS + 1]:
        if not value.isdigit() or len(value) > 10 or int(value) > 2147483647:
            raise ValidationFailed('Not a valid selection.', {'ids': [N_('Not a valid selection.')]})
        ids.append(int(value))
    return ids


@bp.route('/' + PLURAL_URL + '/bulk', methods=['POST'])
@login_required
def bulk(plural):
    """A list's bulk action: a confirmation page first, then the action on confirm."""
    back = safe_next(request.form.get('next'), url_for('web.record_list', plural=plural))
    action = request.form.get('action', '')
    if action not in bulk_records.ACTIONS or (
            action == 'assign_owner' and not bulk_records.owns(plural)):
        flash(gettext('Pick an action for the selected records.'), 'error')
        return redirect(back, code=303)
    try:
        ids = _selected_ids(request.form)
        items = bulk_records.selected(g.web_user, plural, ids)
        owner_text = request.form.get('owner_id', '')
        owner_id = None
        if action == 'assign_owner':
            if owner_text and not (owner_text.isdigit() and len(owner_text) <= 10):
                raise ValidationFailed('Pick a user.', {'owner_id': [N_('Pick a user.')]})
            owner_id = int(owner_text) if owner_text else None
            owner = bulk_records.owner_in_account(g.web_user, owner_id)
    except ValidationFailed as error:
        flash(error.message, 'error')
        return redirect(back, code=303)
    if not items:
        flash(gettext('None of the selected records exist any more.'), 'error')
        return redirect(back, code=303)
    if request.form.get('confirm') != 'yes':
        return render_template('records/delete.html' if action == 'delete' else 'records/bulk.html',
                               plural=plural, items=items, action=url_for('web.bulk', plural=plural),
                               bulk_action=action, owner=owner if action == 'assign_owner' else None,
                               owner_id=owner_text, back=back)
    if action == 'delete':
        count = bulk_records.delete(g.web_user, plural, [r.id for r in items])
        flash(f'{count} {plural if count != 1 else records.SINGULAR[plural]} deleted; their '
              'meetings stay in the CRM and in the calendars.', 'info')
    else:
        count = bulk_records.assign_owner(g.web_user, plural, [r.id for r in items], owner_id)
        who = (owner.name or owner.email) if owner else 'no one'
        flash(f'{count} {plural if count != 1 else records.SINGULAR[plural]} now owned by {who}.',
              'info')
    return redirect(back, code=303)
