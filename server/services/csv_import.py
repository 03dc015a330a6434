"""Import contacts and companies from CSV (issue 13 §2): upload, map columns, run in batches.

The upload is checked whole before anything is stored (not text, not UTF-8, too many columns
or rows, unreadable CSV: refused with the reason). Rows are then imported in batches, each
one transaction that writes its records, its report rows and the job's progress together,
so a job stopped anywhere (a worker killed, a deploy) resumes at the first row not committed:
no row twice, none lost, never half a batch. A row that cannot be imported is skipped with
its reason (a bad e-mail, a formula, a cell too long): the rest of the file goes on.

Contacts whose e-mail is already in the account (R11: case-insensitively) are updated with
the file's non-empty cells, not created again.
"""
import csv
import io
import json

from marshmallow import ValidationError
from peewee import IntegrityError, fn

from server.db import lock_row, write_transaction
from server.errors import NotFound, ValidationFailed
from server.models import (
    Company,
    Contact,
    ImportJob,
    ImportRow,
    MeetingAttendee,
    MeetingContact,
    utcnow,
)
from server.schemas.companies import CompanyInSchema
from server.schemas.contacts import ContactInSchema
from server.services import csv_rules
from server.translatable import N_, Sentence

BATCH_SIZE = 500
MAX_BYTES = 10 * 1024 * 1024  # the upload limit (the web page sets it on the request)
KINDS = ('contacts', 'companies')
# field -> label, in the order the mapping page offers them
FIELDS = {
    'contacts': {'email': N_('E-mail'), 'first_name': N_('First name'), 'last_name': N_('Last name'),
                 'phone': N_('Phone'), 'job_title': N_('Job title'), 'company': N_('Company name')},
    'companies': {'name': N_('Name'), 'domain': N_('Domain')},
}
REQUIRED = {'contacts': 'email', 'companies': 'name'}
# Sentences built below from these values, marked for the catalogue (a page translates them).
_BUILT = (N_('Same domain.'), N_('Same name.'), N_('Pick the column that holds the E-mail.'),
          N_('Pick the column that holds the Name.'))
COMPANY_NAME_MAX = 200


# -- the job ---------------------------------------------------------------------------------

def create_job(user, kind, filename, raw):
    """Check an uploaded file and keep it as a job awaiting its column mapping."""
    if kind not in KINDS:
        raise NotFound(N_('Only contacts and companies can be imported.'))
    if len(raw) > MAX_BYTES:
        raise ValidationFailed('The file is too large.', {'file': [
            Sentence(N_('The file is larger than %(length)s MB: split it.'),
                     length=MAX_BYTES // (1024 * 1024))]})
    try:
        text = csv_rules.decode(raw)
        delimiter = csv_rules.sniff_delimiter(text)
        header, count = csv_rules.check_file(text, delimiter)
    except csv_rules.FileRefused as error:
        raise ValidationFailed(str(error), {'file': [str(error)]}) from None
    if count == 0:
        raise ValidationFailed('The file has no rows.', {'file': [
            N_('The file has a header line but no rows to import.')]})
    mapping = csv_rules.guess_mapping(header, FIELDS[kind])
    with write_transaction():
        return ImportJob.create(account=user.account_id, user=user.id, kind=kind,
                                filename=(filename or '')[:255], delimiter=delimiter,
                                content=text, total_rows=count,
                                mapping=json.dumps({str(k): v for k, v in mapping.items()}))


def get_job(user, job_id):
    """An import of the caller's account, or NotFound."""
    job = ImportJob.get_or_none(ImportJob.id == job_id, ImportJob.account == user.account_id)
    if job is None:
        raise NotFound(N_('Import not found.'))
    return job


def recent_jobs(user, limit=10):
    fields = [f for name, f in ImportJob._meta.fields.items() if name != 'content']
    return list(ImportJob.select(*fields).where(ImportJob.account == user.account_id)
                .order_by(ImportJob.id.desc()).limit(limit))


def mapping_of(job):
    return {int(k): v for k, v in json.loads(job.mapping or '{}').items()}


def preview(job):
    return csv_rules.preview(job.content, job.delimiter)


def set_mapping(user, job, chosen):
    """Take the mapping page's choice ({column index: field or ''}) and queue the job."""
    if job.status != 'uploaded':
        raise ValidationFailed(N_('This import has already started.'), {'_form': [
            N_('This import has already started.')]})
    header, _ = preview(job)
    fields = FIELDS[job.kind]
    mapping, errors = {}, {}
    for index, field in chosen.items():
        if not field:
            continue
        if not isinstance(index, int) or not 0 <= index < len(header) or field not in fields:
            errors.setdefault('_form', []).append(N_('Pick a field for each column from the list.'))
        elif field in mapping.values():
            errors[f'column_{index}'] = [f'{fields[field]} is already taken by another column.']
        else:
            mapping[index] = field
    required = REQUIRED[job.kind]
    if required not in mapping.values() and not errors:
        errors['_form'] = [f'Pick the column that holds the {fields[required]}.']
    if errors:
        raise ValidationFailed('The column mapping is not complete.', errors)
    with write_transaction():
        updated = ImportJob.update(mapping=json.dumps({str(k): v for k, v in mapping.items()}),
                                   status='queued', updated_at=utcnow()).where(
            ImportJob.id == job.id, ImportJob.status == 'uploaded').execute()
    if not updated:
        raise ValidationFailed(N_('This import has already started.'), {'_form': [
            N_('This import has already started.')]})
    return ImportJob.get_by_id(job.id)


def can_resume(job, now=None, stale_seconds=120):
    """A failed job, or one running with no progress for a while (its worker died)."""
    if job.status == 'failed':
        return True
    if job.status in ('queued', 'running'):
        return ((now or utcnow()) - job.updated_at).total_seconds() > stale_seconds
    return False


def status(job):
    """The small JSON the progress bar polls."""
    percent = 100 if job.status == 'done' else (
        int(job.processed_rows * 100 / job.total_rows) if job.total_rows else 0)
    return {'id': job.id, 'status': job.status, 'total': job.total_rows,
            'processed': job.processed_rows, 'created': job.created_count,
            'updated': job.updated_count, 'skipped': job.skipped_count, 'percent': percent,
            'error': job.error}


def report_rows(job, outcome=None, limit=None):
    query = ImportRow.select().where(ImportRow.job == job.id)
    if outcome:
        query = query.where(ImportRow.outcome == outcome)
    query = query.order_by(ImportRow.row_number)
    return list(query.limit(limit)) if limit else query


def report_csv(job):
    """The report as CSV text chunks: one line per data row of the file."""
    yield '\ufeff'
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(['row', 'outcome', 'key', 'reason'])
    for row in report_rows(job).iterator():
        writer.writerow([row.row_number, row.outcome, csv_rules.escape_cell(row.key),
                         csv_rules.escape_cell(row.reason)])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# -- running ---------------------------------------------------------------------------------

def run(job_id, batch_size=BATCH_SIZE, max_batches=None):
    """Import the job's rows from the first one not committed; returns the job.

    ``max_batches`` stops early (as a killed worker would): running again resumes."""
    job = ImportJob.get_or_none(ImportJob.id == job_id)
    if job is None or job.status in ('uploaded', 'done'):
        return job
    ImportJob.update(status='running', error='', updated_at=utcnow()).where(
        ImportJob.id == job.id).execute()
    mapping = mapping_of(job)
    rows = csv_rules.reader(job.content, job.delimiter)
    header = next(rows)
    done = job.processed_rows
    for _ in range(done):  # the rows committed by earlier runs
        next(rows, None)
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = []
        for record in rows:
            batch.append((done + len(batch) + 2, record))  # the header is row 1
            if len(batch) == batch_size:
                break
        if not batch:
            break
        if not _commit_batch(job, header, mapping, batch, done):
            return ImportJob.get_by_id(job.id)  # another run of this job is ahead: it goes on
        done += len(batch)
        batches += 1
    else:
        return ImportJob.get_by_id(job.id)
    ImportJob.update(status='done', finished_at=utcnow(), updated_at=utcnow(),
                     content='').where(ImportJob.id == job.id,
                                       ImportJob.processed_rows == job.total_rows).execute()
    return ImportJob.get_by_id(job.id)


def stale_jobs(now=None, stale_seconds=120):
    """Ids of jobs queued or running with no progress for a while: their worker died."""
    import datetime
    since = (now or utcnow()) - datetime.timedelta(seconds=stale_seconds)
    return [j.id for j in ImportJob.select(ImportJob.id).where(
        ImportJob.status.in_(('queued', 'running')), ImportJob.updated_at < since)]


def fail(job_id, message):
    ImportJob.update(status='failed', error=message[:2000], updated_at=utcnow()).where(
        ImportJob.id == job_id).execute()


def _commit_batch(job, header, mapping, batch, start):
    """One transaction: the batch's records, report rows and the job's counters. False (and
    nothing written) when the job's progress is no longer ``start``: another run of it (a
    resume while a slow worker still ran) committed this batch already."""
    for attempt in (1, 2):
        try:
            with write_transaction():
                lock_row(ImportJob, job.id)  # runs of one job queue here (SQLite: BEGIN IMMEDIATE)
                current = ImportJob.select(ImportJob.processed_rows).where(
                    ImportJob.id == job.id).scalar()
                if current != start:
                    return False
                outcomes = IMPORTERS[job.kind](job, header, mapping, batch)
                ImportRow.insert_many(
                    [{'job': job.id, 'row_number': n, 'outcome': o, 'key': k[:254],
                      'reason': r} for n, o, k, r in outcomes]).execute()
                counts = {o: sum(1 for x in outcomes if x[1] == o)
                          for o in ('created', 'updated', 'skipped')}
                ImportJob.update(
                    processed_rows=ImportJob.processed_rows + len(batch),
                    created_count=ImportJob.created_count + counts['created'],
                    updated_count=ImportJob.updated_count + counts['updated'],
                    skipped_count=ImportJob.skipped_count + counts['skipped'],
                    updated_at=utcnow()).where(ImportJob.id == job.id).execute()
            return True
        except IntegrityError:
            # Someone created one of these e-mails meanwhile: the whole batch again, now
            # updating that contact (the rolled-back attempt wrote nothing).
            if attempt == 2:
                raise


def _cells(header, mapping, record):
    """{field: stripped cell} of one row, or (None, reason)."""
    if len(record) > len(header):
        extra = record[len(header):]
        if any(cell.strip() for cell in extra):
            return None, (f'The row has {len(record):,} cells but the header names '
                          f'{len(header):,} columns.')
    values = {}
    for index, field in mapping.items():
        value = record[index].strip() if index < len(record) else ''
        if len(value) > csv_rules.MAX_CELL:
            return None, f'{header[index] or field}: the cell is too long.'
        if csv_rules.looks_like_formula(value):
            return None, (f'{header[index] or field}: "{value[:40]}" looks like a spreadsheet '
                          'formula; formulas are not imported.')
        if value:
            values[field] = value
    return values, None


def _schema_reason(error):
    parts = []
    for field, problems in sorted(error.messages.items()):
        problems = problems if isinstance(problems, list) else [problems]
        parts.append(f'{field}: ' + ' '.join(str(p) for p in problems))
    return '; '.join(parts)


_contact_schema = ContactInSchema()
_company_schema = CompanyInSchema()


def _import_contacts(job, header, mapping, batch):
    outcomes, wanted = [], []  # (row_number, data, company name)
    for number, record in batch:
        values, reason = _cells(header, mapping, record)
        if values is None:
            outcomes.append((number, 'skipped', '', reason))
            continue
        company = values.pop('company', '')
        if not values.get('email'):
            outcomes.append((number, 'skipped', '', N_('No e-mail: a contact needs one.')))
            continue
        if len(company) > COMPANY_NAME_MAX:
            outcomes.append((number, 'skipped', values['email'],
                             f'company: Longer than maximum length {COMPANY_NAME_MAX}.'))
            continue
        try:
            data = _contact_schema.load(values)
        except ValidationError as error:
            outcomes.append((number, 'skipped', values['email'], _schema_reason(error)))
            continue
        wanted.append((number, data, company))
    account = job.account_id
    emails = list({data['email'] for _, data, _ in wanted})
    existing = {c.email: c.id for c in Contact.select(Contact.id, Contact.email).where(
        Contact.account == account, Contact.email.in_(emails))} if emails else {}
    companies = _companies_by_name(account, {c for _, _, c in wanted if c})
    creates, updates = {}, {}
    for number, data, company in wanted:
        if company:
            data['company'] = companies[company.casefold()]
        email = data['email']
        if email in existing:
            updates.setdefault(email, {}).update(data)
            outcomes.append((number, 'updated', email, ''))
        elif email in creates:
            creates[email].update(data)  # the same person twice in the file: the later cells win
            outcomes.append((number, 'updated', email, N_('Repeats an earlier row of this file.')))
        else:
            creates[email] = dict(data, account=account, owner=job.user_id)
            outcomes.append((number, 'created', email, ''))
    for email, data in updates.items():
        Contact.update(**data).where(Contact.id == existing[email]).execute()
    if creates:
        rows = [dict({'first_name': '', 'last_name': '', 'phone': '', 'job_title': '',
                      'company': None, 'created_at': utcnow()}, **d) for d in creates.values()]
        Contact.insert_many(rows).execute()
        _link_attendees(account, list(creates))
    outcomes.sort()
    return outcomes


def _companies_by_name(account, names):
    """{casefolded name: company id}, creating the companies not in the account yet."""
    if not names:
        return {}
    folded = {}
    for name in names:
        folded.setdefault(name.casefold(), name)
    found = {}
    for company in Company.select(Company.id, Company.name).where(
            Company.account == account, fn.LOWER(Company.name).in_(
                [n.lower() for n in folded.values()])).order_by(Company.id):
        found.setdefault(company.name.casefold(), company.id)
    for key, name in folded.items():
        if key not in found:
            found[key] = Company.create(account=account, name=name).id
    return found


def _link_attendees(account, emails):
    """R11 for the contacts just created: their meeting attendees become them, and the
    meetings join their timelines (services.meetings.link_attendees, for a whole batch)."""
    for chunk in (emails[i:i + 500] for i in range(0, len(emails), 500)):
        attendees = list(MeetingAttendee.select(MeetingAttendee.email, MeetingAttendee.meeting)
                         .where(MeetingAttendee.account == account,
                                MeetingAttendee.email.in_(chunk),
                                MeetingAttendee.contact.is_null()))
        if not attendees:
            continue
        ids = {c.email: c.id for c in Contact.select(Contact.id, Contact.email).where(
            Contact.account == account, Contact.email.in_({a.email for a in attendees}))}
        for email, contact_id in ids.items():
            MeetingAttendee.update(contact=contact_id).where(
                MeetingAttendee.account == account, MeetingAttendee.email == email,
                MeetingAttendee.contact.is_null()).execute()
        pairs = {(a.meeting_id, ids[a.email]) for a in attendees if a.email in ids}
        if pairs:
            MeetingContact.insert_many([{'meeting': m, 'contact': c}
                                        for m, c in sorted(pairs)]).execute()


def _import_companies(job, header, mapping, batch):
    outcomes, wanted = [], []
    for number, record in batch:
        values, reason = _cells(header, mapping, record)
        if values is None:
            outcomes.append((number, 'skipped', '', reason))
            continue
        if not values.get('name'):
            outcomes.append((number, 'skipped', '', N_('No name: a company needs one.')))
            continue
        try:
            data = _company_schema.load(values)
        except ValidationError as error:
            outcomes.append((number, 'skipped', values['name'], _schema_reason(error)))
            continue
        wanted.append((number, data))
    account = job.account_id
    domains = list({d['domain'] for _, d in wanted if d.get('domain')})
    by_domain = {}
    if domains:
        for company in Company.select(Company.id, Company.domain).where(
                Company.account == account, Company.domain.in_(domains)).order_by(Company.id):
            by_domain.setdefault(company.domain, company.id)
    names = list({d['name'].lower() for _, d in wanted if not d.get('domain')})
    by_name = {}
    if names:
        for company in Company.select(Company.id, Company.name).where(
                Company.account == account, fn.LOWER(Company.name).in_(names)).order_by(Company.id):
            by_name.setdefault(company.name.casefold(), company.id)
    for number, data in wanted:
        key = ('domain', data['domain']) if data.get('domain') else ('name', data['name'].casefold())
        index = by_domain if key[0] == 'domain' else by_name
        if key[1] in index:
            Company.update(**data).where(Company.id == index[key[1]]).execute()
            outcomes.append((number, 'updated', data['name'], f'Same {key[0]}.'))
        else:
            index[key[1]] = Company.create(account=account, **data).id
            outcomes.append((number, 'created', data['name'], ''))
    outcomes.sort()
    return outcomes


IMPORTERS = {'contacts': _import_contacts, 'companies': _import_companies}
