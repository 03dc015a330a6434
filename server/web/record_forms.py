"""The record forms (issue 13 §2): which fields each kind's page shows, and the form's text
turned into the API's input (its In/Patch schemas: the same validation), with field errors."""
import dataclasses

from marshmallow import ValidationError

from server.models import Company, User
from server.schemas import companies, contacts, deals, tickets
from server.schemas.deals import DEAL_STAGES
from server.schemas.tickets import TICKET_STATUSES
from server.services import record_links
from server.translatable import N_
from server.web.forms import split_emails

SCHEMAS = {'contacts': (contacts.ContactInSchema, contacts.ContactPatchSchema),
           'companies': (companies.CompanyInSchema, companies.CompanyPatchSchema),
           'deals': (deals.DealInSchema, deals.DealPatchSchema),
           'tickets': (tickets.TicketInSchema, tickets.TicketPatchSchema)}
CHOICE_LIMIT = 500  # companies offered in a select
FRIENDLIER = {'Missing data for required field.': N_('This field is required.'),
              'Not a valid integer.': N_('Pick one from the list.'),
              'Field may not be null.': N_('This field is required.')}


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = 'text'  # text, email, textarea, number, select, multiselect, emails
    required: bool = False
    maxlength: int = 0
    choices: str = ''  # 'stages', 'statuses', 'companies', 'owners'
    hint: str = ''


FIELDS = {
    'contacts': (
        Field('email', N_('E-mail'), 'email', True, 254),
        Field('first_name', N_('First name'), maxlength=100),
        Field('last_name', N_('Last name'), maxlength=100),
        Field('phone', N_('Phone'), 'tel', maxlength=50),
        Field('job_title', N_('Job title'), maxlength=200),
        Field('company_id', N_('Company'), 'select', choices='companies'),
        Field('owner_id', N_('Owner'), 'select', choices='owners'),
    ),
    'companies': (
        Field('name', N_('Name'), required=True, maxlength=200),
        Field('domain', N_('Domain'), maxlength=253, hint=N_('e.g. example.com; contacts with e-mails '
                                                          'at this domain are suggested this company')),
    ),
    'deals': (
        Field('name', N_('Name'), required=True, maxlength=200),
        Field('stage', N_('Stage'), 'select', choices='stages'),
        Field('amount', N_('Amount'), 'number'),
        Field('company_id', N_('Company'), 'select', choices='companies'),
        Field('owner_id', N_('Owner'), 'select', choices='owners'),
        Field('contacts', N_('Contacts'), 'emails', hint=N_('their e-mails, separated by commas or '
                                                         'new lines')),
    ),
    'tickets': (
        Field('subject', N_('Subject'), required=True, maxlength=300),
        Field('status', N_('Status'), 'select', choices='statuses'),
        Field('description', N_('Description'), 'textarea', maxlength=20000),
        Field('owner_id', N_('Owner'), 'select', choices='owners'),
        Field('contacts', N_('Contacts'), 'emails', hint=N_('their e-mails, separated by commas or '
                                                         'new lines')),
        Field('companies', N_('Companies'), 'multiselect', choices='companies'),
    ),
}
LINK_FIELDS = ('contacts', 'companies')
ID_FIELDS = ('company_id', 'owner_id')


def label_of(value):
    return value.replace('_', ' ').capitalize()


def choices(user, kind_name):
    """{choices name: [(value, label)]} for the kind's selects (one query per list)."""
    wanted = {f.choices for f in FIELDS[kind_name] if f.choices}
    found = {}
    if 'stages' in wanted:
        found['stages'] = [(s, label_of(s)) for s in DEAL_STAGES]
    if 'statuses' in wanted:
        found['statuses'] = [(s, label_of(s)) for s in TICKET_STATUSES]
    if 'companies' in wanted:
        found['companies'] = company_choices(user)
    if 'owners' in wanted:
        found['owners'] = owner_choices(user)
    return found


def company_choices(user):
    return [(str(c.id), c.name) for c in Company.select(Company.id, Company.name)
            .where(Company.account == user.account_id)
            .order_by(Company.name, Company.id).limit(CHOICE_LIMIT)]


def owner_choices(user):
    return [(str(u.id), u.name or u.email) for u in User.select(User.id, User.name, User.email)
            .where(User.account == user.account_id, User.is_active == True)
            .order_by(User.name, User.email)]


def values_of(kind_name, record, links=None):
    """The form's text for an existing record (the edit page's first values)."""
    values = {}
    for field in FIELDS[kind_name]:
        if field.name == 'contacts':
            values['contacts'] = ', '.join(c.email for c in (links or {}).get('contacts', []))
        elif field.name == 'companies':
            values['companies'] = [str(c.id) for c in (links or {}).get('companies', [])]
        else:
            value = getattr(record, field.name, '')
            values[field.name] = '' if value is None else str(value)
    return values


def submitted(kind_name, form):
    """The posted text of every field (what the form shows again after an error)."""
    values = {}
    for field in FIELDS[kind_name]:
        if field.type == 'multiselect':
            values[field.name] = form.getlist(field.name)
        else:
            values[field.name] = form.get(field.name, '')
    return values


def _as_id(text):
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 12 else text


def _messages(problems):
    problems = problems if isinstance(problems, list) else [problems]
    flat = []
    for problem in problems:
        if isinstance(problem, dict):
            flat.extend(_messages([item for p in problem.values()
                                   for item in (p if isinstance(p, list) else [p])]))
        else:
            flat.append(FRIENDLIER.get(str(problem), str(problem)))
    return flat


def load(user, kind_name, values, creating):
    """(data, links, errors) from the submitted values, validated by the API's schema."""
    schema_class = SCHEMAS[kind_name][0 if creating else 1]
    raw, links, errors = {}, {}, {}
    for field in FIELDS[kind_name]:
        value = values.get(field.name, '')
        if field.name == 'contacts':
            emails = split_emails(value)
            ids, problems = record_links.contacts_by_email(user, emails)
            links['contacts'] = ids
            if problems:
                errors['contacts'] = problems
            continue
        if field.name == 'companies':
            ids = [_as_id(v) for v in value if isinstance(v, str) and v.strip()]
            if any(not isinstance(i, int) for i in ids):
                errors['companies'] = [N_('Pick companies from the list.')]
            links['companies'] = [i for i in ids if isinstance(i, int)]
            continue
        if not isinstance(value, str):
            value = ''
        if field.name in ID_FIELDS:
            raw[field.name] = _as_id(value)
        elif field.type == 'textarea':
            raw[field.name] = value
        elif value.strip() or not (field.required or field.type in ('select', 'number')):
            raw[field.name] = value.strip()
    try:
        data = schema_class().load(raw)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {'_form': error.messages}
        for name, problems in messages.items():
            errors.setdefault(name if name in {f.name for f in FIELDS[kind_name]} else '_form',
                              []).extend(_messages(problems))
        return None, None, errors
    if errors:
        return None, None, errors
    return data, links, {}


def service_errors(kind_name, error):
    """A service's ValidationFailed or Conflict as field errors ('_form' for the rest)."""
    names = {f.name for f in FIELDS[kind_name]}
    errors = {}
    for field, problems in (error.errors or {}).items():
        errors.setdefault(field if field in names else '_form', []).extend(_messages(problems))
    return errors or {'_form': [error.message]}
