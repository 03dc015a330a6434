"""The demo's magic sign-in link: printed by the CLI, single-use and expiring; opening it only
asks. The token rides in the URL fragment (issue 8 §4: never in a logged URL)."""
import datetime
import re
from urllib.parse import parse_qs, urlsplit

from server.models import User, utcnow
from server.web import magic_links
from tests.web.conftest import PASSWORD


PATH = '/sign-in/link'


def link_token(runner, email):
    """The token of the link the CLI prints (in its fragment: a browser never sends it)."""
    result = runner.invoke(args=['web', 'sign-in-link', '--email', email])
    assert result.exit_code == 0, result.output
    url = urlsplit(result.output.strip())
    assert url.path == PATH and not url.query
    return parse_qs(url.fragment)['token'][0]


def _form_csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def open_link(client, token):
    """What a browser does with the link: GET the page, then (link-token.js) post the
    fragment's token with the page's CSRF token. Returns the answer: the "Sign in as ...?"
    page, or a redirect."""
    page = client.get(PATH)
    assert page.status_code == 200
    return client.post(PATH, data={'csrf_token': _form_csrf(page), 'token': token})


def signed_in_user(client):
    with client.session_transaction() as session:
        return session.get('user_id')


def follow(client, token):
    """Open the link as a person does: the confirmation page, then its button (with its CSRF
    token); return the button's response, or the first answer when there was nothing to confirm."""
    page = open_link(client, token)
    if page.status_code != 200:
        return page
    return client.post(PATH, data={'csrf_token': _form_csrf(page), 'token': token,
                                   'step': 'confirm'})


def test_cli_prints_a_link_that_signs_the_user_in(runner, anonymous, rep):
    response = follow(anonymous.client, link_token(runner, 'RITA@acme.example'))
    assert response.status_code == 303 and response.headers['Location'] == '/'
    assert signed_in_user(anonymous.client) == rep.id
    assert User.get_by_id(rep.id).last_sign_in_at is not None


def test_opening_the_link_only_asks_and_spends_nothing(runner, client, rep):
    """A mail scanner prefetching the link (GET, HEAD, even running its script) leaves it
    working for the person."""
    token = link_token(runner, rep.email)
    for _ in range(3):
        page = open_link(client, token)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert f'Sign in as {rep.email}' in text and f'action="{PATH}"' in text
        assert 'name="step" value="confirm"' in text
        for response in (page, client.get(PATH)):
            assert response.headers['Cache-Control'] == 'no-store'
            assert response.headers['Referrer-Policy'] == 'no-referrer'
    assert client.head(PATH).status_code == 200
    assert signed_in_user(client) is None
    assert User.get_by_id(rep.id).last_sign_in_at is None
    assert follow(client, token).headers['Location'] == '/'
    assert signed_in_user(client) == rep.id


def test_the_confirming_post_needs_the_sessions_csrf_token(runner, client, rep):
    """Login CSRF: another site posting its own link must not sign the visitor in."""
    token = link_token(runner, rep.email)
    for step in ('check', 'confirm'):
        data = {'token': token, 'step': step}
        assert client.post(PATH, data=data).status_code == 400
        assert client.post(PATH, data=dict(data, csrf_token='guessed')).status_code == 400
    assert signed_in_user(client) is None
    assert User.get_by_id(rep.id).last_sign_in_at is None  # refused posts spend nothing
    assert follow(client, token).headers['Location'] == '/'


def test_cli_refuses_an_unknown_user(runner, app):
    result = runner.invoke(args=['web', 'sign-in-link', '--email', 'nobody@acme.example'])
    assert result.exit_code != 0
    assert 'No active user' in result.output


def test_a_link_works_only_once(runner, client, rep):
    token = link_token(runner, rep.email)
    assert follow(client, token).headers['Location'] == '/'
    client.post('/sign-out', data={'csrf_token': _csrf(client)})
    for step in ('check', 'confirm'):
        response = client.post(PATH, data={'csrf_token': _csrf(client), 'token': token,
                                           'step': step})
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
    assert open_link(client, token).headers['Location'] == '/sign-in'
    assert client.post(PATH, data={'csrf_token': _csrf(client), 'token': token,
                                   'step': 'confirm'}).headers['Location'] == '/sign-in'
    assert signed_in_user(client) is None
    fresh = magic_links.issue(app.config['SECRET_KEY'], rep, max_age=datetime.timedelta(minutes=60),
                              now=utcnow() - datetime.timedelta(minutes=59))
    assert follow(client, fresh).headers['Location'] == '/'


def test_signing_in_with_the_password_spends_older_links(app, anonymous, rep):
    token = magic_links.issue(app.config['SECRET_KEY'], rep)
    anonymous.post('/sign-in', {'email': rep.email, 'password': PASSWORD})
    with anonymous.client.session_transaction() as session:
        session.clear()
    assert magic_links.redeem(app.config['SECRET_KEY'], token) is None


def _tampered(token):
    # Change the signature's first character: every bit of it counts. (The last one carries
    # padding bits, so replacing the last two characters left the signature intact about once
    # in a thousand runs.)
    payload, signature = token.rsplit('.', 1)
    return f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def test_a_tampered_or_foreign_link_is_refused(app, client, rep):
    token = magic_links.issue(app.config['SECRET_KEY'], rep)
    assert open_link(client, _tampered(token)).headers['Location'] == '/sign-in'
    other_key = magic_links.issue('another-secret', rep)
    assert open_link(client, other_key).headers['Location'] == '/sign-in'
    assert open_link(client, 'garbage').headers['Location'] == '/sign-in'
    assert open_link(client, '').headers['Location'] == '/sign-in'
    assert signed_in_user(client) is None


def test_issue8_the_old_token_in_the_path_form_is_gone(app, client, rep):
    """A token in the URL path would be written to every access log on the way."""
    token = magic_links.issue(app.config['SECRET_KEY'], rep)
    assert client.get(f'{PATH}/{token}').status_code == 404
    assert User.get_by_id(rep.id).last_sign_in_at is None


def test_a_link_of_a_deactivated_user_is_refused(app, rep):
    token = magic_links.issue(app.config['SECRET_KEY'], rep)
    User.update(is_active=False).where(User.id == rep.id).execute()
    assert magic_links.redeem(app.config['SECRET_KEY'], token) is None
