"""Web page fixtures: signed-in browsers and a small CRM to look at."""
import datetime

import pytest
from werkzeug.security import generate_password_hash

from server.db import db
from server.models import Company, Contact, Deal, Ticket
from server.services import meetings, notes, users
from tests.clock import ahead

CSRF = 'test-csrf-token'
PASSWORD = 'correct horse battery'


class Browser:
    """A test client with a signed-in session and a CSRF token it sends with every form."""

    def __init__(self, client, user=None):
        self.client, self.user = client, user
        with client.session_transaction() as session:
            session['csrf_token'] = CSRF
            if user is not None:
                session['user_id'] = user.id

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault('csrf_token', CSRF)
        return self.client.post(path, data=data, **kwargs)


def make_user(email, account, domain=None, name='Rita Rep', time_zone='UTC'):
    with db.connection_context():
        user = users.create(email=email, account_name=account, name=name,
                            website_domain=domain or email.rpartition('@')[2])
        # A real hash that check_password verifies, with few rounds: the default costs ~0.5 s.
        user.password_hash = generate_password_hash(PASSWORD, method='pbkdf2:sha256:1000')
        user.time_zone = time_zone
        user.save()
    return user


@pytest.fixture
def rep(app):
    return make_user('rita@acme.example', 'Acme')


@pytest.fixture
def browser(client, rep):
    return Browser(client, rep)


@pytest.fixture
def anonymous(client):
    return Browser(client)


@pytest.fixture
def crm(rep):
    """A company, a contact at it, a deal and a ticket in the rep's account."""
    with db.connection_context():
        company = Company.create(account=rep.account_id, name='Globex', domain='globex.example')
        contact = Contact.create(account=rep.account_id, email='hank@globex.example',
                                 first_name='Hank', last_name='Scorpio', company=company,
                                 job_title='CEO')
        deal = Deal.create(account=rep.account_id, name='Globex renewal', company=company)
        ticket = Ticket.create(account=rep.account_id, subject='Doomsday device squeaks')
    return {'company': company, 'contact': contact, 'deal': deal, 'ticket': ticket,
            'contacts': contact, 'companies': company, 'deals': deal, 'tickets': ticket}


def at(days, hour=10):
    """A naive-UTC datetime ``days`` after a week from today, at ``hour``:00."""
    return ahead(days=7 + days, hour=hour)


def local_input(value):
    """A datetime as a datetime-local form field writes it ('2026-12-08T10:00')."""
    return value.strftime('%Y-%m-%dT%H:%M')


def schedule(user, title, start, attendees=(), **associations):
    """Schedule a meeting through the service (as the API does) and return it."""
    data = {'title': title, 'start': start, 'end': start + datetime.timedelta(minutes=30),
            'attendees': [{'email': e, 'display_name': ''} for e in attendees]}
    for key in ('contact_ids', 'company_ids', 'deal_ids', 'ticket_ids'):
        data[key] = associations.get(key, [])
    with db.connection_context():
        return meetings.schedule(user, data)


def add_note(user, meeting, body):
    with db.connection_context():
        return notes.add(user, meeting.id, body)[0]
