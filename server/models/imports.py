"""CSV imports (issue 13 §2): the uploaded file, its column mapping, progress and report."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server.models.account import Account, User
from server.models.base import BaseModel, utcnow


class ImportJob(BaseModel):
    """One upload: the decoded file is kept here until the job is done (no file on disk to
    lose between the upload, the mapping and the worker). ``processed_rows`` is where the
    next batch starts: each batch commits its records, its report rows and this counter
    together, so a job stopped anywhere resumes without a duplicate or a gap."""
    account = ForeignKeyField(Account, on_delete='CASCADE')
    user = ForeignKeyField(User, on_delete='CASCADE')
    kind = CharField(max_length=20)  # 'contacts' | 'companies'
    filename = CharField(max_length=255, default='')
    delimiter = CharField(max_length=1, default=',')
    content = TextField(default='')  # the file as text (UTF-8 decoded, BOM removed)
    mapping = TextField(default='{}')  # JSON {column index: field}
    # uploaded -> queued -> running -> done (or failed, with ``error``)
    status = CharField(max_length=20, default='uploaded')
    total_rows = IntegerField(default=0)
    processed_rows = IntegerField(default=0)
    created_count = IntegerField(default=0)
    updated_count = IntegerField(default=0)
    skipped_count = IntegerField(default=0)
    error = TextField(default='')
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    class Meta:
        indexes = ((('account', 'created_at'), False),)


class ImportRow(BaseModel):
    """What happened to one data row of an import (the report, downloadable as CSV)."""
    job = ForeignKeyField(ImportJob, on_delete='CASCADE')
    row_number = IntegerField()  # the line's number in the file, the header being line 1
    outcome = CharField(max_length=10)  # 'created' | 'updated' | 'skipped'
    key = CharField(max_length=254, default='')  # the e-mail (contacts) or name (companies)
    reason = TextField(default='')

    class Meta:
        indexes = ((('job', 'row_number'), True),)
