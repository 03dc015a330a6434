"""Issue 13 §4 quality bar for §1's forms: each form posted with missing, oversized,
wrong-type and hostile values answers 4xx (or its normal redirect) with nothing broken: never
a 500, never a reflected script, never a half-written row."""
import io

import pytest

from server.db import db
from server.models import Invite, PasswordReset
from server.services import invites, password_resets
from tests.api.test_access_matrix import snapshot
from tests.web.conftest import PASSWORD, Browser, make_user

SCRIPT = '<script>alert(1)</script>'
BAD_VALUES = {
    'missing': None,
    'empty': '',
    'oversized': 'x' * 100_000,
    'nul': 'a\x00b',
    'script': SCRIPT,
    'sql': "'; DROP TABLE \"user\"; --",
    'unicode': '\u202egnp.exe \U0001F600 \ufeff',
    'number': '12345678901234567890',
    'repeated': ['one', 'two'],
    'file': (io.BytesIO(b'\x00\x01binary'), 'x.bin'),
}


def forms(rep, member, invite_id, invite_token, reset_token):
    """(who posts: 'anonymous' | 'admin', path, valid fields)."""
    return [
        ('anonymous', '/sign-up', {'name': 'Nina', 'email': 'nina@newco.example',
                                   'password': 'a good password'}),
        ('anonymous', '/password/forgot', {'email': rep.email}),
        ('anonymous', '/invite', {'token': invite_token, 'step': 'accept', 'name': 'Ivy',
                                  'password': 'a good password', 'confirm': 'a good password'}),
        ('anonymous', '/password/reset', {'token': reset_token, 'step': 'reset',
                                          'password': 'a good password',
                                          'confirm': 'a good password'}),
        ('admin', '/settings/account', {'name': 'Acme', 'website_domain': 'acme.example',
                                        'connected_domains': 'acme-mail.example'}),
        ('admin', '/settings/account/invites', {'email': 'new@hire.example', 'role': 'member'}),
        ('admin', f'/settings/account/members/{member.id}/role', {'role': 'admin'}),
        ('admin', f'/settings/account/invites/{invite_id}/resend', {'x': 'y'}),
        ('admin', '/settings/profile/password', {'current_password': PASSWORD,
                                                 'password': 'a good password',
                                                 'confirm': 'a good password'}),
    ]


@pytest.fixture
def world(app, rep):
    app.config.update(SIGNUP_OPEN=True, SIGN_IN_LIMIT_PER_EMAIL='10000 per minute',
                      SIGN_IN_LIMIT_PER_ADDRESS='10000 per minute',
                      SIGN_IN_LIMIT_KEY_PREFIX='bad-input', MAIL_SERVER='',
                      MAIL_OUTBOX_DIR=app.instance_path + '/test-outbox')
    member = make_user('sam@acme.example', 'Acme')
    with db.connection_context():
        invite, invite_token = invites.create(rep, {'email': 'ivy@newhire.example',
                                                    'role': 'member'})
        _, reset_token = password_resets.request_link(member.email)
    return forms(rep, member, invite.id, invite_token, reset_token)


def cases(world):
    for who, path, valid in world:
        for field in [*valid, 'csrf_token']:
            for kind, value in BAD_VALUES.items():
                yield who, path, valid, field, kind, value


def test_issue13_every_onboarding_form_survives_bad_values(app, rep, world):
    failures = []
    for who, path, valid, field, kind, value in cases(world):
        client = app.test_client()
        browser = Browser(client, rep if who == 'admin' else None)
        data = dict(valid, csrf_token='test-csrf-token')
        if value is None:
            data.pop(field, None)
        elif kind == 'file':
            data[field] = (io.BytesIO(b'\x00\x01binary'), 'x.bin')
        else:
            data[field] = value
        response = browser.client.post(path, data=data, content_type='multipart/form-data')
        text = response.get_data(as_text=True)
        if response.status_code >= 500:
            failures.append(f'{path} {field}={kind}: {response.status_code}')
        if SCRIPT in text:
            failures.append(f'{path} {field}={kind}: the script is reflected unescaped')
        if field == 'csrf_token' and response.status_code != 400:
            failures.append(f'{path} csrf_token={kind}: {response.status_code}, not 400')
    assert not failures, '\n'.join(failures)


def test_issue13_a_refused_form_writes_nothing(app, rep, world):
    """Each form with one bad field: the database is exactly as before."""
    for who, path, valid in world:
        if path == '/password/forgot' or path.endswith('/resend'):
            continue  # these take no field that could be refused
        for field in valid:
            if field in ('step', 'x'):
                continue
            before = snapshot()
            browser = Browser(app.test_client(), rep if who == 'admin' else None)
            response = browser.post(path, data=dict(valid, **{field: 'a\x00b'}))
            assert response.status_code in (303, 400, 409, 422), (path, field, response.status_code)
            assert snapshot() == before, (path, field)


def test_issue13_an_oversized_body_is_a_413(app, anonymous):
    app.config['SIGNUP_OPEN'] = True
    response = anonymous.post('/sign-up', data={'name': 'x' * (300 * 1024), 'email': 'a@b.example',
                                                'password': 'a good password'})
    assert response.status_code == 413
    with db.connection_context():
        assert not Invite.select().exists() and not PasswordReset.select().exists()
