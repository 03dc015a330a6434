"""Meeting activities, their attendees, record associations and notes."""
from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField,
                    TextField)

from server.models.account import Account, User
from server.models.base import BaseModel, utcnow
from server.models.crm import Company, Contact, Deal, Ticket


class Meeting(BaseModel):
    # index=False where a composite index below starts with the column (migration 0008).
    account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
    # The user whose meeting this is: the calendar it syncs with, the list it shows in.
    user = ForeignKeyField(User, backref='meetings', on_delete='CASCADE', index=False)
    created_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    title = CharField(max_length=500, default='')
    start = DateTimeField()  # UTC
    end = DateTimeField()  # UTC
    description = TextField(default='')
    location = CharField(max_length=500, default='')
    video_link = CharField(max_length=2000, default='')
    calendar_link = CharField(max_length=2000, default='')  # the event's page at the provider
    calendar_provider = CharField(max_length=20, default='')  # '' | 'google' | 'outlook'
    provider_event_id = CharField(max_length=1024, null=True)
    organizer_email = CharField(max_length=254, default='')
    status = CharField(max_length=20, default='scheduled')  # scheduled | cancelled
    source = CharField(max_length=20, default='crm')  # crm | calendar
    # R15: a synced event later made private keeps its meeting but gets no more changes.
    frozen = BooleanField(default=False)
    started_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (('user', 'start', 'id'), False),
            (('account', 'start'), False),
            (('user', 'calendar_provider', 'provider_event_id'), True),
        )


class MeetingAttendee(BaseModel):
    meeting = ForeignKeyField(Meeting, backref='attendees', on_delete='CASCADE', index=False)
    account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
    email = CharField(max_length=254)  # lower-case
    display_name = CharField(max_length=200, default='')
    response_status = CharField(max_length=20, default='needsAction')
    is_organizer = BooleanField(default=False)
    contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
    position = IntegerField(default=0)

    class Meta:
        indexes = (
            (('meeting', 'email'), True),
            (('account', 'email'), False),
        )


class MeetingContact(BaseModel):
    """A meeting on a contact's timeline (R8, R18)."""
    meeting = ForeignKeyField(Meeting, on_delete='CASCADE', index=False)
    contact = ForeignKeyField(Contact, on_delete='CASCADE', index=False)

    class Meta:
        indexes = ((('meeting', 'contact'), True), (('contact', 'meeting'), False))


class MeetingCompany(BaseModel):
    meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
    company = ForeignKeyField(Company, on_delete='CASCADE')

    class Meta:
        indexes = ((('meeting', 'company'), True), (('company', 'meeting'), False))


class MeetingDeal(BaseModel):
    meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
    deal = ForeignKeyField(Deal, on_delete='CASCADE')

    class Meta:
        indexes = ((('meeting', 'deal'), True), (('deal', 'meeting'), False))


class MeetingTicket(BaseModel):
    meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
    ticket = ForeignKeyField(Ticket, on_delete='CASCADE')

    class Meta:
        indexes = ((('meeting', 'ticket'), True), (('ticket', 'meeting'), False))


class Note(BaseModel):
    account = ForeignKeyField(Account, on_delete='CASCADE')
    meeting = ForeignKeyField(Meeting, backref='notes', on_delete='CASCADE')
    author = ForeignKeyField(User, on_delete='CASCADE')
    body = TextField()
    # Chosen by the client; a retried POST with the same id returns the first note (B2).
    client_id = CharField(max_length=64, null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('author', 'client_id'), True), (('meeting', 'created_at'), False))
