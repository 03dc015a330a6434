"""Issue 8 §4 "Password sign-in": rate limits per e-mail and per address, and no timing oracle."""
import statistics
import time
import uuid

import pytest
import redis
from werkzeug.security import generate_password_hash

from server.db import db
from server.services import users
from tests.conftest import make_app
from tests.web.conftest import CSRF, PASSWORD, Browser, make_user


def accounts(count, prefix='n'):
    """Users with cheap password hashes: an unknown e-mail costs a full scrypt (on purpose)."""
    return [make_user(f'{prefix}{i}@acme.example', 'Acme').email for i in range(count)]


def attempt(browser, email, password='wrong password'):
    return browser.post('/sign-in', {'email': email, 'password': password})


def test_issue8_wrong_passwords_for_one_email_are_limited_with_a_429_page(anonymous, rep):
    """Five refused attempts per minute per e-mail; then 429, even with the right password."""
    assert [attempt(anonymous, rep.email).status_code for _ in range(5)] == [401] * 5
    response = attempt(anonymous, ' RITA@acme.example ', PASSWORD)  # the same account, as typed
    assert response.status_code == 429
    assert response.mimetype == 'text/html'
    assert b'Too many sign-in attempts. Wait 1 minute, then try again.' in response.data
    assert b'name="password"' in response.data  # still the form, with what was typed
    assert int(response.headers['Retry-After']) > 0
    with anonymous.client.session_transaction() as session:
        assert 'user_id' not in session


def test_issue8_successful_sign_ins_do_not_count_against_the_limit(anonymous, rep):
    for _ in range(8):
        browser = Browser(anonymous.client)  # signing in starts a fresh session: a new form
        assert attempt(browser, rep.email, PASSWORD).status_code == 302
    assert attempt(Browser(anonymous.client), rep.email).status_code == 401


def test_issue8_one_address_trying_many_emails_is_limited(anonymous, rep):
    """Twenty refused attempts per minute per client address, whatever the e-mails."""
    emails = accounts(21)
    statuses = [attempt(anonymous, email).status_code for email in emails]
    assert statuses == [401] * 20 + [429]
    # Another client address is not affected.
    other = anonymous.client.post('/sign-in', data={'email': rep.email, 'password': PASSWORD,
                                                    'csrf_token': CSRF},
                                  environ_base={'REMOTE_ADDR': '127.0.0.9'})
    assert other.status_code == 302


def test_issue8_showing_the_form_is_never_limited(anonymous, rep):
    for _ in range(5):
        attempt(anonymous, rep.email)
    assert attempt(anonymous, rep.email).status_code == 429
    assert anonymous.get('/sign-in').status_code == 200


def test_issue8_limits_are_shared_through_redis_when_redis_url_is_set(app, rep):
    """Two app instances (two gunicorn workers) with REDIS_URL count together."""
    prefix = f'meetside-test-{uuid.uuid4().hex}'
    url = 'redis://127.0.0.1:6379/0'
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip('no Redis on 127.0.0.1:6379')
    config = {'REDIS_URL': url, 'SIGN_IN_LIMIT_KEY_PREFIX': prefix}
    try:
        first = Browser(make_app(**config).test_client())
        assert [attempt(first, rep.email).status_code for _ in range(5)] == [401] * 5
        second = Browser(make_app(**config).test_client())  # its own limiter storage
        assert attempt(second, rep.email, PASSWORD).status_code == 429
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f'*{prefix}*', count=1000):
            client.delete(key)


def _median_seconds(browser, emails, rounds):
    timings = []
    for i in range(rounds):
        started = time.perf_counter()
        response = attempt(browser, emails[i % len(emails)])
        timings.append(time.perf_counter() - started)
        assert response.status_code == 401
    return statistics.median(timings)


def test_issue8_unknown_emails_take_as_long_as_known_ones(app, anonymous):
    """Timing must not tell which e-mails have accounts (142 ms vs 5.7 ms before the fix).

    The known account has a real (default, scrypt) hash; medians of a few refused attempts
    each, interleaved, compared with a generous ratio so a busy machine does not flake it."""
    app.config.update(SIGN_IN_LIMIT_PER_EMAIL='1000 per minute',
                      SIGN_IN_LIMIT_PER_ADDRESS='1000 per minute')
    with db.connection_context():
        user = users.create(email='known@acme.example', account_name='Acme')
        user.password_hash = generate_password_hash(PASSWORD)  # what production stores
        user.save()
    attempt(anonymous, 'warm-up@acme.example')  # the dummy hash is made once per process
    known, unknown = [], []
    for round_ in range(3):
        known.append(_median_seconds(anonymous, [user.email], 3))
        unknown.append(_median_seconds(anonymous, [f'nobody{round_}-{i}@acme.example'
                                                   for i in range(3)], 3))
    known, unknown = statistics.median(known), statistics.median(unknown)
    assert known > 0.01, f'the known account should cost a real hash ({known * 1000:.1f} ms)'
    assert 1 / 3 < unknown / known < 3, f'known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms'


def _from(client, forwarded_for, email):
    """A refused sign-in from the client a proxy says it is forwarding for."""
    return client.post('/sign-in', data={'email': email, 'password': 'wrong', 'csrf_token': CSRF},
                       headers={'X-Forwarded-For': forwarded_for})


def test_issue8_the_address_limit_ignores_x_forwarded_for_unless_a_proxy_is_trusted(_schema, rep):
    """Without TRUSTED_PROXIES a forged header buys no fresh limit; behind one trusted proxy
    each client behind it has its own."""
    emails = accounts(21)
    client = make_app().test_client()
    Browser(client)
    statuses = [_from(client, f'10.0.0.{i}', email).status_code for i, email in enumerate(emails)]
    assert statuses[-1] == 429
    proxied = make_app(TRUSTED_PROXIES=1).test_client()
    Browser(proxied)
    statuses = [_from(proxied, f'10.0.0.{i}', email).status_code
                for i, email in enumerate(emails)]
    assert set(statuses) == {401}
    assert [_from(proxied, '10.0.0.99', email).status_code for email in emails][-1] == 429


def test_issue10_api_requests_skip_the_limiter_and_sign_in_is_still_limited(
        caller, anonymous, rep, monkeypatch):
    """Issue 10 §4: the API is never rate-limited here, so its requests skip the limiter's
    search for limits (a tenth of a GET /people); the sign-in form keeps its limits."""
    from server.web.sign_in_limits import limiter

    searched = []
    resolve = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(limiter.limit_manager, 'resolve_limits',
                        lambda *a, **k: searched.append(a[1]) or resolve(*a, **k))
    assert caller.get('/me').status_code == 200
    assert searched == []
    assert [attempt(anonymous, rep.email).status_code for _ in range(6)] == [401] * 5 + [429]
    assert searched  # the form's requests still go through the limiter
