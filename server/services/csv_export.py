"""Export contacts, companies and deals to CSV (issue 13 §2), formula-injection safe.

Rows are read page by page through the lists' own keyset query (the same search and filters
as the page the user exported from), so memory stays flat whatever the account's size.
"""
import csv
import io

from server.services import records
from server.services.csv_rules import escape_cell

PAGE = 500
COLUMNS = {
    'contacts': (('Email', 'email'), ('First name', 'first_name'), ('Last name', 'last_name'),
                 ('Phone', 'phone'), ('Job title', 'job_title'), ('Company', 'company_name'),
                 ('Owner', 'owner_email'), ('Created', 'created_at')),
    'companies': (('Name', 'name'), ('Domain', 'domain'), ('Created', 'created_at')),
    'deals': (('Name', 'name'), ('Stage', 'stage'), ('Amount', 'amount'),
              ('Company', 'company_name'), ('Owner', 'owner_email'), ('Created', 'created_at')),
}


def _value(record, name):
    if name == 'company_name':
        return record.company.name if record.company_id else ''
    if name == 'owner_email':
        return record.owner.email if record.owner_id else ''
    value = getattr(record, name)
    if hasattr(value, 'isoformat'):
        return value.isoformat(timespec='seconds') + 'Z'
    return value


def rows(user, kind_name, **query):
    """The CSV text in chunks: a BOM (so spreadsheets read UTF-8), the header, every row."""
    columns = COLUMNS[kind_name]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write('\ufeff')
    writer.writerow([title for title, _ in columns])
    cursor = None
    while True:
        items, cursor = records.list_records(user, kind_name, cursor=cursor, limit=PAGE, **query)
        for item in items:
            writer.writerow([escape_cell(_value(item, name)) for _, name in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if cursor is None:
            return
