"""Fixtures for the sync tests: a connected user, contacts and an in-memory calendar."""
import datetime

import pytest

from server.calendars.base import Attendee, CalendarEvent
from server.db import db
from server.models import CalendarConnection, Company, Contact, utcnow
from server.services import users
from server.sync.engine import Scope
from tests.fakes.memory_provider import MemoryCalendar, MemoryProvider
from tests.clock import ahead


class SyncWorld:
    """One connected user of 'Acme' (acme.com), two contacts, and their calendar."""

    def __init__(self):
        self.user = users.create(email='rep@acme.com', account_name='Acme', name='Rita Rep',
                                 website_domain='acme.com')
        self.colleague = users.create(email='colleague@gmail.com', account_name='Acme')
        self.account = self.user.account
        self.connected_at = utcnow() - datetime.timedelta(hours=1)
        self.connection = CalendarConnection.create(
            account=self.account.id, user=self.user.id, provider='memory',
            provider_email='rep@acme.com', connected_at=self.connected_at)
        company = Company.create(account=self.account.id, name='Client Co', domain='client.com')
        self.buyer = Contact.create(account=self.account.id, email='buyer@client.com',
                                    first_name='Bea', company=company)
        self.champion = Contact.create(account=self.account.id, email='champ@client.com',
                                       first_name='Cham')
        self.calendar = MemoryCalendar(owner='rep@acme.com')
        self.provider = MemoryProvider(self.calendar)

    def scope(self):
        return Scope.for_connection(CalendarConnection.get_by_id(self.connection.id))

    def event(self, event_id='ev1', attendees=('buyer@client.com',), **fields):
        start = fields.pop('start', ahead())
        values = dict(provider_event_id=event_id, title='Demo ' + event_id, start=start,
                      end=start + datetime.timedelta(minutes=30),
                      created=self.connected_at + datetime.timedelta(minutes=5),
                      organizer_email='rep@acme.com',
                      html_link=f'https://calendar.example.com/{event_id}',
                      attendees=[Attendee('rep@acme.com', 'Rita Rep', 'accepted', True, True)]
                      + [Attendee(email, email.split('@')[0].title()) for email in attendees])
        values.update(fields)
        return CalendarEvent(**values)


@pytest.fixture
def world(app):
    with db.connection_context():
        yield SyncWorld()
