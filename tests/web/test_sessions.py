"""Issue 8 §4 "Session": Sign out ends the session on the server; Secure over https; the
session expires after 12 idle hours (each request renews it) and 7 days after signing in."""
import datetime

from tests.conftest import make_app
from tests.web.conftest import CSRF, PASSWORD, Browser

COOKIE = 'session'


def sign_in(client, user):
    response = Browser(client).post('/sign-in', {'email': user.email, 'password': PASSWORD})
    assert response.status_code == 302
    return response


def signed_in(client):
    return client.get('/').status_code == 200


def test_issue8_a_copied_session_cookie_stops_working_after_sign_out(app, rep):
    browser = app.test_client()
    sign_in(browser, rep)
    stolen = browser.get_cookie(COOKIE).value
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert signed_in(thief)

    with browser.session_transaction() as session:
        session['csrf_token'] = CSRF
    assert browser.post('/sign-out', data={'csrf_token': CSRF}).status_code == 302
    assert not signed_in(browser)
    assert not signed_in(thief)  # the same cookie as before Sign out, refused by the server
    assert thief.get('/').headers['Location'].startswith('/sign-in')


def test_issue8_signing_in_again_after_sign_out_works(app, rep):
    browser = app.test_client()
    sign_in(browser, rep)
    with browser.session_transaction() as session:
        session['csrf_token'] = CSRF
    browser.post('/sign-out', data={'csrf_token': CSRF})
    sign_in(browser, rep)
    assert signed_in(browser)


def test_issue8_session_cookie_is_secure_when_public_url_is_https(_schema, rep):
    for public_url, secure in (('https://crm.example', True), ('http://127.0.0.1:5000', False)):
        client = make_app(PUBLIC_URL=public_url).test_client()
        cookie = sign_in(client, rep).headers['Set-Cookie']
        assert ('Secure' in cookie) is secure, (public_url, cookie)
        assert 'HttpOnly' in cookie and 'SameSite=Lax' in cookie


def test_issue8_session_expires_after_12_idle_hours(app, rep, clock):
    browser = app.test_client()
    sign_in(browser, rep)
    clock.shift(datetime.timedelta(hours=11))
    assert signed_in(browser)
    clock.shift(datetime.timedelta(hours=11))  # 22 h after signing in, 11 h after the last request
    assert signed_in(browser)
    clock.shift(datetime.timedelta(hours=12, minutes=5))
    assert not signed_in(browser)


def test_issue8_session_ends_7_days_after_sign_in_however_active(app, rep, clock):
    browser = app.test_client()
    sign_in(browser, rep)
    for _ in range(15):  # a request every 11 h: 6 days 21 h
        clock.shift(datetime.timedelta(hours=11))
        assert signed_in(browser)
    clock.shift(datetime.timedelta(hours=4))
    assert not signed_in(browser)
