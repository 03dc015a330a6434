"""Signing in and out, login-required pages, the open-redirect guard and CSRF."""
import pytest

from server.web.redirects import safe_next
from tests.web.conftest import PASSWORD


def session_user(client):
    with client.session_transaction() as session:
        return session.get('user_id')


def test_sign_in_page_renders(anonymous):
    response = anonymous.get('/sign-in')
    assert response.status_code == 200
    assert b'name="password"' in response.data and b'name="csrf_token"' in response.data


def test_sign_in_with_the_right_password_starts_a_session(anonymous, rep):
    response = anonymous.post('/sign-in', {'email': ' Rita@ACME.example ', 'password': PASSWORD})
    assert response.status_code == 302
    assert response.headers['Location'] == '/'
    assert session_user(anonymous.client) == rep.id
    assert b'rita@acme.example' in anonymous.get('/').data


def test_sign_in_with_a_wrong_password_is_refused_with_a_message(anonymous, rep):
    response = anonymous.post('/sign-in', {'email': rep.email, 'password': 'nope'})
    assert response.status_code == 401
    assert b'Wrong e-mail or password.' in response.data
    assert b'value="rita@acme.example"' in response.data  # what was typed is kept
    assert session_user(anonymous.client) is None


def test_sign_in_of_an_unknown_or_inactive_user_is_refused(anonymous, rep):
    assert anonymous.post('/sign-in', {'email': 'who@acme.example', 'password': PASSWORD}).status_code == 401
    rep.is_active = False
    rep.save()
    assert anonymous.post('/sign-in', {'email': rep.email, 'password': PASSWORD}).status_code == 401
    assert session_user(anonymous.client) is None


@pytest.mark.parametrize('email', ['\x00', 'rita@acme.example\x00', 'a' * 5000])
def test_sign_in_with_an_impossible_email_is_refused_not_a_500(anonymous, rep, email):
    """PostgreSQL refuses NUL in a parameter: such an e-mail is simply not a user."""
    assert anonymous.post('/sign-in', {'email': email, 'password': PASSWORD}).status_code == 401
    assert session_user(anonymous.client) is None


def test_sign_in_follows_a_local_next_path(anonymous, rep, crm):
    path = f'/contacts/{crm["contact"].id}?cursor=x'
    response = anonymous.post('/sign-in', {'email': rep.email, 'password': PASSWORD, 'next': path})
    assert response.headers['Location'] == path


@pytest.mark.parametrize('target', [
    'https://evil.example/', '//evil.example/', '/\\evil.example', '\\\\evil.example',
    'javascript:alert(1)', '/\t/evil.example', 'http:/evil.example', ' //evil.example',
])
def test_sign_in_never_redirects_off_site(anonymous, rep, target):
    response = anonymous.post('/sign-in', {'email': rep.email, 'password': PASSWORD, 'next': target})
    assert response.status_code == 302
    assert response.headers['Location'] == '/'


def test_safe_next_keeps_local_paths_only():
    assert safe_next('/deals?q=a#x', '/') == '/deals?q=a#x'
    assert safe_next('', '/') == '/'
    assert safe_next(None, '/home') == '/home'
    assert safe_next('//evil.example', '/') == '/'
    assert safe_next('/' + 'a' * 3000, '/') == '/'


@pytest.mark.parametrize('path', ['/', '/contacts', '/companies/1', '/deals/1', '/tickets/1',
                                  '/meetings/1'])
def test_pages_require_sign_in(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response.headers['Location'].startswith('/sign-in?next=')


def test_the_sign_in_redirect_comes_back_to_the_page(anonymous, rep, crm):
    path = f'/contacts/{crm["contact"].id}'
    location = anonymous.get(path).headers['Location']
    page = anonymous.get(location)
    assert b'name="next" value="/contacts/' in page.data
    response = anonymous.post('/sign-in', {'email': rep.email, 'password': PASSWORD,
                                           'next': path})
    assert response.headers['Location'] == path


def test_sign_out_ends_the_session(browser):
    assert browser.get('/').status_code == 200
    response = browser.post('/sign-out')
    assert response.status_code == 302
    assert session_user(browser.client) is None
    assert browser.get('/').status_code == 302


def test_forms_without_the_csrf_token_are_refused(browser, rep):
    response = browser.post('/sign-out', csrf=False)
    assert response.status_code == 400
    assert session_user(browser.client) == rep.id
    response = browser.post('/sign-in', {'email': rep.email, 'password': PASSWORD,
                                         'csrf_token': 'forged'}, csrf=False)
    assert response.status_code == 400


def test_the_stylesheet_is_served(anonymous):
    page = anonymous.get('/sign-in').get_data(as_text=True)
    href = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    response = anonymous.get(href)
    assert response.status_code == 200 and b'.topbar' in response.data
    response.close()
