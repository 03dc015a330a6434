"""A believable demo workspace, so a newcomer has something to click through.

Deterministic (a seeded random generator) apart from the dates, which start today so the
meeting list always has past, current and upcoming meetings.
"""
import datetime
import random
from decimal import Decimal

from server.db import write_transaction
from server.models import (Account, Company, Contact, Deal, DealContact, Invite, Meeting,
                           MeetingCompany, MeetingDeal, MeetingTicket, Note, Task, TaskContact,
                           Ticket, TicketCompany, TicketContact, utcnow)
from server.services import invites, link_tokens, users
from server.services.meetings import _add_attendee_rows  # the one place attendees are matched

ACCOUNT_NAME = 'Northwind Demo'
WEBSITE_DOMAIN = 'northwind.example'
CONNECTED_DOMAIN = 'northwind-mail.example'
PASSWORD = 'demo1234'
ADMIN = ('alex@northwind.example', 'Alex Morgan')
MEMBER = ('sam@northwind.example', 'Sam Rivera')
INVITED = ('taylor@northwind.example', 'member')  # a pending invite (issue 13 §1)
# Colleagues who are not users: internal by the connected domain (R12).
COLLEAGUES = [('jordan.lee@northwind-mail.example', 'Jordan Lee'),
              ('priya.nair@northwind-mail.example', 'Priya Nair')]

COMPANIES = [
    ('Lumen Analytics', 'lumen-analytics.example'),
    ('Brightwater Logistics', 'brightwater-logistics.example'),
    ('Calder & Finch Legal', 'calderfinch.example'),
    ('Orchard Health Partners', 'orchardhealth.example'),
    ('Vantage Robotics', 'vantagerobotics.example'),
    ('Bluepeak Energy', 'bluepeak-energy.example'),
    ('Harbor Street Bank', 'harborstreetbank.example'),
    ('Kestrel Foods', 'kestrelfoods.example'),
]
FIRST_NAMES = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sofia', 'Ethan', 'Mia', 'Lucas',
               'Amelia', 'Daniel', 'Harper', 'Kenji', 'Isla', 'Omar', 'Chloe', 'Rafael', 'Grace',
               'Tomas', 'Leah', 'Arjun', 'Nora', 'Felix', 'Hana', 'Samuel', 'Zoe', 'Diego',
               'Maya', 'Elliot']
LAST_NAMES = ['Bennett', 'Okafor', 'Lindqvist', 'Moreau', 'Castillo', 'Nakamura', 'Fischer',
              'Adeyemi', 'Novak', 'Whitaker', 'Romano', 'Haddad', 'Kowalski', 'Brennan', 'Silva',
              'Duarte', 'Patel', 'Ferreira', 'Hughes', 'Jansen', 'Oduya', 'Carter', 'Ibsen',
              'Varga', 'Mendes']
JOB_TITLES = ['VP of Operations', 'Head of Procurement', 'IT Director', 'Chief Financial Officer',
              'Operations Manager', 'Product Lead', 'Customer Success Manager', 'Data Engineer',
              'General Counsel', 'Office Manager', 'Head of Sales', 'Security Analyst']
MEETING_TITLES = ['Discovery call', 'Product demo', 'Pricing walkthrough', 'Onboarding kickoff',
                  'Quarterly business review', 'Renewal check-in', 'Security questionnaire review',
                  'Integration planning', 'Support escalation follow-up', 'Contract review']
NOTES = ['Wants SSO before rollout; send the security whitepaper.',
         'Budget approved for Q1. Next step: pricing for 40 seats.',
         'Asked about the Outlook integration; demo it next time.',
         'Decision maker is the CFO; loop her into the next call.',
         'Pilot team of 8 starts Monday. Share the onboarding checklist.',
         'Concerned about data residency (EU). Check with legal.',
         'Happy with support response times since last month.',
         'Follow up with a case study from a logistics customer.']
DEAL_NAMES = ['Annual subscription', 'Pilot expansion', 'Enterprise upgrade', 'Support add-on']
DEAL_STAGES = ['appointment_scheduled', 'qualified_to_buy', 'presentation_scheduled',
               'decision_maker_bought_in', 'contract_sent', 'closed_won', 'closed_lost']
TICKET_SUBJECTS = ['Cannot export the monthly report', 'SSO login loops back to sign-in',
                   'Invoice shows the wrong VAT number', 'Calendar invites arrive twice',
                   'Request: bulk import of contacts', 'API rate limit reached at 9am',
                   'Mobile app crashes on attachment upload', 'Add a second admin user']
TICKET_STATUSES = ['new', 'waiting_on_contact', 'waiting_on_us', 'closed']
CONTACT_COUNT = 50


def find():
    """The demo account if it has been seeded, else None."""
    return Account.get_or_none(Account.name == ACCOUNT_NAME)


def seed(reset=False, now=None):
    """Create the demo workspace and return its account; an existing one is kept unless reset."""
    now = now or utcnow()
    with write_transaction():
        existing = find()
        if existing is not None and not reset:
            return existing
        if existing is not None:
            existing.delete_instance()  # rows of every table go with it (ON DELETE CASCADE)
        return _build(random.Random(2026), now)


def _build(rng, now):
    alex = users.create(ADMIN[0], ACCOUNT_NAME, name=ADMIN[1], password=PASSWORD, role='admin',
                        website_domain=WEBSITE_DOMAIN)
    account = alex.account
    account.connected_domains = CONNECTED_DOMAIN
    account.save()
    sam = users.create(MEMBER[0], ACCOUNT_NAME, name=MEMBER[1], role='member')
    # Same password: reuse the (deliberately slow) hash instead of computing it again.
    sam.password_hash = alex.password_hash
    sam.language = 'zh-TW'  # the demo's second user reads the web pages in Chinese (issue 13 §3)
    sam.save()
    companies = [Company.create(account=account, name=name, domain=domain, created_at=now)
                 for name, domain in COMPANIES]
    people = _people(rng, companies)
    contacts = _contacts(rng, account, companies, people[:CONTACT_COUNT], (alex, sam), now)
    # The people left over attend meetings without being contacts yet (R18's "Add").
    strangers = {}
    for first, last, company in people[CONTACT_COUNT:]:
        strangers.setdefault(company.id, []).append(
            (f'{first}.{last}@{company.domain}'.lower(), f'{first} {last}'))
    deals = _deals(rng, account, companies, (alex, sam), now)
    _tickets(rng, account, (alex, sam), now)
    _meetings(rng, account, alex, sam, companies, contacts, strangers, deals, now)
    _links(account, companies, contacts, deals)
    _after_the_call(account, alex, now)
    _onboarding(account, alex, now)
    return account


def _links(account, companies, contacts, deals):
    """Deals and tickets tied to people and companies, so briefs and prep have something to
    show (issues 10 and 13): each deal has its company's first contact, each ticket a company
    and one of its contacts."""
    for company in companies:
        for deal in deals.get(company.id, []):
            DealContact.create(deal=deal, contact=contacts[company.id][0])
    tickets = Ticket.select().where(Ticket.account == account).order_by(Ticket.id)
    for index, ticket in enumerate(tickets):
        company = companies[index % len(companies)]
        TicketCompany.create(ticket=ticket, company=company)
        TicketContact.create(ticket=ticket, contact=contacts[company.id][-1])


def _after_the_call(account, alex, now):
    """Issue 11 in the demo: the earlier of today's two past meetings went well, the later one
    waits for "How did it go?", and it left three tasks: due today, overdue, next week."""
    past = list(Meeting.select().where(Meeting.account == account, Meeting.start < now)
                .order_by(Meeting.start))
    if not past:
        return
    past[0].outcome = 'completed'
    past[0].save()
    today = now.date()
    for title, due in (('Send the security whitepaper', today),
                       ('Pricing for 40 seats', today - datetime.timedelta(days=1)),
                       ('Check data residency with legal', today + datetime.timedelta(days=7))):
        task = Task.create(account=account, owner=alex, created_by=alex, title=title,
                           due_date=due, meeting=past[0], created_at=now, updated_at=now)
        for attendee in past[0].attendees:
            if attendee.contact_id:
                TaskContact.create(task=task, contact=attendee.contact_id)


def _onboarding(account, alex, now):
    """Issue 13 §1 in the demo: the domains checked, and an invite waiting for an answer (its
    link is only in the mail: Settings › Account › Resend writes a fresh one to the outbox)."""
    account.domains_checked_at = now
    account.save()
    _, token_hash = link_tokens.new()
    Invite.create(account=account, email=INVITED[0], role=INVITED[1], invited_by=alex,
                  token_hash=token_hash, created_at=now, expires_at=now + invites.LIFETIME)


def _people(rng, companies):
    """Distinct (first, last, company) triples: contacts first, then strangers."""
    names = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    count = CONTACT_COUNT + 2 * len(companies)
    return [(first, last, companies[i % len(companies)])
            for i, (first, last) in enumerate(names[:count])]


def _contacts(rng, account, companies, people, owners, now):
    rows = []
    for i, (first, last, company) in enumerate(people):
        rows.append(Contact.create(
            account=account, email=f'{first}.{last}@{company.domain}'.lower(), first_name=first,
            last_name=last, phone=f'+1 415 555 01{i:02d}', company=company,
            job_title=rng.choice(JOB_TITLES), owner=rng.choice(owners), created_at=now))
    by_company = {c.id: [] for c in companies}
    for contact in rows:
        by_company[contact.company_id].append(contact)
    return by_company


def _deals(rng, account, companies, owners, now):
    deals = {}
    for company in companies:
        for name in rng.sample(DEAL_NAMES, rng.choice((1, 2))):
            amount = Decimal(rng.randrange(60, 900) * 100)
            deals.setdefault(company.id, []).append(Deal.create(
                account=account, name=f'{company.name} — {name}', stage=rng.choice(DEAL_STAGES),
                amount=amount, company=company, owner=rng.choice(owners), created_at=now))
    return deals


def _tickets(rng, account, owners, now):
    for subject in TICKET_SUBJECTS:
        Ticket.create(account=account, subject=subject, status=rng.choice(TICKET_STATUSES),
                      description=f'Reported by a customer: {subject.lower()}.',
                      owner=rng.choice(owners), created_at=now)


def _slots(now):
    """Meeting start times for a week from today: four today (two past), three a weekday."""
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    slots = [quarter - datetime.timedelta(hours=3), quarter - datetime.timedelta(minutes=90),
             quarter + datetime.timedelta(minutes=45), quarter + datetime.timedelta(hours=3)]
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(1, 7):
        date = midnight + datetime.timedelta(days=day)
        if date.weekday() < 5:
            slots += [date + datetime.timedelta(hours=h) for h in (9, 13.5, 16)]
    return slots


def _video_link(rng):
    letters = 'abcdefghijkmnopqrstuvwxyz'
    parts = (3, 4, 3)
    return 'https://meet.google.com/' + '-'.join(
        ''.join(rng.choice(letters) for _ in range(n)) for n in parts)


def _meetings(rng, account, alex, sam, companies, contacts, strangers, deals, now):
    for index, start in enumerate(_slots(now)):
        company = companies[index % len(companies)]
        duration = rng.choice((30, 30, 45, 60))
        guests = rng.sample(contacts[company.id], rng.choice((1, 1, 2, 2, 3)))
        attendees = [{'email': alex.email, 'display_name': alex.name, 'response_status': 'accepted'}]
        attendees += [{'email': c.email, 'display_name': c.name,
                       'response_status': rng.choice(('accepted', 'accepted', 'tentative',
                                                      'needsAction'))} for c in guests]
        # Every other meeting brings someone who is not a contact yet.
        if index % 2 == 0 and strangers.get(company.id) and len(attendees) < 5:
            email, name = strangers[company.id][index // 2 % len(strangers[company.id])]
            attendees.append({'email': email, 'display_name': name})
        if index % 3 == 0 and len(attendees) < 5:
            attendees.append({'email': sam.email, 'display_name': sam.name,
                              'response_status': 'accepted'})
        elif index % 5 == 1 and len(attendees) < 5:
            email, name = COLLEAGUES[index % len(COLLEAGUES)]
            attendees.append({'email': email, 'display_name': name})
        # Some meetings were set up by the customer, who invited Alex (R8's organizer case).
        organizer = attendees[1] if index % 4 == 3 else attendees[0]
        organizer['is_organizer'] = True
        has_video = index % 3 != 2
        meeting = Meeting.create(
            account=account, user=alex, created_by=alex if organizer is attendees[0] else None,
            title=f'{rng.choice(MEETING_TITLES)} — {company.name}', start=start,
            end=start + datetime.timedelta(minutes=duration),
            description=f'Agenda: goals, current tooling at {company.name}, next steps.',
            location='' if has_video else 'Northwind HQ, 4th floor, Harbor room',
            video_link=_video_link(rng) if has_video else '',
            organizer_email=organizer['email'],
            source='crm' if organizer is attendees[0] else 'calendar',
            created_at=now, updated_at=now)
        _add_attendee_rows(meeting, attendees)
        MeetingCompany.create(meeting=meeting, company=company)
        if deals.get(company.id) and index % 2 == 1:
            MeetingDeal.create(meeting=meeting, deal=deals[company.id][0])
        if meeting.start < now:
            for i, body in enumerate(rng.sample(NOTES, rng.choice((1, 2, 3)))):
                written = start + datetime.timedelta(minutes=5 + 7 * i)
                Note.create(account=account, meeting=meeting, author=alex, body=body,
                            typed_at=written, created_at=written, updated_at=written)
    # One support meeting sits on a ticket's timeline too.
    first_ticket = Ticket.select().where(Ticket.account == account).order_by(Ticket.id).first()
    last_meeting = Meeting.select().where(Meeting.account == account).order_by(
        Meeting.start.desc()).first()
    MeetingTicket.create(meeting=last_meeting, ticket=first_ticket)
