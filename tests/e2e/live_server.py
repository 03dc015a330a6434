"""The real Meetside server in its own process, for the browser tests.

A process (not a thread) so that stopping it is a real outage: every socket, kept-alive ones
included, dies with it. Run as `python -m tests.e2e.live_server PORT`.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class LiveServer:
    """Start, stop and restart the server on one port against the tests' database."""

    def __init__(self, database_url, port=None):
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.process = None
        self.log_path = os.path.join(tempfile.mkdtemp(prefix='meetside-e2e-'), 'server.log')

    def start(self, timeout=20):
        env = dict(os.environ, DATABASE_URL=self.database_url, PUBLIC_URL=self.url,
                   SECRET_KEY='e2e-secret', HUEY_IMMEDIATE='1', FLASK_DEBUG='0')
        env.pop('EXTENSION_ORIGINS', None)  # the default admits the extension's fixed id
        with open(self.log_path, 'ab') as log:
            self.process = subprocess.Popen(
                [sys.executable, '-m', 'tests.e2e.live_server', str(self.port)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'the server exited:\n{self.output()}')
            try:
                if requests.get(self.url + '/api/v1/health', timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f'the server did not answer in {timeout}s:\n{self.output()}')

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def output(self):
        with open(self.log_path, encoding='utf-8', errors='replace') as f:
            return f.read()[-5000:]


def _serve(port):
    from werkzeug.serving import WSGIRequestHandler, run_simple

    from server import create_app

    app = create_app({'TESTING': True})

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    run_simple('127.0.0.1', port, app, threaded=True, request_handler=Quiet)


if __name__ == '__main__':
    _serve(int(sys.argv[1]))
