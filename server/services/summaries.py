"""The small shapes the panel's briefs are made of (issue 10): ContactSummary, DealSummary,
TicketSummary, MeetingRef and NoteRef, each read for many records in one statement.

Rows become the API's dicts directly (no models, no marshmallow pass): a brief is asked for
every time the panel opens a person or a meeting.
"""
import datetime
import decimal

from peewee import JOIN, fn

from server.models import (Company, Contact, Deal, DealContact, Meeting, MeetingAttendee,
                           MeetingContact, Note, Ticket, TicketCompany, TicketContact, User)
from server.models.crm import contact_name
from server.schemas.fields import api_datetime

CLOSED_STAGES = ('closed_won', 'closed_lost')
CLOSED_STATUS = 'closed'

# -- summaries: rows to the API's shapes, one statement per kind -------------------------------

_owner = User.alias('owner')
CONTACT_COLUMNS = (Contact.id, Contact.email, Contact.first_name, Contact.last_name,
                   Contact.job_title, Contact.phone, Company.id, Company.name, Company.domain,
                   _owner.id, _owner.name)


def contacts_query(account_id):
    """Contacts of the account with their company and owner, as CONTACT_COLUMNS tuples."""
    return (Contact.select(*CONTACT_COLUMNS)
            .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
            .switch(Contact)
            .join(_owner, JOIN.LEFT_OUTER, on=(Contact.owner == _owner.id))
            .where(Contact.account == account_id))


def contact_summary(row):
    """A CONTACT_COLUMNS tuple -> ContactSummary."""
    (contact_id, email, first, last, job_title, phone, company_id, company_name, domain,
     owner_id, owner_name) = row
    return {'id': contact_id, 'email': email, 'first_name': first, 'last_name': last,
            'name': contact_name(first, last, email), 'job_title': job_title, 'phone': phone,
            'company': None if company_id is None else
            {'id': company_id, 'name': company_name, 'domain': domain},
            'owner': None if owner_id is None else {'id': owner_id, 'name': owner_name}}


def contact_summaries(account_id, contact_ids):
    if not contact_ids:
        return []
    rows = contacts_query(account_id).where(Contact.id.in_(list(contact_ids))).order_by(
        Contact.id).tuples()
    return [contact_summary(row) for row in rows]


def company_ref(company):
    return {'id': company.id, 'name': company.name, 'domain': company.domain}


def companies_by_domain(account_id, domains):
    """{domain: Company}, the oldest company of each domain (domains are not unique)."""
    domains = sorted({d for d in domains if d})
    if not domains:
        return {}
    found = {}
    for company in (Company.select(Company.id, Company.name, Company.domain)
                    .where(Company.account == account_id, Company.domain.in_(domains))
                    .order_by(Company.id)):
        found.setdefault(company.domain, company)
    return found


def deal_summary(deal_id, name, stage, amount):
    # A string with two places, as the deals API writes amounts.
    return {'id': deal_id, 'name': name, 'stage': stage,
            'amount': f'{decimal.Decimal(str(amount)):.2f}'}


def _open(query):
    return query.where(Deal.stage.not_in(CLOSED_STAGES)).order_by(Deal.id)


def open_deals_of_contacts(account_id, contact_ids):
    """{contact id: [DealSummary]}: each contact's open deals (DealContact), one statement."""
    found = {c: [] for c in contact_ids}
    if found:
        query = _open(Deal.select(DealContact.contact, Deal.id, Deal.name, Deal.stage, Deal.amount)
                      .join(DealContact, on=(DealContact.deal == Deal.id))
                      .where(Deal.account == account_id, DealContact.contact.in_(list(found))))
        for contact_id, *deal in query.tuples():
            found[contact_id].append(deal_summary(*deal))
    return found


def open_deals_of_companies(account_id, company_ids):
    """{company id: [DealSummary]}: each company's open deals (Deal.company), one statement."""
    found = {c: [] for c in company_ids}
    if found:
        query = _open(Deal.select(Deal.company, Deal.id, Deal.name, Deal.stage, Deal.amount)
                      .where(Deal.account == account_id, Deal.company.in_(list(found))))
        for company_id, *deal in query.tuples():
            found[company_id].append(deal_summary(*deal))
    return found


def ticket_summary(ticket_id, subject, status):
    return {'id': ticket_id, 'subject': subject, 'status': status}


def _open_tickets(link, field, account_id, ids):
    """{record id: [TicketSummary]} through ``link`` (TicketContact/TicketCompany)."""
    found = {i: [] for i in ids}
    if found:
        column = getattr(link, field)
        query = (Ticket.select(column, Ticket.id, Ticket.subject, Ticket.status)
                 .join(link, on=(link.ticket == Ticket.id))
                 .where(Ticket.account == account_id, column.in_(list(found)),
                        Ticket.status != CLOSED_STATUS)
                 .order_by(Ticket.id.desc()))  # tickets are worked newest first
        for record_id, *ticket in query.tuples():
            found[record_id].append(ticket_summary(*ticket))
    return found


def open_tickets_of_contacts(account_id, contact_ids):
    return _open_tickets(TicketContact, 'contact', account_id, contact_ids)


def open_tickets_of_companies(account_id, company_ids):
    return _open_tickets(TicketCompany, 'company', account_id, company_ids)


# -- meetings and notes ----------------------------------------------------------------------

MEETING_REF_COLUMNS = (Meeting.id, Meeting.title, Meeting.start, Meeting.end)


def meeting_ref(meeting_id, title, start, end):
    return {'id': meeting_id, 'title': title, 'start': api_datetime(start),
            'end': api_datetime(end)}


def people_links(account_id, contact_ids, other_emails):
    """A subquery of (mid, who): the meetings of each person, ``who`` their address.

    A contact's meetings are its timeline (MeetingContact, by contact id); an address without
    a contact is found among the unmatched attendees (the partial (account, email) index)."""
    parts = []
    if contact_ids:
        parts.append(MeetingContact.select(MeetingContact.meeting.alias('mid'),
                                           Contact.email.alias('who'))
                     .join(Contact, on=(MeetingContact.contact == Contact.id))
                     .where(MeetingContact.contact.in_(sorted(contact_ids)),
                            Contact.account == account_id))
    if other_emails:
        parts.append(MeetingAttendee.select(MeetingAttendee.meeting.alias('mid'),
                                            MeetingAttendee.email.alias('who'))
                     .where(MeetingAttendee.account == account_id,
                            MeetingAttendee.email.in_(sorted(other_emails)),
                            MeetingAttendee.contact.is_null()))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else parts[0].union_all(parts[1])


def meetings_per_key(account_id, links, now, upcoming, per_key=1):
    """{key: [MeetingRef]}: for each ``who`` of ``links`` (a (mid, who) subquery), its
    ``per_key`` next meetings (``upcoming``: not yet ended, soonest first) or last ones (ended,
    latest first), cancelled ones left out. One statement, whatever the number of keys."""
    found = {}
    if links is None:
        return found
    links = links.alias('links')
    order = ([Meeting.start, Meeting.id] if upcoming else [Meeting.start.desc(), Meeting.id.desc()])
    rank = fn.ROW_NUMBER().over(partition_by=[links.c.who], order_by=order)
    ranked = (Meeting.select(links.c.who.alias('who'), *MEETING_REF_COLUMNS, rank.alias('rn'))
              .from_(links)
              .join(Meeting, on=(Meeting.id == links.c.mid))
              .where(Meeting.account == account_id, Meeting.status != 'cancelled',
                     (Meeting.end > now) if upcoming else (Meeting.end <= now))).alias('ranked')
    query = (Meeting.select(ranked.c.who, ranked.c.id, ranked.c.title, ranked.c.start,
                            ranked.c.end)
             .from_(ranked).where(ranked.c.rn <= per_key)
             .order_by(ranked.c.who, ranked.c.rn))
    for who, meeting_id, title, start, end in query.tuples():
        found.setdefault(who, []).append(
            meeting_ref(meeting_id, title, _datetime(start),
                        _datetime(end)))
    return found


def _datetime(value):
    """A DATETIME read through a subquery: SQLite gives it as text there (no declared type)."""
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    return value


def notes_of(meeting_ids):
    """{meeting id: [NoteRef]} in the order typed, with authors: one statement."""
    found = {m: [] for m in meeting_ids}
    if found:
        query = (Note.select(Note.meeting, Note.id, Note.body, User.id, User.name, Note.typed_at)
                 .join(User, on=(Note.author == User.id))
                 .where(Note.meeting.in_(list(found)))
                 .order_by(Note.typed_at, Note.id))
        for meeting_id, note_id, body, author_id, author_name, typed_at in query.tuples():
            found[meeting_id].append({'id': note_id, 'body': body,
                                      'author': {'id': author_id, 'name': author_name},
                                      'typed_at': api_datetime(_datetime(typed_at))})
    return found
