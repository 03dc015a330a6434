"""People by e-mail address (issue 10 §1, B6): who each address of an open thread is.

``lookup`` answers for up to 50 addresses in a constant number of statements: the contact
(R11, case-insensitive), whether the address is internal (R12), its company (the contact's,
else the one whose domain matches the address), open deals, the next and the last meeting.
``add_contacts`` is R18 for addresses: each new contact is linked to the company whose domain
matches its address, and every meeting it attends goes on its timeline.
"""
import functools

from marshmallow import ValidationError, validate

from server.db import write_transaction
from server.errors import ValidationFailed
from server.models import Contact, MeetingAttendee, utcnow
from server.services import matching, meetings, summaries
from server.services.meetings import link_attendees_of
from server.sync.rules import email_domain, internal_emails, normalize_email

MAX_ADDRESSES = 50
NOT_AN_ADDRESS = 'Not a valid e-mail address.'
_valid_email = validate.Email()


@functools.lru_cache(maxsize=4096)
def checked_address(raw):
    """The lower-cased address, or None when ``raw`` is not one.

    Remembered: the panel asks for the same thread's addresses again and again, and checking
    ten of them against marshmallow's pattern took 15-24 us, about 3 % of GET /people in process
    (issue 10 §4)."""
    email = normalize_email(raw)
    if not email or len(email) > 254 or '\x00' in email:
        return None
    try:
        _valid_email(email)
    except ValidationError:
        return None
    return email


def lookup(user, addresses, now=None):
    """[{email, contact, is_internal, company, open_deals, next_meeting, last_meeting, error}]
    for ``addresses`` (lower-cased, in input order, each once): three statements at most."""
    now = now or utcnow()
    account = user.account
    order, valid = [], {}
    for raw in addresses:
        email = checked_address(raw)
        key = email if email is not None else normalize_email(raw)
        if key not in valid:
            valid[key] = email is not None
            order.append(key)
    emails = [e for e in order if valid[e]]
    # Every address's domain, not only those whose contact has no company: then this does not
    # wait for the contacts (a company found for a contact's address is simply not used).
    contacts, users, by_domain = summaries.people_by_email(account.id, emails, emails,
                                                           {email_domain(e) for e in emails})
    internal = internal_emails(emails, frozenset(account.domains), users)
    companies = {}
    for email in emails:
        contact = contacts.get(email)
        if contact and contact['company']:
            companies[email] = contact['company']
        elif email_domain(email) in by_domain:
            companies[email] = summaries.company_ref(by_domain[email_domain(email)])
    # An address without a contact shows its company's open deals.
    deals_of_contacts, deals_of_companies = summaries.open_deals_of_contacts_and_companies(
        account.id, {c['id'] for c in contacts.values()},
        {companies[e]['id'] for e in emails if e not in contacts and e in companies})
    others = [e for e in emails if e not in contacts]
    by_id = {c['id']: c['email'] for c in contacts.values()}
    upcoming, past = summaries.meetings_around(account.id, by_id, others, now)
    people = []
    for email in order:
        if not valid[email]:
            people.append({'email': email, 'contact': None, 'is_internal': False,
                           'company': None, 'open_deals': [], 'next_meeting': None,
                           'last_meeting': None, 'error': NOT_AN_ADDRESS})
            continue
        contact, company = contacts.get(email), companies.get(email)
        if contact:
            deals = deals_of_contacts[contact['id']]
        else:
            deals = deals_of_companies.get(company['id'], []) if company else []
        people.append({
            'email': email, 'contact': contact, 'is_internal': email in internal,
            'company': company, 'open_deals': deals,
            'next_meeting': (upcoming.get(email) or [None])[0],
            'last_meeting': (past.get(email) or [None])[0], 'error': None})
    return people


def _names(display_name):
    first, _, last = (display_name or '').strip().partition(' ')
    return first[:100], last.strip()[:100]


def add_contacts(user, people):
    """R18 for ``people`` ([(email, display name)], lower-cased, external): create the contacts
    that do not exist, each linked to the company whose domain matches its address, and put
    every meeting they attend on their timelines. One transaction, a constant number of
    statements. Returns (contacts by e-mail, the e-mails created)."""
    people = dict(people)  # each e-mail once
    if not people:
        return {}, []
    account_id = user.account_id
    by_domain = summaries.companies_by_domain(account_id, {email_domain(e) for e in people})
    with write_transaction():
        existing = {c.email for c in Contact.select(Contact.email).where(
            Contact.account == account_id, Contact.email.in_(sorted(people)))}
        rows = []
        for email in sorted(set(people) - existing):
            first, last = _names(people[email])
            company = by_domain.get(email_domain(email))
            rows.append({'account': account_id, 'email': email, 'first_name': first,
                         'last_name': last, 'owner': user.id,
                         'company': company[0] if company else None})
        created = []
        if rows:
            # Insert-or-ignore on the unique (account, email) index: a colleague adding the same
            # person at the same moment ends with one contact, never a 500.
            Contact.insert_many(rows).on_conflict_ignore().execute()
            created = [r['email'] for r in rows]
        contacts = {c.email: c for c in Contact.select().where(
            Contact.account == account_id, Contact.email.in_(sorted(people)))}
        link_attendees_of(account_id, [contacts[e] for e in created if e in contacts])
    return contacts, [e for e in created if e in contacts]


def add_person(user, email, display_name=''):
    """POST /people: R18 for an e-mail participant. (contact id, created); 422 if internal."""
    if matching.internal_flags(user.account, [email])[email]:
        raise ValidationFailed('Members of your own organisation are not added as contacts (R12).',
                               {'email': ['Internal address.']})
    contacts, created = add_contacts(user, [(email, display_name)])
    return contacts[email].id, bool(created)


def add_all_attendees(user, meeting_id):
    """Add all (issue 10 §3): R18 for every external attendee of the meeting without a contact,
    one transaction; each new contact linked to its company by domain. Returns (the contacts
    created as ContactSummaries, the meeting as GET /meetings/{id} gives it)."""
    meeting = meetings.get_meeting(user, meeting_id)
    rows = list(MeetingAttendee.select(MeetingAttendee.email, MeetingAttendee.display_name)
                .where(MeetingAttendee.meeting == meeting.id, MeetingAttendee.contact.is_null())
                .order_by(MeetingAttendee.position, MeetingAttendee.id).tuples())
    users = matching.user_emails_among(user.account_id, [email for email, _ in rows])
    internal = internal_emails({email for email, _ in rows}, frozenset(user.account.domains), users)
    contacts, created = add_contacts(user, [row for row in rows if row[0] not in internal])
    order = {email: n for n, (email, _) in enumerate(rows)}
    summaries_ = summaries.contact_summaries(user.account_id, [contacts[e].id for e in created])
    summaries_.sort(key=lambda c: order[c['email']])
    return summaries_, meetings.detail(user, meeting.id)
