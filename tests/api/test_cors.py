"""CORS admits only the extension's origins, never '*'."""
from tests.conftest import make_app

EXTENSION = 'chrome-extension://ponpnhgfpmhgpplklaobjcjpfnnmpiic'


def preflight(client, origin):
    return client.options('/api/v1/meetings', headers={
        'Origin': origin, 'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'Authorization, Content-Type'})


def test_the_extension_origin_is_admitted(client):
    resp = preflight(client, EXTENSION)
    assert resp.headers.get('Access-Control-Allow-Origin') == EXTENSION
    assert 'authorization' in resp.headers.get('Access-Control-Allow-Headers', '').lower()


def test_other_origins_are_not_admitted(client):
    for origin in ('https://evil.example', 'chrome-extension://someotherextensionidaaaaaaaaaaa',
                   'null'):
        resp = preflight(client, origin)
        assert 'Access-Control-Allow-Origin' not in resp.headers, origin


def test_configured_origins_replace_the_default(_schema):
    other = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop'
    client = make_app(EXTENSION_ORIGINS=[other]).test_client()
    assert preflight(client, other).headers.get('Access-Control-Allow-Origin') == other
    assert 'Access-Control-Allow-Origin' not in preflight(client, EXTENSION).headers
    resp = client.get('/api/v1/health', headers={'Origin': other})
    assert resp.headers.get('Access-Control-Allow-Origin') != '*'
