"""The demo's magic sign-in link: printed by the CLI, single-use and expiring; GET only asks."""
import datetime
import re
from urllib.parse import urlsplit

from server.models import User, utcnow
from server.web import magic_links
from tests.web.conftest import PASSWORD


def link_path(runner, email):
    result = runner.invoke(args=['web', 'sign-in-link', '--email', email])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith('http://127.0.0.1:5000/sign-in/link/')
    return urlsplit(url).path


def signed_in_user(client):
    with client.session_transaction() as session:
        return session.get('user_id')


def follow(client, path):
    """Open the link as a person does: the confirmation page, then its button (with its CSRF
    token); return the POST's response, or the GET's when there was no page to confirm."""
    page = client.get(path)
    if page.status_code != 200:
        return page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(path, data={'csrf_token': csrf})


def test_cli_prints_a_link_that_signs_the_user_in(runner, anonymous, rep):
    response = follow(anonymous.client, link_path(runner, 'RITA@acme.example'))
    assert response.status_code == 303 and response.headers['Location'] == '/'
    assert signed_in_user(anonymous.client) == rep.id
    assert User.get_by_id(rep.id).last_sign_in_at is not None


def test_opening_the_link_only_asks_and_spends_nothing(runner, client, rep):
    """A mail scanner prefetching the link (GET, HEAD) leaves it working for the person."""
    path = link_path(runner, rep.email)
    for _ in range(3):
        page = client.get(path)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert f'Sign in as {rep.email}' in text and f'action="{path}"' in text
        assert page.headers['Cache-Control'] == 'no-store'
        assert page.headers['Referrer-Policy'] == 'no-referrer'
    assert client.head(path).status_code == 200
    assert signed_in_user(client) is None
    assert User.get_by_id(rep.id).last_sign_in_at is None
    assert follow(client, path).headers['Location'] == '/'
    assert signed_in_user(client) == rep.id


def test_the_confirming_post_needs_the_sessions_csrf_token(runner, client, rep):
    """Login CSRF: another site posting its own link must not sign the visitor in."""
    path = link_path(runner, rep.email)
    assert client.post(path).status_code == 400
    assert client.post(path, data={'csrf_token': 'guessed'}).status_code == 400
    assert signed_in_user(client) is None
    assert User.get_by_id(rep.id).last_sign_in_at is None  # refused posts spend nothing
    assert follow(client, path).headers['Location'] == '/'


def test_cli_refuses_an_unknown_user(runner, app):
    result = runner.invoke(args=['web', 'sign-in-link', '--email', 'nobody@acme.example'])
    assert result.exit_code != 0
    assert 'No active user' in result.output


def test_a_link_works_only_once(runner, client, rep):
    path = link_path(runner, rep.email)
    assert follow(client, path).headers['Location'] == '/'
    client.post('/sign-out', data={'csrf_token': _csrf(client)})
    for response in (client.get(path), client.post(path, data={'csrf_token': _csrf(client)})):
        assert response.headers['Location'] == '/sign-in'
    assert signed_in_user(client) is None
    assert b'expired or was already used' in client.get('/sign-in').data


def _csrf(client):
    with client.session_transaction() as session:
        session['csrf_token'] = 'c'
    return 'c'


def test_an_expired_link_is_refused(app, client, rep):
    issued = utcnow() - datetime.timedelta(minutes=61)
    token = magic_links.issue(app.config['SECRET_KEY'], rep,
                              max_age=datetime.timedelta(minutes=60), now=issued)
    assert client.get(f'/sign-in/link/{token}').headers['Location'] == '/sign-in'
    assert client.post(f'/sign-in/link/{token}',
                       data={'csrf_token': _csrf(client)}).headers['Location'] == '/sign-in'
    assert signed_in_user(client) is None
    fresh = magic_links.issue(app.config['SECRET_KEY'], rep, max_age=datetime.timedelta(minutes=60),
                              now=utcnow() - datetime.timedelta(minutes=59))
    assert follow(client, f'/sign-in/link/{fresh}').headers['Location'] == '/'


def test_signing_in_with_the_password_spends_older_links(app, anonymous, rep):
    token = magic_links.issue(app.config['SECRET_KEY'], rep)
    anonymous.post('/sign-in', {'email': rep.email, 'password': PASSWORD})
    with anonymous.client.session_transaction() as session:
        session.clear()
    assert magic_links.redeem(app.config['SECRET_KEY'], token) is None


def test_a_tampered_or_foreign_link_is_refused(app, client, rep):
    token = magic_links.issue(app.config['SECRET_KEY'], rep)
    assert client.get(f'/sign-in/link/{token[:-2]}xx').headers['Location'] == '/sign-in'
    other_key = magic_links.issue('another-secret', rep)
    assert client.get(f'/sign-in/link/{other_key}').headers['Location'] == '/sign-in'
    assert client.get('/sign-in/link/garbage').headers['Location'] == '/sign-in'
    assert signed_in_user(client) is None


def test_a_link_of_a_deactivated_user_is_refused(app, rep):
    token = magic_links.issue(app.config['SECRET_KEY'], rep)
    User.update(is_active=False).where(User.id == rep.id).execute()
    assert magic_links.redeem(app.config['SECRET_KEY'], token) is None
