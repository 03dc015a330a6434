"""Issue 13 §2: CSV import (upload -> mapping with a preview -> background job with progress
-> report) and export. Huey runs immediate in the tests: the import runs inside the POST."""
import csv
import io

import pytest

from server.db import db
from server.models import (
    Company,
    Contact,
    ImportJob,
    ImportRow,
    Meeting,
    MeetingContact,
)
from server.services import csv_import
from tests.web.conftest import CSRF, at, schedule


def upload(browser, raw, plural='contacts', name='people.csv'):
    return browser.post(f'/{plural}/import', {'file': (io.BytesIO(raw), name)},
                        content_type='multipart/form-data')


def start(browser, raw, mapping=None, plural='contacts'):
    response = upload(browser, raw, plural)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    job_id = int(response.headers['Location'].rsplit('/', 1)[1])
    page = browser.get(f'/imports/{job_id}')
    form = {}
    if mapping is not None:
        form = {f'column_{i}': f for i, f in mapping.items()}
    else:  # what the page proposes
        job = ImportJob.get_by_id(job_id)
        form = {f'column_{i}': f for i, f in csv_import.mapping_of(job).items()}
    assert page.status_code == 200
    response = browser.post(f'/imports/{job_id}/mapping', form)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return ImportJob.get_by_id(job_id)


def test_issue13_upload_shows_the_mapping_with_a_preview_of_the_first_rows(browser):
    raw = ('\ufeffE-mail;First Name;Company\n' + ''.join(
        f'p{i}@x.example;P{i};"Acme; Inc"\n' for i in range(8))).encode()
    response = upload(browser, raw)
    page = browser.get(response.headers['Location']).get_data(as_text=True)
    assert 'p0@x.example' in page and 'p4@x.example' in page and 'p5@x.example' not in page
    assert 'Acme; Inc' in page and '8 rows' in page
    assert '<option value="email" selected>' in page  # guessed from "E-mail"
    assert 'for="column_0"' in page


def test_issue13_r11_import_creates_and_updates_by_email_case_insensitively(browser, rep, crm):
    raw = (b'Email,First name,Last name,Company,Phone\n'
           b'HANK@Globex.example,Henry,,Globex,\n'  # an existing contact: updated, not created
           b'ann@new.example,Ann,Lee,Newco,+1 555 0100\n'
           b'ann@new.example,Annie,,,\n'  # twice in the file: one contact
           b'not-an-email,Bad,,,\n'
           b',No,Email,,\n'
           b"eve@x.example,=cmd|' /C calc'!A0,,,\n")
    job = start(browser, raw)
    assert job.status == 'done'
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 2, 3)
    hank = Contact.get_by_id(crm['contact'].id)
    assert (hank.first_name, hank.last_name, hank.company_id) == ('Henry', 'Scorpio', crm['company'].id)
    ann = Contact.get(Contact.email == 'ann@new.example')
    assert (ann.first_name, ann.last_name, ann.phone, ann.owner_id) == ('Annie', 'Lee', '+1 555 0100', rep.id)
    assert ann.company.name == 'Newco' and Company.select().where(Company.name == 'Newco').count() == 1
    assert Contact.select().count() == 2 and not Contact.select().where(Contact.email == 'eve@x.example').exists()
    reasons = {r.row_number: r.reason for r in ImportRow.select().where(ImportRow.outcome == 'skipped')}
    assert 'Not a valid email address.' in reasons[5]
    assert 'No e-mail' in reasons[6]
    assert 'formula' in reasons[7]
    page = browser.get(f'/imports/{job.id}').get_data(as_text=True)
    assert 'Import finished' in page and 'formula' in page and 'Download the report' in page
    report = browser.get(f'/imports/{job.id}/report.csv')
    assert report.mimetype == 'text/csv'
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True).lstrip('\ufeff'))))
    assert rows[0] == ['row', 'outcome', 'key', 'reason'] and len(rows) == 7
    assert [r[1] for r in rows[1:]] == ['updated', 'created', 'updated', 'skipped', 'skipped', 'skipped']
    assert ImportJob.get_by_id(job.id).content == ''  # the file is not kept once imported


def test_issue13_r11_an_imported_contact_gets_its_meetings(browser, rep):
    meeting = schedule(rep, 'Intro', at(1), ['zoe@prospect.example'])
    start(browser, b'Email\nZoe@Prospect.example\n')
    zoe = Contact.get(Contact.email == 'zoe@prospect.example')
    assert MeetingContact.select().where(MeetingContact.meeting == meeting.id,
                                         MeetingContact.contact == zoe.id).exists()
    assert Meeting.select().count() == 1


def test_issue13_import_companies_updates_by_domain(browser, crm):
    job = start(browser, b'Name,Website\nGlobex Corp,https://www.globex.example/\nInitech,initech.example\n'
                         b'Bad,not a domain\n', plural='companies')
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 1, 1)
    assert Company.get_by_id(crm['company'].id).name == 'Globex Corp'
    assert Company.get(Company.name == 'Initech').domain == 'initech.example'


def test_issue13_the_progress_status_is_small_json(browser):
    job = start(browser, b'Email\na@x.example\nb@x.example\n')
    status = browser.get(f'/imports/{job.id}/status').json
    assert status == {'id': job.id, 'status': 'done', 'total': 2, 'processed': 2, 'created': 2,
                      'updated': 0, 'skipped': 0, 'percent': 100, 'error': ''}


def test_issue13_a_stopped_import_resumes_without_duplicates_or_gaps(browser, rep):
    raw = ('Email,First name\n' + ''.join(f'p{i}@x.example,P{i}\n' for i in range(25))).encode()
    with db.connection_context():
        job = csv_import.create_job(rep, 'contacts', 'p.csv', raw)
        job = csv_import.set_mapping(rep, job, {0: 'email', 1: 'first_name'})
        job = csv_import.run(job.id, batch_size=10, max_batches=1)  # the worker dies here
    assert (job.status, job.processed_rows, Contact.select().count()) == ('running', 10, 10)
    page = browser.get(f'/imports/{job.id}').get_data(as_text=True)
    assert 'Importing' in page and 'data-status-url' in page
    with db.connection_context():
        ImportJob.update(updated_at=at(-3650)).where(ImportJob.id == job.id).execute()
    assert 'Resume the import' in browser.get(f'/imports/{job.id}').get_data(as_text=True)
    assert browser.post(f'/imports/{job.id}/resume').status_code == 303
    job = ImportJob.get_by_id(job.id)
    assert (job.status, job.processed_rows, job.created_count) == ('done', 25, 25)
    assert Contact.select().count() == 25 and ImportRow.select().count() == 25
    assert browser.post(f'/imports/{job.id}/resume').status_code == 303  # done: nothing again
    assert Contact.select().count() == 25


@pytest.mark.parametrize('raw,message', [
    (b'PK\x03\x04\x14\x00' + bytes(range(256)) * 10, 'not a CSV file'),
    (b'\x89PNG\r\n\x1a\n\x00\x00', 'not a CSV file'),
    (b'Name\n\xff\xfe\xfd\n', 'not UTF-8'),
    ((','.join(f'c{i}' for i in range(10_000)) + '\nx\n').encode(), '10,000 columns'),
    (b'', 'Choose a CSV file'),
    (b'Email\n', 'no rows'),
])
def test_issue13_files_that_cannot_be_imported_are_refused_with_the_reason(browser, raw, message):
    response = upload(browser, raw) if raw else browser.post(
        '/contacts/import', {}, content_type='multipart/form-data')
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert ImportJob.select().count() == 0


def test_issue13_a_50_mb_file_is_refused_before_it_is_read(browser):
    # The multipart body written out (the test client would spool a file it never closes).
    boundary = 'b0undary'
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{CSRF}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nEmail\r\n').encode()
    body += b'a@x.example\n' * (50 * 1024 * 1024 // 12) + f'\r\n--{boundary}--\r\n'.encode()
    response = browser.client.post('/contacts/import', data=body,
                                   content_type=f'multipart/form-data; boundary={boundary}')
    assert response.status_code == 413
    assert 'larger than 10 MB' in response.get_data(as_text=True)
    assert ImportJob.select().count() == 0


def test_issue13_the_mapping_needs_the_email_and_each_field_once(browser):
    response = upload(browser, b'Email,Name,Other\na@x.example,A,B\n')
    job_id = int(response.headers['Location'].rsplit('/', 1)[1])
    response = browser.post(f'/imports/{job_id}/mapping', {'column_1': 'first_name'})
    assert response.status_code == 422 and 'Pick the column that holds the E-mail' in response.get_data(as_text=True)
    response = browser.post(f'/imports/{job_id}/mapping', {'column_0': 'email', 'column_1': 'email'})
    assert response.status_code == 422 and 'already taken' in response.get_data(as_text=True)
    response = browser.post(f'/imports/{job_id}/mapping', {'column_0': 'email', 'column_99': 'phone',
                                                            'column_2': 'password'})
    assert response.status_code == 422
    assert ImportJob.get_by_id(job_id).status == 'uploaded' and Contact.select().count() == 0


def test_issue13_export_is_formula_injection_safe(browser, rep):
    with db.connection_context():
        Contact.create(account=rep.account_id, email='x@evil.example', first_name="=cmd|' /C calc'!A0",
                       last_name='@SUM(A1)', phone='+1 555', job_title='-2+3')
    response = browser.get('/contacts/export.csv')
    assert response.mimetype == 'text/csv' and 'attachment' in response.headers['Content-Disposition']
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip('\ufeff'))))
    assert rows[0][:3] == ['Email', 'First name', 'Last name']
    assert rows[1][1:5] == ["'=cmd|' /C calc'!A0", "'@SUM(A1)", "'+1 555", "'-2+3"]


@pytest.mark.parametrize('plural', ['contacts', 'companies', 'deals'])
def test_issue13_export_follows_the_list_search_and_holds_every_page(browser, rep, crm, plural):
    with db.connection_context():
        for i in range(600):  # more than one export page
            Company.create(account=rep.account_id, name=f'Bulk {i:03}')
            Contact.create(account=rep.account_id, email=f'b{i:03}@bulk.example')
    rows = list(csv.reader(io.StringIO(browser.get(f'/{plural}/export.csv').get_data(as_text=True))))
    expected = {'contacts': 601, 'companies': 601, 'deals': 1}[plural]
    assert len(rows) == expected + 1
    rows = list(csv.reader(io.StringIO(browser.get(f'/{plural}/export.csv?q=globex').get_data(as_text=True))))
    assert len(rows) == 2


def test_issue13_a_second_run_of_a_job_never_imports_a_batch_twice(rep):
    """Two runs of one job (a resume while the first worker still ran): each batch is committed
    by one of them only, so counts, contacts and report rows are exact."""
    raw = ('Email\n' + ''.join(f'q{i}@x.example\n' for i in range(30))).encode()
    with db.connection_context():
        job = csv_import.create_job(rep, 'contacts', 'q.csv', raw)
        job = csv_import.set_mapping(rep, job, {0: 'email'})
        csv_import.run(job.id, batch_size=10, max_batches=1)
        stale = ImportJob.get_by_id(job.id)
        # The slow run read its start (10) before the other run committed rows 10-19.
        csv_import.run(job.id, batch_size=10, max_batches=1)
        header, mapping = ['Email'], {0: 'email'}
        batch = [(12 + i, [f'q{10 + i}@x.example']) for i in range(10)]
        assert csv_import._commit_batch(stale, header, mapping, batch, 10) is False
        job = csv_import.run(job.id, batch_size=10)
    assert (job.status, job.processed_rows, job.created_count) == ('done', 30, 30)
    assert Contact.select().count() == 30 and ImportRow.select().count() == 30


def test_issue13_the_periodic_task_resumes_an_import_whose_worker_died(rep):
    from server import tasks
    raw = ('Email\n' + ''.join(f'r{i}@x.example\n' for i in range(15))).encode()
    with db.connection_context():
        job = csv_import.create_job(rep, 'contacts', 'r.csv', raw)
        job = csv_import.set_mapping(rep, job, {0: 'email'})
        csv_import.run(job.id, batch_size=10, max_batches=1)
        assert tasks.resume_stale_imports.call_local() == 0  # still fresh: maybe still running
        ImportJob.update(updated_at=at(-3650)).where(ImportJob.id == job.id).execute()
    assert tasks.resume_stale_imports.call_local() == 1
    job = ImportJob.get_by_id(job.id)
    assert (job.status, job.created_count, Contact.select().count()) == ('done', 15, 15)
