"""Issue 8 §4 "Sign-in links": a link's token never appears in the access log of a real
gunicorn, run as ./run runs it (``--access-logfile -``, gunicorn.conf.py from the work tree)."""
import os
import re
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from tests.conftest import DATABASE_URL
from tests.e2e.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
FORM = re.compile(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def start_gunicorn(port, log):
    # The config as an argument, so the work tree's instance/config.py (made by ./run) is not
    # read: the test's database and secret key are used.
    config = {'DATABASE_URL': DATABASE_URL, 'SECRET_KEY': 'test', 'MEETSIDE_ENV': 'demo',
              'PUBLIC_URL': f'http://127.0.0.1:{port}'}
    process = subprocess.Popen(
        [sys.executable, '-m', 'gunicorn', '--workers', '1', '--bind', f'127.0.0.1:{port}',
         '--access-logfile', '-', f'server:create_app({config!r})'],
        cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60  # bounded; a loaded machine boots the worker slowly
    while time.monotonic() < deadline:
        try:
            requests.get(f'http://127.0.0.1:{port}/sign-in', timeout=10)
            return process
        except requests.RequestException:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    process.wait(timeout=30)
    raise AssertionError('gunicorn did not start')


def submit(session, page_url, html, fragment):
    """Submit the page's first form as the browser (and link-token.js) would: its hidden
    fields, with the link fragment's token where the form has a ``token`` field."""
    action, body = FORM.search(html).groups()
    data = {name: unescape(value) for name, value in HIDDEN.findall(body)}
    if 'token' in data and not data['token']:
        data['token'] = parse_qs(fragment).get('token', [''])[0]
    return session.post(urljoin(page_url, unescape(action)), data=data, allow_redirects=False,
                        timeout=30)


def test_issue8_sign_in_link_tokens_stay_out_of_the_gunicorn_access_log(runner, rep):
    result = runner.invoke(args=['web', 'sign-in-link', '--email', rep.email])
    assert result.exit_code == 0, result.output
    printed = urlsplit(result.output.strip())
    token = printed.fragment.rpartition('=')[2] or printed.path.rpartition('/')[2]
    assert len(token) > 20

    port = free_port()
    with tempfile.TemporaryFile('w+') as log:
        process = start_gunicorn(port, log)
        try:
            link = printed._replace(scheme='http', netloc=f'127.0.0.1:{port}')
            session = requests.Session()
            # A browser never sends the fragment (requests does not either).
            page = session.get(link._replace(fragment='').geturl(), timeout=30)
            assert page.status_code == 200
            for _ in range(3):  # at most: the script's post, then the "Sign in as" button
                answer = submit(session, page.url, page.text, link.fragment)
                if answer.status_code != 200:
                    break
                page = answer
            assert answer.status_code == 303, answer.status_code
            home = session.get(f'http://127.0.0.1:{port}/', timeout=30)
            assert rep.email in home.text  # signed in
        finally:
            process.terminate()
            process.wait(timeout=30)
        log.seek(0)
        lines = log.read().splitlines()
    requests_logged = [line for line in lines if '"GET ' in line or '"POST ' in line]
    assert any('/sign-in/link' in line for line in requests_logged), lines[-10:]
    assert not [line for line in lines if token in line]


def test_issue8_query_strings_stay_out_of_the_gunicorn_access_log():
    """An OAuth callback's authorization code (and any address looked up) is in the query."""
    port = free_port()
    secret = 'authcode-4/0AVG7fiQ-secret'
    with tempfile.TemporaryFile('w+') as log:
        process = start_gunicorn(port, log)
        try:
            answer = requests.get(f'http://127.0.0.1:{port}/integrations/google/callback',
                                  params={'code': secret, 'state': 'st'}, timeout=30,
                                  allow_redirects=False)
            assert answer.status_code < 500
        finally:
            process.terminate()
            process.wait(timeout=30)
        log.seek(0)
        lines = log.read().splitlines()
    assert any('"GET /integrations/google/callback HTTP/1.1"' in line for line in lines), lines
    assert not [line for line in lines if 'authcode' in line or 'state=' in line]
