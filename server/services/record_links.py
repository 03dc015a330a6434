"""Which contacts and companies a deal or a ticket is associated with (issue 13 §2), and the
company a contact's e-mail domain suggests.

A deal has one company (``Deal.company``) and any number of contacts (DealContact); a ticket
any number of contacts and companies (TicketContact, TicketCompany). Every id is checked
against the caller's account before anything is written.
"""
from server.db import write_transaction
from server.errors import ValidationFailed
from server.models import Company, Contact, DealContact, TicketCompany, TicketContact
from server.services import records

# kind -> {linked kind: (link model, the link's field for the record, for the linked one)}
LINKS = {
    'deals': {'contacts': (DealContact, DealContact.deal, DealContact.contact)},
    'tickets': {'contacts': (TicketContact, TicketContact.ticket, TicketContact.contact),
                'companies': (TicketCompany, TicketCompany.ticket, TicketCompany.company)},
}
TARGETS = {'contacts': Contact, 'companies': Company}
MAX_LINKS = 200


def linked(user, kind_name, record_id):
    """{'contacts': [Contact], 'companies': [Company]} linked to a record (one query each)."""
    found = {}
    for target_name, (link, own, other) in LINKS.get(kind_name, {}).items():
        target = TARGETS[target_name]
        rows = (target.select().join(link, on=(other == target.id))
                .where(own == record_id, target.account == user.account_id))
        found[target_name] = sorted(rows, key=records_title)
    return found


def records_title(record):
    return (getattr(record, 'name', '') or '').casefold()


def contacts_by_email(user, emails):
    """(ids, errors) for e-mail addresses of the account's contacts (R11: case-insensitive)."""
    wanted = [e.strip().lower() for e in emails if e.strip()]
    if len(wanted) > MAX_LINKS:
        return [], [f'At most {MAX_LINKS} contacts.']
    unreadable = [e for e in wanted if len(e) > 254 or not e.isprintable()]
    if unreadable:  # (PostgreSQL refuses NUL in a query: never let one reach it)
        return [], ['Not a valid e-mail address.']
    found = {c.email: c.id for c in Contact.select(Contact.id, Contact.email).where(
        Contact.account == user.account_id, Contact.email.in_(wanted))} if wanted else {}
    missing = [e for e in wanted if e not in found]
    errors = [f'No contact with the e-mail {e}.' for e in missing[:5]]
    return list(dict.fromkeys(found[e] for e in wanted if e in found)), errors


def check_ids(user, target_name, ids):
    """The ids of ``target_name`` records that are not in the caller's account."""
    target = TARGETS[target_name]
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    mine = {r.id for r in target.select(target.id).where(target.id.in_(ids),
                                                        target.account == user.account_id)}
    return [i for i in ids if i not in mine]


def set_links(user, kind_name, record_id, **targets):
    """Replace a record's linked contacts and/or companies (``contacts=[ids]``)."""
    errors = {}
    for target_name, ids in targets.items():
        if ids is None:
            continue
        if len(ids) > MAX_LINKS:
            errors[target_name] = [f'At most {MAX_LINKS}.']
        elif check_ids(user, target_name, ids):
            errors[target_name] = [f'Not {target_name} of your account.']
    if errors:
        raise ValidationFailed('Some associated records do not exist.', errors)
    with write_transaction():
        for target_name, ids in targets.items():
            if ids is None:
                continue
            link, own, other = LINKS[kind_name][target_name]
            link.delete().where(own == record_id).execute()
            rows = [{own.name: record_id, other.name: i} for i in dict.fromkeys(ids)]
            if rows:
                link.insert_many(rows).execute()


def save(user, kind_name, record_id, data, links=None):
    """Create (``record_id`` None) or update a record and its links in one transaction."""
    links = {k: v for k, v in (links or {}).items() if v is not None}
    for target_name, ids in links.items():
        if len(ids) > MAX_LINKS or check_ids(user, target_name, ids):
            raise ValidationFailed('Some associated records do not exist.',
                                   {target_name: [f'Not {target_name} of your account.']})
    with write_transaction():
        if record_id is None:
            record = records.create_record(user, kind_name, data)
        else:
            record = records.update_record(user, kind_name, record_id, data)
        if links:
            set_links(user, kind_name, record.id, **links)
    return record


def email_domain(email):
    return (email or '').rpartition('@')[2].strip().lower()


def suggest_company(user, email):
    """The account's company whose domain is the e-mail's domain (or a parent of it:
    mail.globex.example suggests globex.example), else None. One query."""
    domain = email_domain(email)
    if not domain or '.' not in domain:
        return None
    labels = domain.split('.')
    candidates = ['.'.join(labels[i:]) for i in range(len(labels) - 1)]
    found = list(Company.select().where(Company.account == user.account_id,
                                        Company.domain.in_(candidates)))
    if not found:
        return None
    # The closest match: the longest domain, then the oldest company.
    return min(found, key=lambda c: (-len(c.domain), c.id))
