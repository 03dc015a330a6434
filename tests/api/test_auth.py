"""Bearer tokens: stored only as hashes, refused when missing, wrong or revoked."""
import flask
from flask.sessions import NullSession

from server.db import db
from server.services import tokens


def text_in_database():
    """Every text value of every table, to look for secrets stored in the clear."""
    values = []
    with db.connection_context():
        for table in db.get_tables():
            for row in db.execute_sql(f'SELECT * FROM "{table}"').fetchall():
                values += [v for v in row if isinstance(v, str)]
    return values


def test_no_plaintext_token_is_stored(caller, make_caller, runner):
    other = make_caller('ops@globex.com', account='Globex')
    out = runner.invoke(args=['tokens', 'create', '--email', 'ops@globex.com']).output
    cli_token = out.strip().splitlines()[-1]
    assert caller.get('/me').status_code == 200
    assert runner.app.test_client().get(
        '/api/v1/me', headers={'Authorization': f'Bearer {cli_token}'}).status_code == 200
    stored = text_in_database()
    assert tokens.hash_token(caller.token) in stored  # what is kept is the hash
    for plaintext in (caller.token, other.token, cli_token):
        secret = plaintext[len(tokens.TOKEN_PREFIX):]
        assert not any(secret in value for value in stored)


def test_missing_or_malformed_token_is_401_in_the_error_shape(client):
    for headers in ({}, {'Authorization': 'Bearer'}, {'Authorization': 'Basic abc'},
                    {'Authorization': 'Bearer msk_not-a-real-token'}):
        resp = client.get('/api/v1/contacts', headers=headers)
        assert resp.status_code == 401, headers
        assert resp.json['code'] == 'unauthorized' and resp.json['errors'] == {}
        assert resp.headers['WWW-Authenticate'] == 'Bearer'


def test_revoked_token_is_401(caller):
    assert caller.get('/contacts').status_code == 200
    with db.connection_context():
        tokens.revoke(caller.user, prefix=caller.token[:12])
    resp = caller.get('/contacts')
    assert resp.status_code == 401 and resp.json['code'] == 'unauthorized'


def test_health_and_docs_need_no_token(client):
    assert client.get('/api/v1/health').status_code == 200
    assert client.get('/api/v1/docs').status_code == 200


def test_a_web_session_does_not_sign_in_the_api(caller):
    """The API is for bearer tokens (the extension); a signed-in browser's cookie is ignored,
    so another site's page cannot use it against the API (and the API never sets cookies)."""
    with caller.client.session_transaction() as session:
        session['user_id'] = caller.user.id
    assert caller.client.get('/').status_code == 200  # the web pages see the session
    resp = caller.client.get('/api/v1/me')
    assert resp.status_code == 401 and 'Set-Cookie' not in resp.headers
    with_token = caller.get('/me')
    assert with_token.status_code == 200 and 'Set-Cookie' not in with_token.headers
    app = caller.client.application
    with app.test_request_context('/api/v1/me', headers={'Cookie': 'session=x'}):
        assert isinstance(flask.session, NullSession)  # not even opened: nothing to decode
    with app.test_request_context('/'):
        assert not isinstance(flask.session, NullSession)


def test_delete_me_token_revokes_only_the_token_it_is_called_with(caller):
    """The extension's Sign out: that token stops working; the caller's others do not."""
    with db.connection_context():
        _, other = tokens.issue(caller.user, name='laptop')
    response = caller.delete('/me/token')
    assert response.status_code == 204
    assert caller.get('/me').status_code == 401
    assert caller.get('/me', headers={'Authorization': f'Bearer {other}'}).status_code == 200


def test_delete_me_token_needs_a_working_token(caller, client):
    """A revoked or unknown token cannot sign anything out: 401, and nothing changes."""
    assert caller.delete('/me/token').status_code == 204
    again = caller.delete('/me/token')
    assert again.status_code == 401 and again.json['code'] == 'unauthorized'
    assert client.delete('/api/v1/me/token').status_code == 401


def test_revoke_plaintext_never_touches_another_users_token(make_caller):
    rita, olga = make_caller('rita@acme.example'), make_caller('olga@globex.example', account='Globex')
    with db.connection_context():
        assert tokens.revoke_plaintext(rita.user, olga.token) is False
        assert tokens.authenticate(olga.token).id == olga.user.id
        assert tokens.revoke_plaintext(rita.user, None) is False


def test_a_method_not_allowed_is_405_in_the_error_shape_with_its_allow_header(caller):
    """RFC 9110: a 405 lists the methods the resource takes (schemathesis found it missing)."""
    response = caller.put('/meetings')
    assert response.status_code == 405 and response.json['code'] == 'method_not_allowed'
    assert set(response.headers['Allow'].split(', ')) >= {'GET', 'POST'}
    assert response.headers['Content-Type'] == 'application/json'
