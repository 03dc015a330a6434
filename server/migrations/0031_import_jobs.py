"""CSV imports of contacts and companies (issue 13 §2): the job and its per-row report."""
from peewee import *


def up(migrator, db):
    def table(name, **fields):
        meta = type('Meta', (), {'database': db, 'table_name': name})
        return type(name.title().replace('_', ''), (Model,), {'Meta': meta, **fields})

    account, user = table('account'), table('user')
    job = table('import_job',
                account=ForeignKeyField(account, on_delete='CASCADE'),
                user=ForeignKeyField(user, on_delete='CASCADE'),
                kind=CharField(max_length=20),
                filename=CharField(max_length=255, default=''),
                delimiter=CharField(max_length=1, default=','),
                content=TextField(default=''),
                mapping=TextField(default='{}'),
                status=CharField(max_length=20, default='uploaded'),
                total_rows=IntegerField(default=0),
                processed_rows=IntegerField(default=0),
                created_count=IntegerField(default=0),
                updated_count=IntegerField(default=0),
                skipped_count=IntegerField(default=0),
                error=TextField(default=''),
                created_at=DateTimeField(),
                updated_at=DateTimeField(),
                finished_at=DateTimeField(null=True))
    job._meta.indexes = ((('account', 'created_at'), False),)
    row = table('import_row',
                job=ForeignKeyField(job, on_delete='CASCADE'),
                row_number=IntegerField(),
                outcome=CharField(max_length=10),
                key=CharField(max_length=254, default=''),
                reason=TextField(default=''))
    row._meta.indexes = ((('job', 'row_number'), True),)
    db.create_tables([job, row], safe=True)


def down(migrator, db):
    for name in ('import_row', 'import_job'):
        migrator.migrate(migrator.drop_table(name))
