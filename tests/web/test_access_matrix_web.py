"""Issue 13 §4: the cross-account matrix for the web pages. Every web route that takes a
record or import id (walked from the URL map, so pages added later are covered), every
method, from a signed-in user of another account: 404, and nothing in the database changes.
Members and admins alike use the record pages (as the API lets both), so no route here is
admin-only."""
import io

import pytest

from server.db import db
from server.models import Contact
from tests.api.test_access_matrix import snapshot
from tests.clock import ahead
from tests.web.conftest import Browser, make_user, schedule

ID_ARGUMENTS = ('record_id', 'job_id', 'meeting_id')


def id_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith('web.')
            and set(rule.arguments) & set(ID_ARGUMENTS)]


@pytest.fixture
def owned(browser, rep, crm):
    response = browser.post('/contacts/import', {'file': (io.BytesIO(b'Email\na@x.example\n'), 'a.csv')},
                            content_type='multipart/form-data')
    job = int(response.headers['Location'].rsplit('/', 1)[1])
    meeting = schedule(rep, 'Kick-off', ahead(), contact_ids=[crm['contact'].id])
    with db.connection_context():
        Contact.create(account=rep.account_id, email='lisa@globex.example')  # a suggestion
    return crm, job, meeting.id


def test_issue13_record_and_import_pages_of_every_kind_answer_404_to_another_account(app, owned):
    crm, job, meeting_id = owned
    intruder = Browser(app.test_client(), make_user('eve@evil.example', 'Evil'))
    rules = id_rules(app)
    endpoints = {rule.endpoint for rule in rules}
    for expected in ('web.edit_record', 'web.delete_record', 'web.accept_company', 'web.import_job',
                     'web.import_mapping', 'web.import_status', 'web.import_report',
                     'web.import_resume', 'web.record'):
        assert expected in endpoints
    before = snapshot()
    failures, walked = [], 0
    for rule in rules:
        plurals = ['contacts'] if 'plural' not in rule.arguments else ['contacts', 'companies', 'deals', 'tickets']
        for plural in plurals:
            values = {'record_id': crm[plural].id, 'job_id': job, 'meeting_id': meeting_id,
                      'plural': plural}
            path = rule.build({a: values[a] for a in rule.arguments})[1]
            for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
                response = intruder.get(path) if method == 'GET' else intruder.post(
                    path, {'column_0': 'email', 'name': 'Stolen', 'email': 'x@evil.example',
                           'subject': 'Stolen', 'body': 'Stolen', 'title': 'Stolen'})
                walked += 1
                if response.status_code != 404:
                    failures.append(f'{method} {path}: {response.status_code}')
    assert walked > 20
    assert not failures, '\n'.join(failures)
    assert snapshot() == before
