"""Issue 9 §2: a server a browser cannot stall -- the real gunicorn, as ./run starts it
(gunicorn.conf.py), with idle and half-sent connections open against it."""
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
IDLE, HALF = 20, 5


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
        env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECRET_KEY='test',
                   PUBLIC_URL=self.url, HUEY_IMMEDIATE='1')
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'gunicorn', *options, '--bind', f'127.0.0.1:{self.port}',
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


def stalling_clients(port):
    """20 connections that send nothing (a browser's pre-opened ones) and 5 that send half a
    request and stop; returned so the caller keeps them open."""
    sockets = []
    for n in range(IDLE + HALF):
        sock = socket.create_connection(('127.0.0.1', port), timeout=5)
        if n >= IDLE:
            sock.sendall(b'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: ')
        sockets.append(sock)
    time.sleep(0.5)  # every one accepted by now, and the half requests read
    return sockets


def answers_within(url, seconds, **kwargs):
    started = time.monotonic()
    try:
        response = requests.get(url, timeout=seconds, **kwargs)
    except requests.Timeout:
        return None
    return response.status_code, time.monotonic() - started


@pytest.fixture
def served(app, caller):
    servers = []

    def serve(*options):
        servers.append(Gunicorn(*options))
        return servers[-1]
    yield serve
    for server in servers:
        server.stop()


def test_issue9_idle_and_half_sent_connections_do_not_stall_the_server(served, caller):
    """With gunicorn.conf.py (what ./run and bench/api.py use), /health and /meetings answer
    within 1 s while 20 idle and 5 half-sent connections are open."""
    server = served()
    sockets = stalling_clients(server.port)
    try:
        for path, headers in [('/api/v1/health', {}), ('/api/v1/meetings', caller.headers),
                              ('/api/v1/health', {}), ('/api/v1/meetings', caller.headers)]:
            answer = answers_within(server.url + path, 1.0, headers=headers)
            assert answer is not None, f'{path} did not answer within 1 s\n{server.output()}'
            assert answer[0] == 200, (path, answer)
    finally:
        for sock in sockets:
            sock.close()


def test_issue9_the_old_sync_workers_are_stalled_by_the_same_clients(served):
    """The configuration before issue 9 (2 sync workers, no config file): the same clients
    tie up both workers, so /health does not answer within 1 s -- what the test above guards."""
    server = served('--config', '/dev/null', '--workers', '2', '--worker-class', 'sync')
    sockets = stalling_clients(server.port)
    try:
        assert answers_within(server.url + '/api/v1/health', 1.0) is None
    finally:
        for sock in sockets:
            sock.close()
