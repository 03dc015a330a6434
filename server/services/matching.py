"""Batched look-ups that turn attendee e-mails into contacts and internal flags."""
from server.models import Company, Contact, User
from server.sync.rules import is_internal, normalize_email


def contacts_by_email(account_id, emails):
    """Return {email: Contact (with company loaded)} for the account, in one query (R11)."""
    emails = {normalize_email(e) for e in emails if e}
    if not emails:
        return {}
    query = (Contact.select(Contact, Company)
             .join(Company, join_type='LEFT OUTER JOIN', on=(Contact.company == Company.id))
             .where(Contact.account == account_id, Contact.email.in_(list(emails))))
    return {contact.email: contact for contact in query}


def user_emails_among(account_id, emails):
    """The subset of ``emails`` that are users of the account, in one query (R12)."""
    emails = {normalize_email(e) for e in emails if e}
    if not emails:
        return set()
    query = User.select(User.email).where(User.account == account_id, User.email.in_(list(emails)))
    return {row.email for row in query}


def internal_flags(account, emails):
    """Return {email: is_internal} for ``emails`` (R12)."""
    users = user_emails_among(account.id, emails)
    domains = set(account.domains)
    return {normalize_email(e): is_internal(e, domains, users) for e in emails}
