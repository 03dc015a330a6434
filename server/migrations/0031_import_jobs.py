"""CSV imports of contacts and companies (issue 13 §2): the job and its per-row report."""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    def table(name, **fields):
        meta = type('Meta', (), {'database': db, 'table_name': name})
        return type(name.title().replace('_', ''), (Model,), {'Meta': meta, **fields})  # noqa: F405

    account, user = table('account'), table('user')
    job = table('import_job',
                account=ForeignKeyField(account, on_delete='CASCADE'),  # noqa: F405
                user=ForeignKeyField(user, on_delete='CASCADE'),  # noqa: F405
                kind=CharField(max_length=20),  # noqa: F405
                filename=CharField(max_length=255, default=''),  # noqa: F405
                delimiter=CharField(max_length=1, default=','),  # noqa: F405
                content=TextField(default=''),  # noqa: F405
                mapping=TextField(default='{}'),  # noqa: F405
                status=CharField(max_length=20, default='uploaded'),  # noqa: F405
                total_rows=IntegerField(default=0),  # noqa: F405
                processed_rows=IntegerField(default=0),  # noqa: F405
                created_count=IntegerField(default=0),  # noqa: F405
                updated_count=IntegerField(default=0),  # noqa: F405
                skipped_count=IntegerField(default=0),  # noqa: F405
                error=TextField(default=''),  # noqa: F405
                created_at=DateTimeField(),  # noqa: F405
                updated_at=DateTimeField(),  # noqa: F405
                finished_at=DateTimeField(null=True))  # noqa: F405
    job._meta.indexes = ((('account', 'created_at'), False),)
    row = table('import_row',
                job=ForeignKeyField(job, on_delete='CASCADE'),  # noqa: F405
                row_number=IntegerField(),  # noqa: F405
                outcome=CharField(max_length=10),  # noqa: F405
                key=CharField(max_length=254, default=''),  # noqa: F405
                reason=TextField(default=''))  # noqa: F405
    row._meta.indexes = ((('job', 'row_number'), True),)
    db.create_tables([job, row], safe=True)


def down(migrator, db):
    for name in ('import_row', 'import_job'):
        migrator.migrate(migrator.drop_table(name))
