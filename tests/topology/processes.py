"""Real Meetside processes for tests and benches: gunicorn instances and huey consumers as
subprocesses, each in its own process group (SIGKILL takes a gunicorn master with its workers,
as a crashed host would), with its log kept and its CPU time readable from /proc.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _stat_fields(pid):
    """/proc/<pid>/stat after the command name, or None once the process is gone: [1] is the
    parent pid, [11] and [12] utime and stime in clock ticks."""
    try:
        with open(f'/proc/{pid}/stat') as handle:
            return handle.read().rpartition(')')[2].split()
    except OSError:
        return None


def children_of(pid):
    """{child pid: its /proc stat fields} of the processes ``pid`` started, still running."""
    found = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields and int(fields[1]) == pid:
                found[int(entry)] = fields
    return found


def cpu_seconds_of_tree(pid):
    """User + system CPU seconds of ``pid`` and its children still running (from /proc)."""
    ticks = os.sysconf('SC_CLK_TCK')
    stats = list(children_of(pid).values()) + [_stat_fields(pid)]
    return sum((int(f[11]) + int(f[12])) / ticks for f in stats if f)


class Process:
    """One supervised subprocess: start, wait until ready, SIGKILL, restart."""

    def __init__(self, name, command, env, log_dir, ready, ready_timeout=60):
        self.name, self.command, self.env = name, command, env
        self.log_path = os.path.join(log_dir, f'{name}.log')
        self.ready, self.ready_timeout = ready, ready_timeout
        self.process = None
        self.cpu_before_restarts = 0.0
        self.starts = 0

    def start(self, wait=True):
        log = open(self.log_path, 'a')
        log.write(f'--- start {self.starts + 1}\n')
        log.flush()
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.starts += 1
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'{self.name} exited ({self.process.returncode}):\n'
                                   + self.log_tail())
            if self.ready(self):
                return
            time.sleep(0.1)
        raise RuntimeError(f'{self.name} not ready in {self.ready_timeout} s:\n' + self.log_tail())

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self):
        live = cpu_seconds_of_tree(self.process.pid) if self.alive() else 0.0
        return self.cpu_before_restarts + live

    def _signal_group(self, signum):
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self):
        """SIGKILL the process and its children at once: no cleanup runs, like a crash."""
        self.cpu_before_restarts += cpu_seconds_of_tree(self.process.pid)
        self._signal_group(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout=10):
        if not self.alive():
            return
        self.cpu_before_restarts += cpu_seconds_of_tree(self.process.pid)
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.process.wait(10)

    def restart(self):
        if self.alive():
            self.kill()
        return self.start()

    def log_text(self):
        with open(self.log_path, errors='replace') as handle:
            return handle.read()

    def log_tail(self, lines=40):
        return '\n'.join(self.log_text().splitlines()[-lines:])


def _answers(url):
    def ready(process):
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status == 200
        except OSError:
            return False
    return ready


def gunicorn(name, env, log_dir, port=None, workers=None, threads=None):
    """A gunicorn instance on 127.0.0.1:``port`` serving ``server:create_app()``, configured
    by the repository's gunicorn.conf.py (its worker class included) and, unless ``workers``
    is given, WEB_CONCURRENCY, as deploy/systemd/meetside-web@.service runs it."""
    port = port or free_port()
    # Each instance its own control socket: gunicorn's default path is one per user.
    command = [sys.executable, '-m', 'gunicorn', '--config', os.path.join(ROOT, 'gunicorn.conf.py'),
               '--bind', f'127.0.0.1:{port}',
               '--control-socket', os.path.join(log_dir, f'{name}.ctl')]
    if workers:
        command += ['--workers', str(workers)]
    if threads:
        command += ['--threads', str(threads)]
    process = Process(name, command + ['server:create_app()'], env, log_dir,
                      _answers(f'http://127.0.0.1:{port}/api/v1/health'))
    process.port, process.url = port, f'http://127.0.0.1:{port}'
    return process


def worker(name, env, log_dir, threads=2):
    """A huey consumer as the deployment runs it: `flask --app server worker`."""
    command = [sys.executable, '-m', 'flask', '--app', 'server', 'worker', '--workers', str(threads)]
    return Process(name, command, env, log_dir,
                   lambda process: 'consumer started' in process.log_text().rsplit('--- start', 1)[-1])
