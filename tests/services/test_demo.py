"""The demo workspace built by server.services.demo.seed()."""
import datetime

import pytest

from server.db import db
from server.models import (Account, Company, Contact, Deal, Meeting, MeetingAttendee, MeetingContact,
                           Note, Ticket, User)
from server.services import demo, users

NOW = datetime.datetime(2026, 11, 25, 12, 7)  # a Wednesday


def test_seed_builds_a_believable_account(app):
    with db.connection_context():
        account = demo.seed(now=NOW)
        assert account.name == 'Northwind Demo'
        assert account.domains == ['northwind.example', 'northwind-mail.example']
        people = {u.email: u.role for u in User.select().where(User.account == account.id)}
        assert people == {'alex@northwind.example': 'admin', 'sam@northwind.example': 'member'}
        assert users.check_password('alex@northwind.example', 'demo1234').name == 'Alex Morgan'
        assert users.check_password('sam@northwind.example', 'demo1234') is not None
        assert Company.select().count() == 8
        assert Contact.select().count() == 50
        assert Contact.select().where(Contact.company.is_null() | (Contact.phone == '')
                                      | (Contact.job_title == '')).count() == 0
        assert Deal.select().count() >= 8 and Ticket.select().count() == 8


def test_seed_meetings_span_a_week_from_today(app):
    with db.connection_context():
        demo.seed(now=NOW)
        meetings = list(Meeting.select().order_by(Meeting.start))
        today = [m for m in meetings if m.start.date() == NOW.date()]
        assert any(m.end < NOW for m in today) and any(m.start > NOW for m in today)
        assert meetings[-1].start < NOW + datetime.timedelta(days=7)
        assert len({m.start.date() for m in meetings}) >= 5
        # Wed + Thu, Fri, Mon, Tue = 4 today and 3 on each of the 4 weekdays that follow.
        assert len(meetings) == 16
        assert all(m.user.email == demo.ADMIN[0] for m in meetings)
        past = [m.id for m in meetings if m.start < NOW]
        assert Note.select().where(Note.meeting.in_(past)).count() >= len(past)
        assert Note.select().where(Note.meeting.not_in(past)).count() == 0


def test_seed_attendees_mix_contacts_strangers_and_colleagues(app):
    with db.connection_context():
        demo.seed(now=NOW)
        rows = list(MeetingAttendee.select())
        without = [r for r in rows if r.contact_id is None]
        assert any(r.email.endswith('northwind-mail.example') for r in without)
        assert any(r.email == demo.MEMBER[0] for r in without)
        strangers = [r for r in without if 'northwind' not in r.email]
        assert strangers and Contact.select().where(
            Contact.email.in_([r.email for r in strangers])).count() == 0
        linked = MeetingContact.select().count()
        assert linked == sum(1 for r in rows if r.contact_id)


def test_seed_is_idempotent_and_reset_rebuilds(app):
    with db.connection_context():
        first = demo.seed(now=NOW)
        Note.delete().execute()
        assert demo.seed(now=NOW).id == first.id
        assert Note.select().count() == 0 and Contact.select().count() == 50
        demo.seed(reset=True, now=NOW)
        assert Note.select().count() > 0 and Contact.select().count() == 50
        assert Meeting.select().count() == 16 and Account.select().count() == 1


@pytest.mark.parametrize('day', [
    datetime.datetime(2028, 2, 29, 8, 0),   # a leap day, a Tuesday morning
    datetime.datetime(2028, 12, 31, 23, 50),  # New Year's Eve, ten to midnight (a Sunday)
    datetime.datetime(2029, 3, 24, 16, 20),   # a Saturday afternoon
])
def test_the_demo_seeded_on_any_day_has_a_week_of_meetings_from_that_day(app, clock, day):
    """`./run` seeds with the real clock: whatever the day or hour, two meetings were just held,
    two come up in the next hours, the rest of the week follows, and only meetings already held
    have notes (issue 14)."""
    clock.move_to(day.replace(tzinfo=datetime.timezone.utc))
    with db.connection_context():
        demo.seed()
        starts = sorted(m.start for m in Meeting.select())
        assert starts[0] < day < starts[-1] < day + datetime.timedelta(days=7)
        hours = datetime.timedelta(hours=4)
        assert sum(1 for s in starts if day - hours < s < day) == 2
        assert sum(1 for s in starts if day < s < day + hours) == 2
        held = [m.id for m in Meeting.select() if m.start < day]
        assert Note.select().where(Note.meeting.not_in(held)).count() == 0


def test_issue13_demo_shows_onboarding_two_members_and_a_pending_invite(app):
    from server.models import utcnow
    from server.services import invites, members
    with db.connection_context():
        account = demo.seed()
        alex = User.get(User.email == demo.ADMIN[0])
        assert [p.email for p, _ in members.listed(alex)] == [demo.ADMIN[0], demo.MEMBER[0]]
        assert [(i.email, i.role) for i in invites.pending(alex)] == [demo.INVITED]
        assert account.domains_checked_at is not None and account.domains_checked_at <= utcnow()


def test_issue10_issue11_demo_has_linked_deals_tickets_an_outcome_and_tasks(app):
    """The demo shows the briefs, prep and after-the-call screens with something in them."""
    from server.models import DealContact, Meeting, Task, TicketCompany, TicketContact, utcnow
    from server.services import demo
    with db.connection_context():
        account = demo.seed()
        assert DealContact.select().count() and TicketCompany.select().count()
        assert TicketContact.select().count() == TicketCompany.select().count()
        outcomes = [m.outcome for m in Meeting.select().where(
            Meeting.account == account, Meeting.start < utcnow()).order_by(Meeting.start)]
        assert outcomes[0] == 'completed' and 'scheduled' in outcomes[1:]
        tasks = list(Task.select().where(Task.account == account))
        assert len(tasks) == 3 and all(t.meeting_id and t.due_date for t in tasks)
