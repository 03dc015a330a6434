"""The small shapes the panel's briefs are made of (issue 10): ContactSummary, DealSummary,
TicketSummary, MeetingRef and NoteRef, each read for many records in one statement.

Rows become the API's dicts directly (no models, no marshmallow pass), and every query is a
``Prepared`` one (its SQL built once per shape of arguments): GET /people and the briefs are
asked for every time the panel opens a thread, a person or a meeting, and building the SQL of
their seven statements cost more than running them.
"""
import datetime
import decimal

from peewee import JOIN, SQL, Case, Cast, NodeList, fn

from server.db import Prepared, is_postgres
from server.models import (Company, Contact, Deal, DealContact, Meeting, MeetingAttendee,
                           MeetingContact, Note, Ticket, TicketCompany, TicketContact, User)
from server.models.crm import contact_name
from server.schemas.fields import api_datetime

CLOSED_STAGES = ('closed_won', 'closed_lost')
CLOSED_STATUS = 'closed'


def _datetime(value):
    """A DATETIME column as a raw row gives it: SQLite names no type for a subquery's column
    (nor for some expressions), so its text comes through; PostgreSQL gives datetimes."""
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    return value


def _time(value):
    return api_datetime(_datetime(value))


def unindexed(column):
    """``+column``: the same value, but no index of the column serves a condition on it.

    A person's meetings, deals and tickets are few, an account's many: these look-ups must
    start from the person's (or company's) links and reach each row by its id. Left to itself
    SQLite's planner may start from the account's index instead (every past meeting of a
    million at scale, every deal of the account); the account condition still holds, checked
    on the few rows reached.

    On PostgreSQL the column stays as it is: there ``+column`` is an expression without
    statistics, estimated at 0.5 % of the rows, and the plan made once for every run of a
    prepared statement (server/db.py) built on that a nested loop over every meeting of the
    account (0.9 ms a GET /people, against 0.4 ms with the column's real statistics).
    PostgreSQL's planner weighs the account's index by those statistics and does not start
    from it for a handful of linked rows."""
    if is_postgres():
        return column
    return NodeList((SQL('+'), column), glue='')


# -- contacts and companies ------------------------------------------------------------------

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


def contacts_query_unindexed(account_id):
    """``contacts_query`` for a look-up that another index serves (a company's contacts)."""
    return (Contact.select(*CONTACT_COLUMNS)
            .join(Company, JOIN.LEFT_OUTER, on=(Contact.company == Company.id))
            .switch(Contact)
            .join(_owner, JOIN.LEFT_OUTER, on=(Contact.owner == _owner.id))
            .where(unindexed(Contact.account) == account_id))


_contacts_by_email = Prepared(lambda account_id, emails: (
    contacts_query(account_id).where(Contact.email.in_(emails))))
_contacts_by_id = Prepared(lambda account_id, ids: (
    contacts_query(account_id).where(Contact.id.in_(ids)).order_by(Contact.id)))
_contacts_of_company = Prepared(lambda account_id, company_id, limit: (
    contacts_query_unindexed(account_id).where(Contact.company == company_id)
    .order_by(Contact.last_name, Contact.first_name, Contact.id).limit(limit)))


def contacts_by_email(account_id, emails):
    """{e-mail: ContactSummary} for the lower-case ``emails`` (R11), one statement."""
    if not emails:
        return {}
    return {row[1]: contact_summary(row)
            for row in _contacts_by_email.raw_rows(account_id, sorted(emails))}


def contact_summaries(account_id, contact_ids):
    if not contact_ids:
        return []
    return [contact_summary(row)
            for row in _contacts_by_id.raw_rows(account_id, sorted(contact_ids))]


def contacts_of_company(account_id, company_id, limit):
    return [contact_summary(row)
            for row in _contacts_of_company.raw_rows(account_id, company_id, limit)]


def company_ref(company):
    """A Company, or an (id, name, domain) row -> {id, name, domain}."""
    if isinstance(company, tuple):
        return {'id': company[0], 'name': company[1], 'domain': company[2]}
    return {'id': company.id, 'name': company.name, 'domain': company.domain}


def union_all(parts):
    """The parts (one or more queries of the same columns) as one UNION ALL. Look-ups leave out
    the part of an empty list: an empty list is a Prepared shape of its own, compiled without
    that part."""
    query = parts[0]
    for part in parts[1:]:
        query = query.union_all(part)
    return query


# Each column's type in CONTACT_COLUMNS' order: a part of a UNION with the contacts fills
# the columns it has no value for with NULLs of these types.
_CONTACT_COLUMN_TYPES = ('INTEGER', 'TEXT', 'TEXT', 'TEXT', 'TEXT', 'TEXT', 'INTEGER', 'TEXT',
                         'TEXT', 'INTEGER', 'TEXT')
_USER, _COMPANY, _CONTACT = 0, 1, 2


def _contact_shaped(kind, given):
    """``kind``, then CONTACT_COLUMNS' places: ``given`` ({place: column}), NULL elsewhere."""
    return [SQL(str(kind))] + [given.get(n, Cast(None, kind_of))
                               for n, kind_of in enumerate(_CONTACT_COLUMN_TYPES)]


def _people_by_email(account_id, contact_emails, user_emails, domains):
    """(kind, CONTACT_COLUMNS' places) rows, in one statement: the contacts of
    ``contact_emails``, which of ``user_emails`` are users (the e-mail in place 1) and the
    companies of ``domains`` (id, name, domain in places 6-8). An empty list leaves its part
    out."""
    parts = []
    if len(contact_emails):
        parts.append(contacts_query(account_id).select(SQL(str(_CONTACT)), *CONTACT_COLUMNS)
                     .where(Contact.email.in_(contact_emails)))
    if len(user_emails):  # the unique e-mail index
        parts.append(User.select(*_contact_shaped(_USER, {1: User.email}))
                     .where(unindexed(User.account) == account_id, User.email.in_(user_emails)))
    if len(domains):
        parts.append(Company.select(*_contact_shaped(  # in the places of a contact's company
            _COMPANY, {6: Company.id, 7: Company.name, 8: Company.domain}))
            .where(Company.account == account_id, Company.domain.in_(domains)))
    return union_all(parts)


_people_by_email_query = Prepared(_people_by_email)


def people_by_email(account_id, contact_emails, user_emails, domains):
    """({e-mail: ContactSummary} for the lower-case ``contact_emails`` (R11), the
    ``user_emails`` that are users of the account (R12), {domain: (id, name, domain)} the
    oldest company of each of ``domains`` (they are not unique)), in one statement: the panel's
    "This e-mail" asks for all three on every thread (issue 10 §4)."""
    contact_emails, user_emails = sorted(contact_emails), sorted(user_emails)
    domains = sorted({d for d in domains if d})
    contacts, users, found = {}, set(), {}
    if not (contact_emails or user_emails or domains):
        return contacts, users, found
    rows = _people_by_email_query.raw_rows(account_id, contact_emails, user_emails, domains)
    for kind, *row in rows:
        if kind == _CONTACT:
            contacts[row[1]] = contact_summary(row)
        elif kind == _USER:
            users.add(row[1])
        else:  # the oldest company of each domain
            company_id, name, domain = row[6:9]
            if domain not in found or company_id < found[domain][0]:
                found[domain] = (company_id, name, domain)
    return contacts, users, found


def users_and_companies(account_id, emails, domains):
    """(the ``emails`` that are users of the account (R12), {domain: (id, name, domain)} the
    oldest company of each of ``domains``) in one statement."""
    return people_by_email(account_id, (), emails, domains)[1:]


def companies_by_domain(account_id, domains):
    """{domain: (id, name, domain)}, the oldest company of each domain (they are not unique)."""
    return users_and_companies(account_id, (), domains)[1]


def user_emails_among(account_id, emails):
    """The subset of the lower-case ``emails`` that are users of the account (R12)."""
    return users_and_companies(account_id, emails, ())[0]


# -- deals and tickets -----------------------------------------------------------------------

def deal_summary(deal_id, name, stage, amount):
    # A string with two places, as the deals API writes amounts. PostgreSQL gives a Decimal;
    # SQLite a number, read through its shortest text so that 0.1 is not 0.1000000000000000055.
    if not isinstance(amount, decimal.Decimal):
        amount = decimal.Decimal(str(amount))
    return {'id': deal_id, 'name': name, 'stage': stage, 'amount': f'{amount:.2f}'}


_DEAL_COLUMNS = (Deal.id, Deal.name, Deal.stage, Deal.amount)


def _open_deals_of_contacts(account_id, ids, *leading):
    """(``leading``..., contact, deal id, name, stage, amount) of the contacts' open deals
    (DealContact), unordered (so it can also be a part of a UNION)."""
    return (Deal.select(*leading, DealContact.contact, *_DEAL_COLUMNS)
            .join(DealContact, on=(DealContact.deal == Deal.id))
            .where(unindexed(Deal.account) == account_id, DealContact.contact.in_(ids),
                   Deal.stage.not_in(CLOSED_STAGES)))


def _open_deals_of_companies(account_id, ids, *leading):
    """(``leading``..., company, deal id, name, stage, amount) of the companies' open deals,
    unordered (so it can also be a part of a UNION)."""
    return (Deal.select(*leading, Deal.company, *_DEAL_COLUMNS)
            .where(unindexed(Deal.account) == account_id, Deal.company.in_(ids),
                   Deal.stage.not_in(CLOSED_STAGES)))


def _grouped(prepared, account_id, ids, summary):
    found = {i: [] for i in ids}
    if found:
        for record_id, *values in prepared.raw_rows(account_id, sorted(found)):
            found[record_id].append(summary(*values))
    return found


def _open_deals_of_both(account_id, contact_ids, company_ids):
    parts = []
    if len(contact_ids):
        parts.append(_open_deals_of_contacts(account_id, contact_ids, SQL('0')))
    if len(company_ids):
        parts.append(_open_deals_of_companies(account_id, company_ids, SQL('1')))
    return union_all(parts)


_open_deals_of_both_query = Prepared(_open_deals_of_both)


def open_deals_of_contacts_and_companies(account_id, contact_ids, company_ids):
    """(``open_deals_of_contacts(contact_ids)``, ``open_deals_of_companies(company_ids)``) in
    one statement, each list oldest deal first."""
    found = ({i: [] for i in contact_ids}, {i: [] for i in company_ids})
    if not (found[0] or found[1]):
        return found
    rows = _open_deals_of_both_query.raw_rows(account_id, sorted(found[0]), sorted(found[1]))
    for kind, record_id, *deal in sorted(rows, key=lambda row: (row[0], row[2])):
        found[kind][record_id].append(deal_summary(*deal))
    return found


def open_deals_of_contacts(account_id, contact_ids):
    """{contact id: [DealSummary]}: each contact's open deals (DealContact), one statement."""
    return open_deals_of_contacts_and_companies(account_id, contact_ids, ())[0]


def open_deals_of_companies(account_id, company_ids):
    """{company id: [DealSummary]}: each company's open deals (Deal.company), one statement."""
    return open_deals_of_contacts_and_companies(account_id, (), company_ids)[1]


def ticket_summary(ticket_id, subject, status):
    return {'id': ticket_id, 'subject': subject, 'status': status}


def _open_tickets_through(link, column, account_id, ids, leading=(), trailing=()):
    """(``leading``..., record id, ticket id, subject, status, ``trailing``...) of the open
    tickets linked to ``ids`` through ``link``, unordered (also a part of a UNION)."""
    return (Ticket.select(*leading, column, Ticket.id, Ticket.subject, Ticket.status, *trailing)
            .join(link, on=(link.ticket == Ticket.id))
            .where(unindexed(Ticket.account) == account_id, column.in_(ids),
                   Ticket.status != CLOSED_STATUS))


def _tickets_through(link, column):
    return Prepared(lambda account_id, ids: (
        _open_tickets_through(link, column, account_id, ids)
        .order_by(Ticket.id.desc())))  # tickets are worked newest first


_tickets_of_contacts = _tickets_through(TicketContact, TicketContact.contact)
_tickets_of_companies = _tickets_through(TicketCompany, TicketCompany.company)


def open_tickets_of_contacts(account_id, contact_ids):
    return _grouped(_tickets_of_contacts, account_id, contact_ids, ticket_summary)


def open_tickets_of_companies(account_id, company_ids):
    return _grouped(_tickets_of_companies, account_id, company_ids, ticket_summary)


def _open_work_of_companies(account_id, ids):
    """Open deals and open tickets of companies in one statement: (0, company, deal id, name,
    stage, amount) and (1, company, ticket id, subject, status, NULL) rows, unordered."""
    deals = _open_deals_of_companies(account_id, ids, SQL('0'))
    tickets = _open_tickets_through(TicketCompany, TicketCompany.company, account_id, ids,
                                    leading=(SQL('1'),), trailing=(Cast(None, 'NUMERIC'),))
    return deals.union_all(tickets)


_open_work_of_companies_query = Prepared(_open_work_of_companies)


def open_work_of_companies(account_id, company_ids):
    """({company id: [DealSummary]}, {company id: [TicketSummary]}): what
    ``open_deals_of_companies`` and ``open_tickets_of_companies`` give, in one statement
    (a meeting's prep asks for both on every panel open, issue 10 §4)."""
    deals = {i: [] for i in company_ids}
    tickets = {i: [] for i in company_ids}
    if not deals:
        return deals, tickets
    rows = _open_work_of_companies_query.raw_rows(account_id, sorted(deals))
    # Deals oldest first, tickets newest first (as the two look-ups order them).
    for kind, company_id, record_id, name, state, amount in sorted(
            rows, key=lambda row: (row[0], row[2] if row[0] == 0 else -row[2])):
        if kind == 0:
            deals[company_id].append(deal_summary(record_id, name, state, amount))
        else:
            tickets[company_id].append(ticket_summary(record_id, name, state))
    return deals, tickets


# -- meetings and notes ----------------------------------------------------------------------

MEETING_REF_COLUMNS = (Meeting.id, Meeting.title, Meeting.start, Meeting.end)


def meeting_ref(meeting_id, title, start, end):
    return {'id': meeting_id, 'title': title, 'start': _time(start), 'end': _time(end)}


def people_links(account_id, contact_ids, other_emails):
    """A subquery of (mid, cid, email): the meetings of each person, ``cid`` a contact's id
    (its timeline, MeetingContact) or ``email`` an address without a contact (the unmatched
    attendees, the partial (account, email) index). An empty list leaves its part out.

    No join to the contact here: with one, SQLite's planner started from every contact and
    every meeting of the account. The caller's contact ids are already the account's, and the
    meeting the links lead to is checked against the account."""
    parts = []
    if len(contact_ids):
        parts.append(MeetingContact.select(MeetingContact.meeting.alias('mid'),
                                           MeetingContact.contact.alias('cid'),
                                           Cast(None, 'TEXT').alias('email'))
                     .where(MeetingContact.contact.in_(contact_ids)))
    if len(other_emails):
        parts.append(MeetingAttendee.select(MeetingAttendee.meeting.alias('mid'),
                                            Cast(None, 'INTEGER').alias('cid'),
                                            MeetingAttendee.email.alias('email'))
                     .where(MeetingAttendee.account == account_id,
                            MeetingAttendee.email.in_(other_emails),
                            MeetingAttendee.contact.is_null()))
    return union_all(parts)


def _around(account_id, contact_ids, other_emails, now, per_key):
    """Each person's next ``per_key`` meetings and last ``per_key`` ones, in one statement:
    ranked within (person, ended or not), the upcoming soonest first, the past latest first."""
    links = people_links(account_id, contact_ids, other_emails).alias('links')
    ahead = Meeting.end > now
    rank = fn.ROW_NUMBER().over(
        partition_by=[links.c.cid, links.c.email, ahead],
        # Upcoming: by start; past: the first key is NULL for all, so the second decides.
        order_by=[Case(None, [(ahead, Meeting.start)], None), Meeting.start.desc(),
                  Meeting.id])
    ranked = (Meeting.select(links.c.cid.alias('cid'), links.c.email.alias('email'),
                             Case(None, [(ahead, 1)], 0).alias('upcoming'),
                             *MEETING_REF_COLUMNS, rank.alias('rn'))
              .from_(links)
              .join(Meeting, on=(Meeting.id == links.c.mid))
              .where(unindexed(Meeting.account) == account_id, Meeting.status != 'cancelled')
              ).alias('ranked')
    return (Meeting.select(ranked.c.cid, ranked.c.email, ranked.c.upcoming, ranked.c.id,
                           ranked.c.title, ranked.c.start, ranked.c.end)
            .from_(ranked).where(ranked.c.rn <= per_key)
            .order_by(ranked.c.cid, ranked.c.email, ranked.c.upcoming, ranked.c.rn))


_around_query = Prepared(_around)


def meetings_around(account_id, contacts, other_emails, now, per_key=1):
    """({e-mail: [MeetingRef]} upcoming, {e-mail: [MeetingRef]} past): for each person
    (``contacts`` {id: e-mail}, and addresses without a contact) its ``per_key`` next meetings
    (not yet ended, soonest first) and last ones (ended, latest first), cancelled ones left
    out. One statement, whatever the number of people."""
    upcoming, past = {}, {}
    if not (contacts or other_emails):
        return upcoming, past
    for contact_id, email, ahead, *meeting in _around_query.raw_rows(
            account_id, sorted(contacts), sorted(other_emails), now, per_key):
        who = contacts[contact_id] if contact_id is not None else email
        (upcoming if ahead else past).setdefault(who, []).append(meeting_ref(*meeting))
    return upcoming, past


_notes_of = Prepared(lambda ids: (
    Note.select(Note.meeting, Note.id, Note.body, User.id, User.name, Note.typed_at)
    .join(User, on=(Note.author == User.id))
    .where(Note.meeting.in_(ids)).order_by(Note.typed_at, Note.id)))


def notes_of(meeting_ids):
    """{meeting id: [NoteRef]} in the order typed, with authors: one statement."""
    found = {m: [] for m in meeting_ids}
    if found:
        for meeting_id, note_id, body, author_id, author_name, typed_at in _notes_of.raw_rows(
                sorted(found)):
            found[meeting_id].append({'id': note_id, 'body': body,
                                      'author': {'id': author_id, 'name': author_name},
                                      'typed_at': _time(typed_at)})
    return found
