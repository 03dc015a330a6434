"""The product as it runs in production, for tests: gunicorn (the app) and the huey worker as
real processes against a given database, on free 127.0.0.1 ports.

    with Processes(database_url, tmp_path, env=google_fake.config()) as product:
        requests.get(product.url + '/api/v1/health')
        ...
        product.worker_log()   # what the worker printed (tracebacks included)

Reusable by any real-process test (concurrency, deployment topology). Every wait is bounded;
``stop`` terminates, then kills what does not end in time.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Processes:
    """gunicorn + ``flask --app server worker`` for one database and one SQLite job queue."""

    def __init__(self, database_url, directory, env=None, web_workers=2, web_threads=4,
                 worker_threads=2, port=None, worker=True):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.web_workers, self.web_threads = web_workers, web_threads
        self.worker_threads, self.with_worker = worker_threads, worker
        self.env = dict(os.environ)
        for name in ('HUEY_IMMEDIATE', 'REDIS_URL', 'EXTENSION_ORIGINS'):
            self.env.pop(name, None)
        self.env.update({
            'DATABASE_URL': database_url, 'PUBLIC_URL': self.url, 'SECRET_KEY': 'processes',
            # Plain http on 127.0.0.1: the demo's settings rules (server/production.py).
            'MEETSIDE_ENV': 'demo',
            'HUEY_SQLITE_PATH': str(self.directory / 'huey.sqlite3'), 'FLASK_DEBUG': '0',
            'PYTHONUNBUFFERED': '1',
        })
        self.env.update({k: str(v) for k, v in (env or {}).items()})
        self.web = self.worker = None

    @property
    def huey_path(self):
        return self.env['HUEY_SQLITE_PATH']

    @property
    def web_log_path(self):
        return self.directory / 'web.log'

    @property
    def worker_log_path(self):
        return self.directory / 'worker.log'

    def _spawn(self, args, log_path):
        with open(log_path, 'ab') as log:
            # A process group of its own: stopping it stops gunicorn's workers too.
            return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def start(self, timeout=30):
        self.web = self._spawn(
            [str(BIN / 'gunicorn'), '--workers', str(self.web_workers), '--threads',
             str(self.web_threads), '--bind', f'127.0.0.1:{self.port}', '--graceful-timeout', '5',
             'server:create_app()'], self.web_log_path)
        if self.with_worker:
            self.start_worker()
        self.wait_healthy(timeout)
        return self

    def start_worker(self):
        self.worker = self._spawn(
            [str(BIN / 'flask'), '--app', 'server', 'worker', '--workers',
             str(self.worker_threads)], self.worker_log_path)
        return self.worker

    def wait_healthy(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f'gunicorn exited:\n{self.web_log()[-5000:]}')
            if self.worker is not None and self.worker.poll() is not None:
                raise RuntimeError(f'the worker exited:\n{self.worker_log()[-5000:]}')
            try:
                if requests.get(self.url + '/api/v1/health', timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f'gunicorn did not answer in {timeout}s:\n{self.web_log()[-5000:]}')

    @staticmethod
    def _stop(process, timeout):
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        except ProcessLookupError:
            pass

    def stop_worker(self, timeout=10):
        self._stop(self.worker, timeout)

    def stop(self, timeout=10):
        self._stop(self.worker, timeout)
        self._stop(self.web, timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @staticmethod
    def _read(path):
        try:
            return path.read_text(encoding='utf-8', errors='replace')
        except FileNotFoundError:
            return ''

    def web_log(self):
        return self._read(self.web_log_path)

    def worker_log(self):
        return self._read(self.worker_log_path)

    def unhandled_task_errors(self):
        """The worker log's lines that report a task that raised (huey logs each with a
        traceback as 'Unhandled exception in task ...')."""
        return [line for line in self.worker_log().splitlines()
                if 'Unhandled exception in task' in line]
