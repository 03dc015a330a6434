"""Briefs (issue 10 §2-3, B7): what a rep needs to know before speaking, in one answer each.

A contact's brief, a company's and a meeting's prep; each a constant number of statements
whatever the number of deals, tickets, meetings, attendees or companies (tests count them).
"""
from peewee import JOIN

from server.errors import NotFound
from server.models import (Company, Contact, Meeting, MeetingAttendee, MeetingCompany,
                           MeetingContact, User, utcnow)
from server.services import summaries
from server.services.meetings import get_meeting
from server.services.plain_text import from_calendar
from server.sync.rules import email_domain, internal_emails

MAX_MEETINGS = 5
MAX_CONTACTS = 50


def _with_notes(refs):
    """MeetingRefs (or None) with their notes: one statement for all of them."""
    notes = summaries.notes_of([r['id'] for r in refs if r])
    return [None if r is None else dict(r, notes=notes[r['id']]) for r in refs]


def contact_brief(user, contact_id, now=None):
    now = now or utcnow()
    account_id = user.account_id
    found = summaries.contacts_query(account_id).where(Contact.id == contact_id).tuples()
    rows = list(found)
    if not rows:
        raise NotFound('Contact not found.')
    contact = summaries.contact_summary(rows[0])
    links = summaries.people_links(account_id, {contact['id']}, ())
    upcoming = summaries.meetings_per_key(account_id, links, now, True, MAX_MEETINGS).get(
        contact['email'], [])
    past = summaries.meetings_per_key(account_id, links, now, False, MAX_MEETINGS).get(
        contact['email'], [])
    last = _with_notes([past[0] if past else None])[0]
    return {
        'contact': contact,
        'open_deals': summaries.open_deals_of_contacts(account_id, [contact['id']])[contact['id']],
        'open_tickets': summaries.open_tickets_of_contacts(account_id,
                                                           [contact['id']])[contact['id']],
        'last_meeting': last, 'next_meeting': upcoming[0] if upcoming else None,
        'last_contacted_at': last['end'] if last else None,
        'upcoming_meetings': upcoming, 'past_meetings': past,
    }


def company_brief(user, company_id, now=None):
    now = now or utcnow()
    account_id = user.account_id
    company = (Company.select(Company.id, Company.name, Company.domain)
               .where(Company.id == company_id, Company.account == account_id).first())
    if company is None:
        raise NotFound('Company not found.')
    contacts = (summaries.contacts_query(account_id).where(Contact.company == company.id)
                .order_by(Contact.last_name, Contact.first_name, Contact.id)
                .limit(MAX_CONTACTS).tuples())
    # Its meetings: those associated with it and those of its contacts.
    of_company = MeetingCompany.select(MeetingCompany.meeting).where(
        MeetingCompany.company == company.id)
    of_contacts = (MeetingContact.select(MeetingContact.meeting)
                   .join(Contact, on=(MeetingContact.contact == Contact.id))
                   .where(Contact.company == company.id, Contact.account == account_id))
    last = (Meeting.select(*summaries.MEETING_REF_COLUMNS)
            .where(Meeting.account == account_id, Meeting.status != 'cancelled',
                   Meeting.end <= now,
                   Meeting.id.in_(of_company) | Meeting.id.in_(of_contacts))
            .order_by(Meeting.start.desc(), Meeting.id.desc()).limit(MAX_MEETINGS).tuples())
    return {
        'company': summaries.company_ref(company),
        'contacts': [summaries.contact_summary(row) for row in contacts],
        'open_deals': summaries.open_deals_of_companies(account_id, [company.id])[company.id],
        'open_tickets': summaries.open_tickets_of_companies(account_id, [company.id])[company.id],
        'last_meetings': [summaries.meeting_ref(*row) for row in last],
    }


def _external_attendees(user, meeting):
    """[(e-mail, contact id, contact's company id)] of the meeting's external attendees (R12)."""
    rows = list(MeetingAttendee.select(MeetingAttendee.email, Contact.id, Contact.company,
                                       User.id)
                .join(Contact, JOIN.LEFT_OUTER, on=(MeetingAttendee.contact == Contact.id))
                .switch(MeetingAttendee)
                .join(User, JOIN.LEFT_OUTER, on=((User.email == MeetingAttendee.email)
                                                  & (User.account == MeetingAttendee.account)))
                .where(MeetingAttendee.meeting == meeting.id)
                .order_by(MeetingAttendee.position, MeetingAttendee.id).tuples())
    users = {row[0] for row in rows if row[3] is not None}
    internal = internal_emails({row[0] for row in rows}, frozenset(user.account.domains), users)
    return [row[:3] for row in rows if row[0] not in internal]


def _companies(account_id, company_ids, domains):
    """Companies by id or (without one) by domain, in name order: one statement."""
    if not (company_ids or domains):
        return []
    condition = Company.id.in_(sorted(company_ids)) if company_ids else None
    if domains:
        by_domain = Company.domain.in_(sorted(domains))
        condition = by_domain if condition is None else (condition | by_domain)
    found = (Company.select(Company.id, Company.name, Company.domain)
             .where(Company.account == account_id, condition).order_by(Company.name, Company.id))
    return list(found)


def meeting_brief(user, meeting_id):
    meeting = get_meeting(user, meeting_id)
    account_id = user.account_id
    external = _external_attendees(user, meeting)
    company_ids = {company for _, _, company in external if company is not None}
    domains = {email_domain(email) for email, _, company in external if company is None}
    companies = _companies(account_id, company_ids, domains)
    # One company per domain (the oldest), as Add links a new contact to it.
    chosen, seen_domains = [], {}
    for company in sorted(companies, key=lambda c: c.id):
        if company.id in company_ids:
            chosen.append(company)
        elif company.domain in domains and company.domain not in seen_domains:
            seen_domains[company.domain] = company
            chosen.append(company)
    chosen.sort(key=lambda c: (c.name, c.id))
    ids = [c.id for c in chosen]
    deals = summaries.open_deals_of_companies(account_id, ids)
    tickets = summaries.open_tickets_of_companies(account_id, ids)
    last = _last_with_attendees(account_id, meeting, external)
    previous = _previous_occurrence(user, meeting)
    last, previous = _with_notes([last, previous])
    return {
        'meeting': {'id': meeting.id, 'title': meeting.title,
                    'start': summaries.api_datetime(meeting.start),
                    'end': summaries.api_datetime(meeting.end), 'location': meeting.location,
                    'video_link': meeting.video_link,
                    'description': from_calendar(meeting.description)},
        'companies': [{'company': summaries.company_ref(c), 'open_deals': deals[c.id],
                       'open_tickets': tickets[c.id]} for c in chosen],
        'last_meeting': last, 'previous_occurrence': previous,
    }


def _not_cancelled_before(account_id, meeting):
    return (Meeting.select(*summaries.MEETING_REF_COLUMNS)
            .where(Meeting.account == account_id, Meeting.status != 'cancelled',
                   Meeting.start < meeting.start, Meeting.id != meeting.id))


def _last_with_attendees(account_id, meeting, external):
    """The latest earlier meeting sharing an external attendee, not one of this series."""
    links = summaries.people_links(account_id, {c for _, c, _ in external if c is not None},
                                   {email for email, c, _ in external if c is None})
    if links is None:
        return None
    query = _not_cancelled_before(account_id, meeting).where(
        Meeting.id.in_(_mids(links)))
    if meeting.ical_uid:
        query = query.where(Meeting.ical_uid.is_null() | (Meeting.ical_uid != meeting.ical_uid))
    row = query.order_by(Meeting.start.desc(), Meeting.id.desc()).limit(1).tuples().first()
    return summaries.meeting_ref(*row) if row else None


def _mids(links):
    sub = links.alias('people')
    return Meeting.select(sub.c.mid).from_(sub)


def _previous_occurrence(user, meeting):
    """R13: the occurrence of this meeting's series before it (the series' copies share the
    event's iCalendar UID), the caller's own copy first when colleagues synced it too."""
    if not meeting.ical_uid:
        return None
    row = (_not_cancelled_before(user.account_id, meeting)
           .where(Meeting.ical_uid == meeting.ical_uid)
           .order_by(Meeting.start.desc(), Meeting.user != user.id, Meeting.id)
           .limit(1).tuples().first())
    return summaries.meeting_ref(*row) if row else None
