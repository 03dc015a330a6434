"""Issue 13 §2, §4 in real Chromium: every new record page (forms, errors, delete and bulk
confirmations, lists with filters, CSV import upload / mapping / progress / report) passes
axe-core with no serious or critical violation, runs under the CSP, and the record form is
filled and saved with the keyboard alone."""
import os
import tempfile

import pytest

from server.db import db
from server.models import Contact, ImportJob
from server.web import magic_links
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e


def signed_in(extension, server, world):
    token = magic_links.issue('e2e-secret', world.rep)  # the live server's SECRET_KEY
    page = extension.context.new_page()
    violations = []
    page.on('console', lambda m: violations.append(m.text) if 'Content Security Policy' in m.text else None)
    page.goto(f'{server.url}/sign-in/link#token={token}')
    page.get_by_role('button', name=f'Sign in as {world.rep.email}').click()
    page.wait_for_url(f'{server.url}/')
    return page, violations


def test_issue13_axe_every_new_record_page(extension, server, world):
    page, violations = signed_in(extension, server, world)
    with db.connection_context():
        lisa = Contact.create(account=world.rep.account_id, email='lisa@globex.example',
                              first_name='Lisa')
    for plural in ('contacts', 'companies', 'deals', 'tickets'):
        page.goto(f'{server.url}/{plural}')
        assert_accessible(page, f'{plural} list')
        page.goto(f'{server.url}/{plural}/new')
        assert_accessible(page, f'new {plural} form')
    page.goto(f'{server.url}/contacts/new')
    page.get_by_label('E-mail').fill('not an e-mail')
    page.get_by_role('button', name='Create contact').click()
    page.locator('.field-error').first.wait_for()
    assert_accessible(page, 'form with field errors')
    page.goto(f'{server.url}/contacts/{lisa.id}')
    page.get_by_role('button', name='Set company to Globex').wait_for()
    assert_accessible(page, 'contact with a suggested company')
    page.goto(f'{server.url}/contacts/{lisa.id}/edit')
    assert_accessible(page, 'edit contact')
    page.goto(f'{server.url}/contacts/{lisa.id}/delete')
    assert_accessible(page, 'delete confirmation')
    page.goto(f'{server.url}/contacts')
    page.get_by_label('Select Lisa').check()
    page.get_by_label('Select Pat Buyer').check()
    page.get_by_role('button', name='Continue…').click()
    page.get_by_role('button', name='Assign owner').wait_for()
    assert_accessible(page, 'bulk confirmation')
    assert violations == []


def test_issue13_import_pages_pass_axe_and_show_the_report(extension, server, world):
    page, violations = signed_in(extension, server, world)
    page.goto(f'{server.url}/contacts/import')
    assert_accessible(page, 'import upload')
    path = os.path.join(tempfile.mkdtemp(), 'people.csv')
    with open(path, 'w', encoding='utf-8-sig') as handle:
        handle.write('Email;First name\nann@new.example;Ann\nbad;Bad\n')
    page.get_by_label('CSV file').set_input_files(path)
    page.get_by_role('button', name='Upload').click()
    page.get_by_role('button', name='Import 2 rows').wait_for()
    assert_accessible(page, 'column mapping')
    page.get_by_role('button', name='Import 2 rows').click()
    page.get_by_role('heading', name='Import finished').wait_for()
    assert 'Not a valid email address.' in page.inner_text('main')
    assert_accessible(page, 'import report')
    # A job still running: the progress bar polls the status and reloads when it is done.
    with db.connection_context():
        job = ImportJob.get(ImportJob.account == world.rep.account_id)
        ImportJob.update(status='running').where(ImportJob.id == job.id).execute()
    page.goto(f'{server.url}/imports/{job.id}')
    page.get_by_role('heading', name='Importing…').wait_for()
    assert_accessible(page, 'import progress')
    with db.connection_context():
        ImportJob.update(status='done').where(ImportJob.id == job.id).execute()
    page.get_by_role('heading', name='Import finished').wait_for(timeout=5000)
    assert violations == []


def test_issue13_the_record_form_works_with_the_keyboard_alone(extension, server, world):
    page, _ = signed_in(extension, server, world)
    page.goto(f'{server.url}/companies/new')
    page.get_by_label('Name').focus()
    page.keyboard.type('Initech')
    page.keyboard.press('Tab')
    page.keyboard.type('initech.example')
    page.keyboard.press('Enter')
    page.get_by_role('heading', name='Initech').wait_for()
    assert 'initech.example' in page.inner_text('main')
