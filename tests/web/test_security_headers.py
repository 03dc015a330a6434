"""Issue 8 §4 "Headers": every web page (the URL map walked, so pages added later are covered)
has a Content-Security-Policy without inline script and is never framable; nosniff and a
Referrer-Policy everywhere; HSTS over https."""
import re

import pytest

from server.db import db
from server.models import Task
from server.services import csv_import, invites, tokens
from server.web.headers import CONTENT_SECURITY_POLICY
from tests.clock import ahead
from tests.conftest import make_app
from tests.web.conftest import Browser, schedule
from tests.web.test_extension_auth import authorize_url

INLINE_SCRIPT = re.compile(r'<script(?![^>]*\ssrc=)[^>]*>', re.I)
INLINE_HANDLER = re.compile(r'<[^>]+\son[a-z]+\s*=', re.I)
INLINE_STYLE = re.compile(r'<style[\s>]|<[^>]+\sstyle\s*=', re.I)
PAGE_QUERIES = {'web.extension_authorize': authorize_url().split('?', 1)[1]}


def web_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith('web.') and rule.endpoint != 'web.static']


def path_for(rule, values):
    path = rule.rule
    for argument in rule.arguments:
        if argument not in values:
            pytest.fail(f'test_security_headers cannot fill <{argument}> of {rule.rule}: '
                        'add a value to path_values().')
        path = re.sub(r'<[^>]*\b%s>' % argument, str(values[argument]), path)
    query = PAGE_QUERIES.get(rule.endpoint)
    return path + ('?' + query if query else '')


@pytest.fixture
def path_values(rep, crm):
    meeting = schedule(rep, 'Kick-off', ahead(), contact_ids=[crm['contact'].id])
    with db.connection_context():
        token, _ = tokens.issue(rep, name='cli')
        invite, _ = invites.create(rep, {'email': 'sam@newhire.example', 'role': 'member'})
        task = Task.create(account=rep.account_id, owner=rep, created_by=rep, title='Follow up')
        job = csv_import.create_job(rep, 'contacts', 'people.csv', b'Email\nann@x.example\n')
        csv_import.run(csv_import.set_mapping(rep, job, {0: 'email'}).id)  # done: its report
    return {'plural': 'contacts', 'record_id': crm['contact'].id, 'meeting_id': meeting.id,
            'provider': 'google', 'token_id': token.id, 'invite_id': invite.id,
            'user_id': rep.id, 'task_id': task.id, 'job_id': job.id}


def assert_page_headers(response, where):
    headers = response.headers
    assert headers.get('Content-Security-Policy') == CONTENT_SECURITY_POLICY, where
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert 'unsafe-inline' not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert headers.get('X-Frame-Options') == 'DENY', where
    assert headers.get('X-Content-Type-Options') == 'nosniff', where
    assert headers.get('Referrer-Policy') in ('same-origin', 'no-referrer'), where
    assert 'Strict-Transport-Security' not in headers, where  # http: HSTS would be ignored
    if response.mimetype == 'text/html':
        html = response.get_data(as_text=True)
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            found = pattern.search(html)
            assert found is None, f'{where}: {found and found.group(0)}'


def test_issue8_every_web_page_sends_the_security_headers(app, client, rep, path_values):
    browser, anonymous = Browser(client, rep), Browser(app.test_client())
    walked = 0
    for rule in web_rules(app):
        path = path_for(rule, path_values)
        for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
            for who in (browser, anonymous):
                # POSTs without the CSRF token: the refusal page is a page too.
                response = (who.get(path) if method == 'GET'
                            else who.post(path, csrf=False))
                # (503: connecting a provider this test did not configure.)
                assert response.status_code in (200, 302, 303, 400, 404, 503), (
                    method, path, response.status_code)
                assert_page_headers(response, f'{method} {path}')
                walked += 1
    assert walked >= 40
    for path in ('/no-such-page', '/assets/app.css', '/assets/confirm.js',
                 '/assets/link-token.js'):
        with browser.get(path) as response:  # a static file: its handle is closed here
            assert_page_headers(response, path)


def test_issue8_the_extension_allow_page_cannot_be_framed(browser):
    response = browser.get(authorize_url())
    assert response.status_code == 200 and b'allow' in response.data.lower()
    assert "frame-ancestors 'none'" in response.headers['Content-Security-Policy']
    assert response.headers['X-Frame-Options'] == 'DENY'


def test_issue8_the_delete_confirmation_works_without_inline_script(browser, rep, path_values):
    page = browser.get(f'/meetings/{path_values["meeting_id"]}').get_data(as_text=True)
    assert 'data-confirm="Delete this meeting from the CRM?"' in page
    assert '/assets/confirm.js' in page
    with browser.get('/assets/confirm.js') as script:
        assert script.status_code == 200 and b'dataset.confirm' in script.data


def test_issue8_hsts_over_https_only(_schema):
    https = make_app(PUBLIC_URL='https://crm.example').test_client()
    for path in ('/sign-in', '/api/v1/health'):
        assert https.get(path).headers['Strict-Transport-Security'].startswith('max-age=')
    plain = make_app().test_client()
    assert 'Strict-Transport-Security' not in plain.get('/sign-in').headers


def test_issue8_api_responses_are_nosniff_and_keep_their_docs_page_working(client):
    response = client.get('/api/v1/health')
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Referrer-Policy'] == 'same-origin'
    # flask-smorest's documentation page is not under the pages' policy (it would break it).
    assert 'Content-Security-Policy' not in client.get('/api/v1/docs').headers
