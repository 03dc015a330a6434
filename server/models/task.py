"""Follow-up tasks (issue 11 §2, B8): a title, a due date (and time) in the owner's zone, and
the records and meeting they came from."""
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    TimeField,
)

from server.models.account import Account, User
from server.models.base import BaseModel, utcnow
from server.models.crm import Company, Contact, Deal
from server.models.meeting import Meeting


class Task(BaseModel):
    account = ForeignKeyField(Account, on_delete='CASCADE', index=False)
    owner = ForeignKeyField(User, on_delete='CASCADE', index=False)
    title = CharField(max_length=500)
    # The owner's local date and wall-clock time (User.time_zone): "friday 3pm" stays 3pm
    # there whatever zone a colleague reads it in, and "due today" is the owner's today.
    due_date = DateField(null=True)
    due_time = TimeField(null=True)
    done = BooleanField(default=False)
    done_at = DateTimeField(null=True)
    meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
    # Who typed it (B9); the owner may be a colleague it was given to.
    created_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+', index=False)
    # Chosen by the client; a retried POST with the same id returns the first task (B2).
    client_id = CharField(max_length=64, null=True)
    # The private reminder on the owner's calendar (no attendees, no invitations), when asked.
    reminder = BooleanField(default=False)
    reminder_event_id = CharField(max_length=1024, null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('created_by', 'client_id'), True),
                   (('account', 'owner', 'done', 'due_date'), False))


class TaskContact(BaseModel):
    task = ForeignKeyField(Task, on_delete='CASCADE', index=False)
    contact = ForeignKeyField(Contact, on_delete='CASCADE')

    class Meta:
        indexes = ((('task', 'contact'), True),)


class TaskCompany(BaseModel):
    task = ForeignKeyField(Task, on_delete='CASCADE', index=False)
    company = ForeignKeyField(Company, on_delete='CASCADE')

    class Meta:
        indexes = ((('task', 'company'), True),)


class TaskDeal(BaseModel):
    task = ForeignKeyField(Task, on_delete='CASCADE', index=False)
    deal = ForeignKeyField(Deal, on_delete='CASCADE')

    class Meta:
        indexes = ((('task', 'deal'), True),)
