"""Meeting activities, their attendees, record associations and notes."""
from peewee import (SQL, BooleanField, CharField, DateTimeField, DecimalField, ForeignKeyField,
                    IntegerField, TextField)

from server.models.account import Account, User
from server.models.base import BaseModel, utcnow
from server.models.crm import Company, Contact, Deal, Ticket


class Meeting(BaseModel):
    # index=False where a composite index below starts with the column (migration 0008).
    account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
    # The user whose meeting this is: the calendar it syncs with, the list it shows in.
    user = ForeignKeyField(User, backref='meetings', on_delete='CASCADE', index=False)
    # Partial index below (migration 0009): synced meetings have no creator.
    created_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+', index=False)
    title = CharField(max_length=500, default='')
    start = DateTimeField()  # UTC
    end = DateTimeField()  # UTC
    description = TextField(default='')
    location = CharField(max_length=500, default='')
    video_link = CharField(max_length=2000, default='')
    calendar_link = CharField(max_length=2000, default='')  # the event's page at the provider
    calendar_provider = CharField(max_length=20, default='')  # '' | 'google' | 'outlook'
    provider_event_id = CharField(max_length=1024, null=True)
    # The event's id across calendars (iCalendar UID): every attendee's copy of one event has
    # it, so a record's timeline shows the event once however many users synced it (R8).
    ical_uid = CharField(max_length=1024, null=True)
    organizer_email = CharField(max_length=254, default='')
    status = CharField(max_length=20, default='scheduled')  # scheduled | cancelled
    source = CharField(max_length=20, default='crm')  # crm | calendar
    # R15: a synced event later made private keeps its meeting but gets no more changes.
    frozen = BooleanField(default=False)
    started_at = DateTimeField(null=True)
    # How it went (issue 11 §1): one of OUTCOMES; a calendar cancellation sets 'canceled'.
    outcome = CharField(max_length=20, default='scheduled', constraints=[SQL("DEFAULT 'scheduled'")])
    # One of the account's meeting_types, or '' (migration 0026).
    meeting_type = CharField(max_length=100, default='', constraints=[SQL("DEFAULT ''")])
    # When the calendar last answered one of our writes of this meeting (B1): the sync does not
    # let a page listed before then overwrite the CRM's meeting (migration 0018).
    calendar_acked_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (('user', 'start', 'id'), False),
            (('account', 'start'), False),
            (('user', 'calendar_provider', 'provider_event_id'), True),
        )


OUTCOMES = ('scheduled', 'completed', 'rescheduled', 'no_show', 'canceled')


class MeetingAttendee(BaseModel):
    meeting = ForeignKeyField(Meeting, backref='attendees', on_delete='CASCADE', index=False)
    account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
    email = CharField(max_length=254)  # lower-case
    display_name = CharField(max_length=200, default='')
    response_status = CharField(max_length=20, default='needsAction')
    is_organizer = BooleanField(default=False)
    # Partial index below (migration 0009): only matched attendees are looked up by contact.
    contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL', index=False)
    position = IntegerField(default=0)

    class Meta:
        indexes = ((('meeting', 'email'), True),)


# Partial indexes (migration 0009): each holds only the rows its look-ups can ask for, so a
# synced event's meeting and attendee rows pay fewer B-tree inserts.
Meeting.add_index(Meeting.index(Meeting.created_by, name='meeting_created_by_id')
                  .where(Meeting.created_by.is_null(False)))
# R13: a series' occurrences by their shared UID, the one before a start (migration 0028).
Meeting.add_index(Meeting.index(Meeting.ical_uid, Meeting.start, name='meeting_ical_uid_start')
                  .where(Meeting.ical_uid.is_null(False)))
MeetingAttendee.add_index(MeetingAttendee.index(MeetingAttendee.contact,
                                                name='meetingattendee_contact_id')
                          .where(MeetingAttendee.contact.is_null(False)))
# By e-mail only while unmatched: a new contact links them (R11, services.meetings.link_attendees).
MeetingAttendee.add_index(MeetingAttendee.index(MeetingAttendee.account, MeetingAttendee.email,
                                                name='meetingattendee_account_id_email')
                          .where(MeetingAttendee.contact.is_null()))


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
    # When the user typed it (the client's clock, checked by the API); created_at is when the
    # server stored it, which for a note typed offline is later (B9, R20).
    typed_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    edited_at = DateTimeField(null=True)  # the last edit of its text, shown as "edited"

    class Meta:
        indexes = ((('author', 'client_id'), True), (('meeting', 'created_at'), False),
                   (('meeting', 'typed_at'), False))


class DealChange(BaseModel):
    """A deal's stage or amount changed, by whom, from which meeting (issue 11 §3)."""
    account = ForeignKeyField(Account, on_delete='CASCADE')
    deal = ForeignKeyField(Deal, on_delete='CASCADE', index=False)
    user = ForeignKeyField(User, null=True, on_delete='SET NULL')
    meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
    old_stage = CharField(max_length=50, default='')
    new_stage = CharField(max_length=50, default='')
    old_amount = DecimalField(max_digits=14, decimal_places=2, null=True)
    new_amount = DecimalField(max_digits=14, decimal_places=2, null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('deal', 'created_at'), False),)
