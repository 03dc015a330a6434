"""Issue 13 §1 "Password reset": an e-mailed link, single-use, one hour, and the same answer
for known and unknown e-mails (no account enumeration); Settings › Profile changes it too."""
import datetime
import re
from urllib.parse import parse_qs, urlsplit

from server.db import db
from server.models import PasswordReset, User
from server.services import users
from tests.fakes.smtp import link_in
from tests.web.conftest import CSRF, PASSWORD, Browser

PATH = '/password/reset'
NEW = 'a brand new password'


def _csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def ask(client, email):
    page = client.get('/password/forgot')
    response = client.post('/password/forgot', data={'csrf_token': _csrf(page), 'email': email})
    assert response.status_code == 303
    return client.get(response.headers['Location']).get_data(as_text=True)


def mailed_token(mailbox, index=0):
    url = urlsplit(link_in(mailbox.wait(index + 1)[index], PATH))
    assert url.path == PATH and not url.query
    return parse_qs(url.fragment)['token'][0]


def reset(client, token, password=NEW, confirm=None):
    page = client.get(PATH)
    form = client.post(PATH, data={'csrf_token': _csrf(page), 'token': token})
    if form.status_code != 200:
        return form
    return client.post(PATH, data={'csrf_token': _csrf(form), 'token': token, 'step': 'reset',
                                   'password': password,
                                   'confirm': password if confirm is None else confirm})


def test_issue13_reset_link_sets_a_new_password_once(app, rep, mailbox):
    client = app.test_client()
    answer = ask(client, rep.email.upper())
    token = mailed_token(mailbox)
    assert mailbox.messages[0]['To'] == rep.email
    with db.connection_context():
        assert PasswordReset.get().token_hash != token
    response = reset(client, token)
    assert response.status_code == 303 and response.headers['Location'] == '/'
    with db.connection_context():
        assert users.check_password(rep.email, NEW) is not None
        assert users.check_password(rep.email, PASSWORD) is None
    again = reset(app.test_client(), token, password='yet another password')
    assert again.headers['Location'] == '/password/forgot'
    assert 'If an account uses that e-mail' in answer


def test_issue13_the_answer_is_the_same_for_unknown_emails(app, rep, mailbox):
    known = ask(app.test_client(), rep.email)
    unknown = ask(app.test_client(), 'nobody@nowhere.example')
    strip = lambda page: re.sub(r'value="[^"]*"', '', page)  # noqa: E731 (csrf tokens differ)
    assert strip(known) == strip(unknown)
    assert len(mailbox.wait(1)) == 1 and mailbox.messages[0]['To'] == rep.email


def test_issue13_reset_link_expires_after_an_hour(app, rep, mailbox, clock):
    client = app.test_client()
    ask(client, rep.email)
    token = mailed_token(mailbox)
    clock.shift(datetime.timedelta(hours=1, minutes=1))
    assert reset(client, token).headers['Location'] == '/password/forgot'
    with db.connection_context():
        assert users.check_password(rep.email, PASSWORD) is not None


def test_issue13_a_newer_link_replaces_the_older_and_reset_ends_sessions(app, rep, mailbox, client):
    signed_in = Browser(client, rep)
    assert signed_in.get('/settings/profile').status_code == 200
    other = app.test_client()
    ask(other, rep.email)
    ask(other, rep.email)
    first, second = mailed_token(mailbox), mailed_token(mailbox, 1)
    assert reset(other, first).headers['Location'] == '/password/forgot'
    assert reset(other, second, confirm='does not match').status_code == 422
    assert reset(other, second).status_code == 303
    assert signed_in.get('/settings/profile').status_code == 302  # that session ended


def test_issue13_profile_password_change_needs_the_current_one(browser, rep, app):
    wrong = browser.post('/settings/profile/password', data={
        'current_password': 'not it', 'password': NEW, 'confirm': NEW})
    assert wrong.status_code == 422 and 'not your current password' in wrong.get_data(as_text=True)
    short = browser.post('/settings/profile/password', data={
        'current_password': PASSWORD, 'password': 'short', 'confirm': 'short'})
    assert short.status_code == 422 and 'At least 8 characters.' in short.get_data(as_text=True)
    other = Browser(app.test_client(), rep)
    done = browser.post('/settings/profile/password', data={
        'current_password': PASSWORD, 'password': NEW, 'confirm': NEW})
    assert done.status_code == 303
    with db.connection_context():
        assert users.check_password(rep.email, NEW) is not None
    assert browser.get('/settings/profile').status_code == 200  # this browser stays in
    assert other.get('/settings/profile').status_code == 302  # every other session ends


def test_issue13_forgot_password_is_rate_limited(app, rep):
    app.config['SIGN_IN_LIMIT_PER_EMAIL'] = '2 per minute'
    app.config['SIGN_IN_LIMIT_KEY_PREFIX'] = 'test-reset-limit'
    client = app.test_client()
    Browser(client)
    codes = [client.post('/password/forgot', data={'csrf_token': CSRF, 'email': rep.email}).status_code
             for _ in range(3)]
    assert codes == [303, 303, 429]
    with db.connection_context():
        assert PasswordReset.select().count() == 2
        assert User.get_by_id(rep.id).is_active
