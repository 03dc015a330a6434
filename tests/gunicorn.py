"""gunicorn in its own process, as ./run starts it (gunicorn.conf.py), for the tests that need
the real server: its worker model (tests/test_gunicorn_conf.py) and its request parsing
(tests/api/test_schemathesis.py)."""
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests

from tests.conftest import DATABASE_URL

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process on a free 127.0.0.1 port; ``options`` replace the config."""

    def __init__(self, *options):
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log = tempfile.NamedTemporaryFile(prefix='meetside-gunicorn-', suffix='.log')
        # A local test server on plain http: the demo's settings rules (server/production.py).
        env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECRET_KEY='test', MEETSIDE_ENV='demo',
                   PUBLIC_URL=self.url, HUEY_IMMEDIATE='1')
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'gunicorn', *options, '--bind', f'127.0.0.1:{self.port}',
             # gunicorn's control socket has one path per user: parallel servers would share it.
             '--no-control-socket',
             'server:create_app()'], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.url + '/api/v1/health', timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError('gunicorn did not come up:\n' + self.output())

    def output(self):
        self.log.flush()
        with open(self.log.name, errors='replace') as log:
            return log.read()[-3000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def served(app):
    """Factory: served(*options) starts gunicorn against the test database; all stop after."""
    servers = []

    def serve(*options):
        servers.append(Gunicorn(*options))
        return servers[-1]
    yield serve
    for server in servers:
        server.stop()
