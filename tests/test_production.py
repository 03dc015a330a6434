"""Issue 12 §1: outside the demo and the tests, Meetside refuses to start with unsafe settings,
and the message names the variable to fix."""
import os
import subprocess
import sys

import pytest

from server import create_app
from server.production import ConfigurationError
from tests.conftest import DATABASE_URL
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAFE = {'MEETSIDE_ENV': 'production', 'DATABASE_URL': DATABASE_URL, 'SECRET_KEY': 's' * 48,
        'TOKEN_ENCRYPTION_KEY': TEST_ENCRYPTION_KEY, 'PUBLIC_URL': 'https://crm.example.com'}


def start(**changes):
    return create_app(dict(SAFE, **changes))


def test_issue12_production_settings_start(app):
    assert start().config['SECRET_KEY'] == 's' * 48


@pytest.mark.parametrize('changes, variable', [
    ({'SECRET_KEY': None}, 'SECRET_KEY is not set'),
    ({'TOKEN_ENCRYPTION_KEY': None}, 'TOKEN_ENCRYPTION_KEY is not set'),
    ({'TOKEN_ENCRYPTION_KEY': 'not-a-fernet-key'}, 'TOKEN_ENCRYPTION_KEY is not a valid Fernet key'),
    ({'PUBLIC_URL': 'http://crm.example.com'}, "PUBLIC_URL 'http://crm.example.com' is not https"),
    ({'PUBLIC_URL': 'crm.example.com'}, 'PUBLIC_URL'),
    ({'MEETSIDE_ENV': 'staging'}, 'MEETSIDE_ENV'),
])
def test_issue12_production_refuses_unsafe_settings_naming_the_variable(app, changes, variable):
    with pytest.raises(ConfigurationError) as refused:
        start(**changes)
    assert variable in str(refused.value) and len(refused.value.problems) == 1


def test_issue12_allow_insecure_http_accepts_plain_http_behind_a_trusted_proxy(app):
    assert start(PUBLIC_URL='http://10.0.0.5:8000', ALLOW_INSECURE_HTTP=True)


def test_issue12_the_demo_and_the_tests_keep_their_local_defaults(app, tmp_path):
    """./run (MEETSIDE_ENV=demo) and TESTING: http, no keys; the install's own SECRET_KEY."""
    demo = start(MEETSIDE_ENV='demo', SECRET_KEY=None, TOKEN_ENCRYPTION_KEY=None,
                 PUBLIC_URL='http://127.0.0.1:5000')
    assert len(demo.config['SECRET_KEY']) >= 40
    assert start(MEETSIDE_ENV='production', TESTING=True, SECRET_KEY=None,
                 PUBLIC_URL='http://127.0.0.1:5000')


def _environment(**changes):
    env = {k: v for k, v in os.environ.items()
           if k not in ('SECRET_KEY', 'TOKEN_ENCRYPTION_KEY', 'PUBLIC_URL', 'MEETSIDE_ENV',
                        'ALLOW_INSECURE_HTTP')}
    env.update({k: str(v) for k, v in dict(SAFE, **changes).items() if v is not None})
    return env


def test_issue12_gunicorn_and_the_worker_refuse_to_start_without_secret_key(app, tmp_path):
    """The real processes: gunicorn exits instead of serving; `flask worker` exits with the
    message, before consuming anything."""
    env = _environment(SECRET_KEY=None, HUEY_SQLITE_PATH=str(tmp_path / 'huey.sqlite3'))
    # A config argument, so a work tree's instance/config.py (./run writes a key there) is not
    # read; everything else comes from the environment.
    factory = "server:create_app({'MEETSIDE_ENV': 'production'})"
    web = subprocess.run(
        [sys.executable, '-m', 'gunicorn', '--workers', '1', '--bind', '127.0.0.1:0', factory],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert web.returncode != 0 and 'SECRET_KEY is not set' in web.stderr + web.stdout
    worker = subprocess.run([sys.executable, '-m', 'flask', '--app', factory, 'worker'],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert worker.returncode != 0 and 'SECRET_KEY is not set' in worker.stderr


def test_issue12_behind_the_proxy_the_client_address_and_scheme_come_from_its_headers(app):
    """deploy/nginx.conf sets X-Forwarded-*; TRUSTED_PROXIES=1 trusts exactly that one hop."""
    def seen(proxied):
        proxied.add_url_rule('/_seen', 'seen', lambda: __import__('flask').request.remote_addr
                             + ' ' + __import__('flask').request.scheme)
        return proxied.test_client().get('/_seen', headers={
            'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https'}).get_data(as_text=True)
    assert seen(start(TRUSTED_PROXIES=1)) == '203.0.113.9 https'
    assert seen(start()) == '127.0.0.1 http'  # no proxy configured: headers are not trusted
