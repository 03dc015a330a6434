"""Briefs (issue 10 §2-3, B7): what a rep needs to know before speaking, in one answer each.

A contact's brief, a company's and a meeting's prep; each a constant number of statements
whatever the number of deals, tickets, meetings, attendees or companies (tests count them),
every one a ``Prepared`` query (services/summaries.py says why).
"""
from peewee import JOIN, SQL

from server.db import Prepared
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


# -- a contact -------------------------------------------------------------------------------

def contact_brief(user, contact_id, now=None):
    now = now or utcnow()
    account_id = user.account_id
    found = summaries.contact_summaries(account_id, [contact_id])
    if not found:
        raise NotFound('Contact not found.')
    contact = found[0]
    ids = [contact['id']]
    upcoming, past = summaries.meetings_around(account_id, {contact['id']: contact['email']},
                                               [], now, MAX_MEETINGS)
    upcoming, past = upcoming.get(contact['email'], []), past.get(contact['email'], [])
    last = _with_notes([past[0] if past else None])[0]
    return {
        'contact': contact,
        'open_deals': summaries.open_deals_of_contacts(account_id, ids)[contact['id']],
        'open_tickets': summaries.open_tickets_of_contacts(account_id, ids)[contact['id']],
        'last_meeting': last, 'next_meeting': upcoming[0] if upcoming else None,
        'last_contacted_at': last['end'] if last else None,
        'upcoming_meetings': upcoming, 'past_meetings': past,
    }


# -- a company -------------------------------------------------------------------------------

_company = Prepared(lambda account_id, company_id: (
    Company.select(Company.id, Company.name, Company.domain)
    .where(Company.id == company_id, Company.account == account_id).limit(1)))


def _company_meetings(account_id, company_id, now, limit):
    """Its last meetings: those associated with it and those of its contacts."""
    of_company = MeetingCompany.select(MeetingCompany.meeting).where(
        MeetingCompany.company == company_id)
    of_contacts = (MeetingContact.select(MeetingContact.meeting)
                   .join(Contact, on=(MeetingContact.contact == Contact.id))
                   .where(Contact.company == company_id, Contact.account == account_id))
    return (Meeting.select(*summaries.MEETING_REF_COLUMNS)
            .where(summaries.unindexed(Meeting.account) == account_id,
                   Meeting.status != 'cancelled', Meeting.end <= now, Meeting.id.in_(of_company) | Meeting.id.in_(of_contacts))
            .order_by(Meeting.start.desc(), Meeting.id.desc()).limit(limit))


_company_meetings_query = Prepared(_company_meetings)


def company_brief(user, company_id, now=None):
    now = now or utcnow()
    account_id = user.account_id
    rows = _company.raw_rows(account_id, int(company_id))
    if not rows:
        raise NotFound('Company not found.')
    company = summaries.company_ref(tuple(rows[0]))
    deals, tickets = summaries.open_work_of_companies(account_id, [company['id']])
    last = _company_meetings_query.raw_rows(account_id, company['id'], now, MAX_MEETINGS)
    return {
        'company': company,
        'contacts': summaries.contacts_of_company(account_id, company['id'], MAX_CONTACTS),
        'open_deals': deals[company['id']],
        'open_tickets': tickets[company['id']],
        'last_meetings': [summaries.meeting_ref(*row) for row in last],
    }


# -- a meeting's prep ------------------------------------------------------------------------

_attendees = Prepared(lambda meeting_id: (
    MeetingAttendee.select(MeetingAttendee.email, Contact.id, Contact.company, User.id)
    .join(Contact, JOIN.LEFT_OUTER, on=(MeetingAttendee.contact == Contact.id))
    .switch(MeetingAttendee)
    .join(User, JOIN.LEFT_OUTER, on=((User.email == MeetingAttendee.email)
                                      & (User.account == MeetingAttendee.account)))
    .where(MeetingAttendee.meeting == meeting_id)
    .order_by(MeetingAttendee.position, MeetingAttendee.id)))


def _external_attendees(user, meeting):
    """[(e-mail, contact id, contact's company id)] of the meeting's external attendees (R12)."""
    rows = _attendees.raw_rows(meeting.id)
    users = {row[0] for row in rows if row[3] is not None}
    internal = internal_emails({row[0] for row in rows}, frozenset(user.account.domains), users)
    return [tuple(row[:3]) for row in rows if row[0] not in internal]


def _build_companies(account_id, company_ids, domains):
    condition = Company.id.in_(company_ids) if len(company_ids) else None
    if len(domains):
        by_domain = Company.domain.in_(domains)
        condition = by_domain if condition is None else (condition | by_domain)
    return (Company.select(Company.id, Company.name, Company.domain)
            .where(Company.account == account_id, condition).order_by(Company.id))


_companies = Prepared(_build_companies)


def _prep_companies(account_id, external):
    """The attendees' companies, in name order: each contact's, and for an attendee without
    one the oldest company of its address's domain (the one Add would link it to)."""
    company_ids = {company for _, _, company in external if company is not None}
    domains = {email_domain(email) for email, _, company in external if company is None}
    if not (company_ids or domains):
        return []
    chosen, by_domain = [], set()
    for row in _companies.raw_rows(account_id, sorted(company_ids), sorted(domains)):
        if row[0] in company_ids:
            chosen.append(row)
        elif row[2] in domains and row[2] not in by_domain:
            by_domain.add(row[2])
            chosen.append(row)
    return sorted(chosen, key=lambda row: (row[1], row[0]))


def _earlier(meeting_id, start):
    """Meetings before this one that took place (a cancelled one holds no notes)."""
    return (Meeting.status != 'cancelled', Meeting.start < start, Meeting.id != meeting_id)


def _build_earlier(account_id, meeting_id, start, ical_uid, user_id, contact_ids, other_emails):
    """(0, MeetingRef columns) for the last meeting with these attendees, (1, …) for the
    series' previous occurrence: one statement, each part left out when it has nothing to
    look for (no attendee to share, no series)."""
    parts = []
    if len(contact_ids) or len(other_emails):
        # The latest earlier meeting sharing an external attendee, not one of this series.
        links = summaries.people_links(account_id, contact_ids, other_emails).alias('people')
        last = (Meeting.select(SQL('0').alias('which'), *summaries.MEETING_REF_COLUMNS)
                .where(summaries.unindexed(Meeting.account) == account_id,
                       *_earlier(meeting_id, start),
                       Meeting.id.in_(Meeting.select(links.c.mid).from_(links))))
        if ical_uid is not None:
            last = last.where(Meeting.ical_uid.is_null() | (Meeting.ical_uid != ical_uid))
        parts.append(last.order_by(Meeting.start.desc(), Meeting.id.desc()).limit(1))
    if ical_uid is not None:
        # R13: the occurrence before this one (the series' copies share the event's
        # iCalendar UID; migration 0028 indexes it), the caller's own copy first when
        # colleagues synced it too.
        parts.append(Meeting.select(SQL('1').alias('which'), *summaries.MEETING_REF_COLUMNS)
                     .where(Meeting.account == account_id, *_earlier(meeting_id, start),
                            Meeting.ical_uid == ical_uid)
                     .order_by(Meeting.start.desc(), Meeting.user != user_id, Meeting.id)
                     .limit(1))
    # Each part in a subquery of its own: SQLite allows no ORDER BY or LIMIT on the members
    # of a UNION.
    wrapped = [Meeting.select(SQL('*')).from_(part.alias(f'part{n}'))
               for n, part in enumerate(parts)]
    return summaries.union_all(wrapped)


_earlier_meetings = Prepared(_build_earlier)


def _last_and_previous(user, meeting, external):
    """(the last meeting sharing an external attendee, the series' previous occurrence), each
    a MeetingRef or None: one statement."""
    contact_ids = sorted({c for _, c, _ in external if c is not None})
    others = sorted({email for email, c, _ in external if c is None})
    if not (contact_ids or others or meeting.ical_uid):
        return None, None
    found = [None, None]
    for which, *meeting_ref in _earlier_meetings.raw_rows(
            user.account_id, meeting.id, meeting.start, meeting.ical_uid or None,
            user.id if meeting.ical_uid else None, contact_ids, others):
        found[which] = summaries.meeting_ref(*meeting_ref)
    return tuple(found)


def meeting_brief(user, meeting_id):
    meeting = get_meeting(user, meeting_id)
    account_id = user.account_id
    external = _external_attendees(user, meeting)
    companies = _prep_companies(account_id, external)
    ids = [row[0] for row in companies]
    deals, tickets = summaries.open_work_of_companies(account_id, ids)
    last, previous = _with_notes(list(_last_and_previous(user, meeting, external)))
    return {
        'meeting': {'id': meeting.id, 'title': meeting.title,
                    'start': summaries.api_datetime(meeting.start),
                    'end': summaries.api_datetime(meeting.end), 'location': meeting.location,
                    'video_link': meeting.video_link,
                    'description': from_calendar(meeting.description)},
        'companies': [{'company': summaries.company_ref(tuple(row)), 'open_deals': deals[row[0]],
                       'open_tickets': tickets[row[0]]} for row in companies],
        'last_meeting': last, 'previous_occurrence': previous,
    }
