"""Follow-up tasks (issue 11 §2): the task, and its contacts, companies and deals.

A task's due date and optional time are the owner's local ones; its meeting is the call it
came from; ``client_id`` makes a retried POST (the panel's outbox, B2) return the first task.
"""
from peewee import *


def up(migrator, db):
    def table(name, **fields):
        meta = type('Meta', (), {'database': db, 'table_name': name})
        return type(name.title().replace('_', ''), (Model,), {'Meta': meta, **fields})

    account, user, meeting = table('account'), table('user'), table('meeting')
    task = table('task', account=ForeignKeyField(account, on_delete='CASCADE', index=False),
                 owner=ForeignKeyField(user, on_delete='CASCADE', index=False),
                 title=CharField(max_length=500),
                 due_date=DateField(null=True), due_time=TimeField(null=True),
                 done=BooleanField(default=False), done_at=DateTimeField(null=True),
                 meeting=ForeignKeyField(meeting, null=True, on_delete='SET NULL'),
                 created_by=ForeignKeyField(user, null=True, on_delete='SET NULL', index=False),
                 client_id=CharField(max_length=64, null=True),
                 reminder=BooleanField(default=False),
                 reminder_event_id=CharField(max_length=1024, null=True),
                 created_at=DateTimeField(), updated_at=DateTimeField())
    task._meta.indexes = ((('created_by', 'client_id'), True),
                          (('account', 'owner', 'done', 'due_date'), False))
    links = []
    for name, other in (('task_contact', 'contact'), ('task_company', 'company'),
                        ('task_deal', 'deal')):
        model = table(name, task=ForeignKeyField(task, on_delete='CASCADE', index=False),
                      **{other: ForeignKeyField(table(other), on_delete='CASCADE')})
        model._meta.indexes = ((('task', other), True),)
        links.append(model)
    db.create_tables([task, *links], safe=True)


def down(migrator, db):
    for name in ('task_deal', 'task_company', 'task_contact', 'task'):
        migrator.migrate(migrator.drop_table(name))
