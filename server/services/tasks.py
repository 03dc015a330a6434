"""Follow-up tasks (issue 11 §2, B8): account-scoped CRUD, the due filters in the viewer's
zone (B5), the records they are about, and idempotent creation by client_id (B2).

A list is a constant number of statements whatever its length: the tasks (with owner and
meeting joined), then one statement per association kind, then the caller's counts.
"""
import datetime

from peewee import JOIN, IntegrityError, fn

from server.db import write_transaction
from server.errors import Conflict, NotFound, ValidationFailed
from server.models import (
    Company,
    Contact,
    Deal,
    Meeting,
    MeetingAttendee,
    Task,
    TaskCompany,
    TaskContact,
    TaskDeal,
    User,
    utcnow,
)
from server.services import due_dates
from server.services.hooks import meeting_hooks
from server.translatable import N_

MAX_LIMIT = 500
Owner = User.alias('owner')

# field of the API -> (link model, its record column, record model, label)
LINKS = {
    'contact_ids': (TaskContact, TaskContact.contact, Contact, 'contact'),
    'company_ids': (TaskCompany, TaskCompany.company, Company, 'company'),
    'deal_ids': (TaskDeal, TaskDeal.deal, Deal, 'deal'),
}


def today_of(user, now=None):
    """The user's local date (B5)."""
    return due_dates.local_now(now or utcnow(), user.time_zone).date()


# -- reading -------------------------------------------------------------------------------

def _select(user):
    # Only the owner's and meeting's columns the output shows: a whole User row per task
    # cost more than the rest of the list.
    return (Task.select(Task, Owner.id, Owner.name, Owner.email, Meeting.id, Meeting.title)
            .join_from(Task, Owner, on=(Task.owner == Owner.id), attr='owner')
            .join_from(Task, Meeting, JOIN.LEFT_OUTER, on=(Task.meeting == Meeting.id),
                       attr='meeting')
            .where(Task.account == user.account_id))


def _due(query, due, today):
    if due == 'today':
        return query.where(Task.due_date == today)
    if due == 'overdue':
        return query.where(Task.due_date < today, Task.done == False)
    if due == 'by_today':  # the web home's "Due today": today's and the overdue ones
        return query.where(Task.due_date <= today, Task.done == False)
    if due == 'week':
        return query.where(Task.due_date >= today,
                           Task.due_date < today + datetime.timedelta(days=7))
    return query


def list_tasks(user, owner=None, due=None, done=None, contact_id=None, company_id=None,
               deal_id=None, meeting_id=None, limit=100):
    """The account's tasks matching the filters, soonest due first (undated last)."""
    today = today_of(user)
    query = _select(user)
    if owner == 'me':
        query = query.where(Task.owner == user.id)
    elif owner is not None:
        query = query.where(Task.owner == int(owner))
    if done is not None:
        query = query.where(Task.done == done)
    if meeting_id is not None:
        query = query.where(Task.meeting == meeting_id)
    for value, link in ((contact_id, 'contact_ids'), (company_id, 'company_ids'),
                        (deal_id, 'deal_ids')):
        if value is not None:
            model, column = LINKS[link][:2]
            query = query.where(Task.id.in_(model.select(model.task).where(column == value)))
    query = _due(query, due, today)
    rows = list(query.order_by(Task.due_date.is_null(), Task.due_date, Task.due_time.is_null(),
                               Task.due_time, Task.id).limit(min(limit, MAX_LIMIT)))
    return attach(rows, today)


def attach(tasks, today):
    """Load every task's contacts, companies and deals: one statement per kind."""
    by_id = {t.id: t for t in tasks}
    for task in tasks:
        task.contacts_list, task.companies_list, task.deals_list = [], [], []
        task.is_overdue = bool(task.due_date and task.due_date < today and not task.done)
        task.is_due_today = task.due_date == today
    if not by_id:
        return tasks
    ids = list(by_id)
    for row in (Contact.select(Contact.id, Contact.first_name, Contact.last_name, Contact.email,
                               TaskContact.task).join(TaskContact, on=(TaskContact.contact == Contact.id))
                .where(TaskContact.task.in_(ids)).order_by(Contact.id).objects()):
        by_id[row.task].contacts_list.append(row)
    for row in (Company.select(Company.id, Company.name, TaskCompany.task)
                .join(TaskCompany, on=(TaskCompany.company == Company.id))
                .where(TaskCompany.task.in_(ids)).order_by(Company.id).objects()):
        by_id[row.task].companies_list.append(row)
    for row in (Deal.select(Deal.id, Deal.name, Deal.stage, TaskDeal.task)
                .join(TaskDeal, on=(TaskDeal.deal == Deal.id))
                .where(TaskDeal.task.in_(ids)).order_by(Deal.id).objects()):
        by_id[row.task].deals_list.append(row)
    return tasks


def counts(user):
    """The caller's open tasks due today and overdue (the panel's badge), one statement."""
    today = today_of(user)
    row = (Task.select(fn.SUM((Task.due_date == today).cast('integer')),
                       fn.SUM((Task.due_date < today).cast('integer')))
           .where(Task.account == user.account_id, Task.owner == user.id,
                  Task.done == False, Task.due_date <= today)
           .tuples().first())
    return {'due_today': int((row or (0, 0))[0] or 0), 'overdue': int((row or (0, 0))[1] or 0)}


def get_task(user, task_id):
    task = _select(user).where(Task.id == task_id).first()
    if task is None:
        raise NotFound(N_('Task not found.'))
    return attach([task], today_of(user))[0]


# -- checking ------------------------------------------------------------------------------

def _check(user, data):
    """Every referenced id must be in the caller's account: else a 422 naming the field."""
    errors = {}
    for field, (_, _, model, label) in LINKS.items():
        wanted = set(data.get(field) or ())
        if wanted:
            found = {i for (i,) in model.select(model.id).where(
                model.id.in_(list(wanted)), model.account == user.account_id).tuples()}
            missing = sorted(wanted - found)
            if missing:
                errors[field] = [(f'No {label} with id {", ".join(map(str, missing))} '
                                 'in your account.')]
    if data.get('meeting_id') is not None and not Meeting.select().where(
            Meeting.id == data['meeting_id'], Meeting.account == user.account_id).exists():
        errors['meeting_id'] = [f'No meeting with id {data["meeting_id"]} in your account.']
    if data.get('owner_id') is not None and not User.select().where(
            User.id == data['owner_id'], User.account == user.account_id).exists():
        errors['owner_id'] = [f'No user with id {data["owner_id"]} in your account.']
    if errors:
        raise ValidationFailed('Some referenced records do not exist.', errors)


def _write_links(task_id, data, replace):
    for field, (model, column, _, _) in LINKS.items():
        if field not in data:
            continue
        if replace:
            model.delete().where(model.task == task_id).execute()
        ids = sorted(set(data[field] or ()))
        if ids:
            model.insert_many([{'task': task_id, column.name: i} for i in ids]).execute()


# -- writing -------------------------------------------------------------------------------

def create(user, data):
    """Create a task (and its associations) in one transaction; return (task, created).

    The same client_id from the same user returns the first task (B2: once, never twice).
    """
    _check(user, data)
    client_id = data.get('client_id') or None
    now = utcnow()
    try:
        with write_transaction():
            task = Task.create(
                account=user.account_id, owner=data.get('owner_id') or user.id,
                created_by=user.id, title=data['title'], due_date=data.get('due_date'),
                due_time=data.get('due_time'), meeting=data.get('meeting_id'),
                client_id=client_id, reminder=bool(data.get('reminder')) and bool(
                    data.get('due_time')), created_at=now, updated_at=now)
            _write_links(task.id, data, replace=False)
            if task.reminder:
                meeting_hooks.run('task_reminder', task, user)
    except IntegrityError:
        existing = (Task.get_or_none(Task.created_by == user.id, Task.client_id == client_id)
                    if client_id else None)
        if existing is None:
            raise
        if existing.meeting_id != data.get('meeting_id'):
            raise Conflict('This client_id already belongs to another task.',
                           {'client_id': ['Already used for another task.']})
        return get_task(user, existing.id), False
    _after_commit()
    return get_task(user, task.id), True


def parse_text(user, text, now=None):
    """The title and due date a line of text gives, in the user's zone."""
    return due_dates.parse(text, now or utcnow(), user.time_zone)


def create_from_text(user, text, meeting_id=None, client_id=None, reminder=False,
                     typed_at=None):
    """A task typed as one line (the panel's "/task ..."), due as its last words say,
    associated with the meeting and its attendees' contacts."""
    parsed = parse_text(user, text, typed_at)
    data = {'title': parsed.title[:500], 'due_date': parsed.due_date,
            'due_time': parsed.due_time, 'meeting_id': meeting_id, 'client_id': client_id,
            'reminder': reminder}
    if meeting_id is not None:
        _check(user, {'meeting_id': meeting_id})
        data['contact_ids'] = [c for (c,) in MeetingAttendee.select(MeetingAttendee.contact)
                               .where(MeetingAttendee.meeting == meeting_id,
                                      MeetingAttendee.contact.is_null(False)).tuples()]
    task, created = create(user, data)
    task.understood = parsed.understood
    return task, created


def update(user, task_id, changes):
    task = get_task(user, task_id)
    _check(user, changes)
    fields = {k: v for k, v in changes.items()
              if k in ('title', 'due_date', 'due_time', 'reminder')}
    if 'owner_id' in changes:
        fields['owner'] = changes['owner_id']
    if 'done' in changes and changes['done'] != task.done:
        fields['done'] = changes['done']
        fields['done_at'] = utcnow() if changes['done'] else None
    due_date = fields.get('due_date', task.due_date)
    due_time = fields.get('due_time', task.due_time)
    if due_time is not None and due_date is None:
        raise ValidationFailed('A due time needs a due date.',
                               {'due_time': ['Needs a due_date.']})
    fields['updated_at'] = utcnow()
    with write_transaction():
        if fields.get('owner', task.owner_id) != task.owner_id:
            # Given to a colleague: the reminder leaves the old owner's calendar (and the
            # hook below puts one on the new owner's, if they have one connected).
            meeting_hooks.run('task_deleted', Task.get_by_id(task.id), user)
        Task.update(**fields).where(Task.id == task.id).execute()
        _write_links(task.id, changes, replace=True)
        meeting_hooks.run('task_changed', Task.get_by_id(task.id), user)
    _after_commit()
    return get_task(user, task.id)


def remove(user, task_id):
    task = get_task(user, task_id)
    with write_transaction():
        meeting_hooks.run('task_deleted', task, user)
        Task.delete().where(Task.id == task.id).execute()
    _after_commit()


def _after_commit():
    meeting_hooks.run_after_commit('task_written')
