"""Issue 13 §1 "Sign-up": when SIGNUP_OPEN, name + work e-mail + password make a new account
(website domain from the e-mail unless free mail, R12), the user its admin, then the home
page's first-run checklist, each step ticking when done."""
import pytest

from server.config import from_environment
from server.db import db
from server.models import Account, ApiToken, CalendarConnection, User
from server.services import tokens
from tests.web.conftest import Browser

GOOD = {'name': 'Rita Rep', 'email': 'Rita@Acme.example', 'password': 'a good password'}


@pytest.fixture
def open_signup(app):
    app.config['SIGNUP_OPEN'] = True
    return app


def signed_in(client):
    with client.session_transaction() as session:
        return session.get('user_id')


def test_issue13_signup_is_open_for_the_demo_and_closed_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv('SIGNUP_OPEN', raising=False)
    monkeypatch.setenv('MEETSIDE_ENV', 'demo')
    assert from_environment(str(tmp_path))['SIGNUP_OPEN'] is True
    monkeypatch.setenv('MEETSIDE_ENV', 'production')
    assert from_environment(str(tmp_path))['SIGNUP_OPEN'] is False
    monkeypatch.setenv('SIGNUP_OPEN', 'true')
    assert from_environment(str(tmp_path))['SIGNUP_OPEN'] is True


def test_issue13_closed_signup_is_a_404_and_the_sign_in_page_does_not_offer_it(app, anonymous):
    app.config['SIGNUP_OPEN'] = False
    assert anonymous.get('/sign-up').status_code == 404
    assert anonymous.post('/sign-up', data=GOOD).status_code == 404
    assert 'Create an account' not in anonymous.get('/sign-in').get_data(as_text=True)
    with db.connection_context():
        assert User.select().count() == 0


def test_issue13_signup_creates_an_account_with_the_user_as_admin(open_signup, anonymous):
    page = anonymous.get('/sign-in').get_data(as_text=True)
    assert 'href="/sign-up"' in page
    assert anonymous.get('/sign-up').status_code == 200
    response = anonymous.post('/sign-up', data=GOOD)
    assert response.status_code == 303 and response.headers['Location'] == '/'
    with db.connection_context():
        user = User.get(User.email == 'rita@acme.example')
        account = Account.get_by_id(user.account_id)
    assert (user.role, user.name, account.website_domain, account.name) == (
        'admin', 'Rita Rep', 'acme.example', 'Acme')
    assert signed_in(anonymous.client) == user.id
    home = anonymous.get('/').get_data(as_text=True)
    assert 'Get started' in home and 'Welcome to Meetside' in home


def test_issue13_r12_free_mail_signup_gets_no_website_domain(open_signup, anonymous):
    anonymous.post('/sign-up', data=dict(GOOD, email='rita@gmail.com'))
    with db.connection_context():
        account = Account.get_by_id(User.get(User.email == 'rita@gmail.com').account_id)
    assert account.website_domain == '' and account.name == "Rita's team"


def test_issue13_signup_field_errors_and_a_taken_email(open_signup, anonymous, rep):
    response = anonymous.post('/sign-up', data={'name': '', 'email': 'nope', 'password': 'short'})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'This field is required.' in page and 'At least 8 characters.' in page
    assert 'value="nope"' in page and 'aria-invalid="true"' in page
    taken = anonymous.post('/sign-up', data=dict(GOOD, email=rep.email.upper()))
    assert taken.status_code == 422 and 'already has a Meetside account' in taken.get_data(as_text=True)
    with db.connection_context():
        assert Account.select().count() == 1


def test_issue13_signup_needs_the_csrf_token(open_signup, anonymous):
    assert anonymous.post('/sign-up', data=GOOD, csrf=False).status_code == 400
    with db.connection_context():
        assert User.select().count() == 0


def test_issue13_signup_is_rate_limited_like_sign_in(open_signup, app, anonymous):
    app.config['SIGN_IN_LIMIT_PER_ADDRESS'] = '3 per minute'
    app.config['SIGN_IN_LIMIT_KEY_PREFIX'] = 'test-signup-limit'
    answers = [anonymous.post('/sign-up', data=dict(GOOD, email=f'r{i}@acme{i}.example',
                                                    password='x')).status_code
               for i in range(4)]
    assert answers == [422, 422, 422, 429]
    page = anonymous.post('/sign-up', data=GOOD)
    assert page.status_code == 429 and 'Too many attempts' in page.get_data(as_text=True)
    assert 'Retry-After' in page.headers
    with db.connection_context():
        assert User.select().count() == 0


def steps(browser):
    import re
    page = browser.get('/').get_data(as_text=True)
    return dict(re.findall(r'data-step="(\w+)" data-done="(\w+)"', page)), page


def test_issue13_first_run_checklist_ticks_each_step(open_signup, anonymous):
    anonymous.post('/sign-up', data=GOOD)
    Browser(anonymous.client)  # a fresh session after sign-in: the test's CSRF token again
    with db.connection_context():
        user = User.get(User.email == 'rita@acme.example')
    assert steps(anonymous)[0] == {'calendar': 'no', 'domains': 'no', 'team': 'no', 'extension': 'no'}
    assert anonymous.post('/settings/account', data={
        'name': 'Acme', 'website_domain': 'acme.example', 'connected_domains': ''}).status_code == 303
    assert steps(anonymous)[0]['domains'] == 'yes'
    with db.connection_context():
        CalendarConnection.create(account=user.account_id, user=user, provider='google',
                                  status='connected')
        tokens.issue(user, name='Chrome extension on Linux', installation='a' * 22)
    assert steps(anonymous)[0] == {'calendar': 'yes', 'domains': 'yes', 'team': 'no', 'extension': 'yes'}
    anonymous.post('/settings/account/invites', data={'email': 'sam@acme.example', 'role': 'member'})
    done, page = steps(anonymous)
    assert done == {} and 'Get started' not in page  # every step done: the list goes away


def test_issue13_a_member_sees_only_their_own_steps(app, client, rep):
    from tests.web.conftest import make_user
    member = make_user('sam@acme.example', 'Acme')
    assert member.role == 'member'
    done, _ = steps(Browser(client, member))
    assert done == {'calendar': 'no', 'extension': 'no'}
    with db.connection_context():
        assert ApiToken.select().count() == 0
