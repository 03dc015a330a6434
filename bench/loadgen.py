"""Drive an HTTP server at N connections: wrk when installed, else a threaded Python client."""
import http.client
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Result:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float = 0.0  # server CPU per request, filled in by the caller when it knows


def wrk_path():
    return shutil.which('wrk')


def tool_name():
    path = wrk_path()
    if not path:
        return 'python threaded client (wrk not installed: apt-get install -y wrk)'
    out = subprocess.run([path, '--version'], capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else 'wrk'
    return first.split(' Copyright')[0].strip()


# wrk calls request() for every request in each thread's own Lua state: it walks the list of
# paths (so lookups do not hit one row) and, for POSTs, makes every client_id unique.
LUA = r'''
local paths = {%(paths)s}
local method = "%(method)s"
local body = %(body)s
local prefix = "%(prefix)s"
local n, i = 0, 0
local threads = 0
thread_no = 0  -- a global: setup() overwrites it in each thread
function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end
function request()
  n = n + 1
  i = i %% #paths + 1
  local payload = nil
  if body then
    payload = string.format(body, prefix .. "-" .. thread_no .. "-" .. n)
  end
  return wrk.format(method, paths[i], nil, payload)
end
function done(summary, latency, requests)
  io.write(string.format("BENCH %%d %%d %%d %%d %%.3f %%.3f\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50), latency:percentile(99)))
end
'''


def _lua_string(value):
    return '"' + value.replace('\\', '\\\\').replace('"', '\\"') + '"'


def run(base_url, paths, connections=16, duration=10, headers=None, method='GET', body=None,
        warmup=2):
    """Load ``paths`` (cycled) on ``base_url``; ``body`` may hold one %s for a unique id."""
    headers = dict(headers or {})
    if body is not None:
        headers.setdefault('Content-Type', 'application/json')
    if warmup:
        _run(base_url, paths, connections, warmup, headers, method, body)
    return _run(base_url, paths, connections, duration, headers, method, body)


def _run(base_url, paths, connections, duration, headers, method, body):
    if wrk_path():
        return _run_wrk(base_url, paths, connections, duration, headers, method, body)
    return _run_python(base_url, paths, connections, duration, headers, method, body)


def _run_wrk(base_url, paths, connections, duration, headers, method, body):
    script = LUA % {
        'paths': ', '.join(_lua_string(p) for p in paths),
        'method': method,
        'body': _lua_string(body) if body is not None else 'nil',
        'prefix': 'b' + os.urandom(4).hex(),
    }
    with tempfile.NamedTemporaryFile('w', suffix='.lua', delete=False) as handle:
        handle.write(script)
    try:
        command = [wrk_path(), '-t', '1', '-c', str(connections),
                   '-d', f'{duration}s', '-s', handle.name]
        for name, value in headers.items():
            command += ['-H', f'{name}: {value}']
        out = subprocess.run(command + [base_url], capture_output=True, text=True, check=True)
    finally:
        os.unlink(handle.name)
    match = re.search(r'^BENCH (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)$', out.stdout, re.M)
    if not match:
        raise RuntimeError('wrk printed no summary:\n' + out.stdout + out.stderr)
    requests, socket_errors, status_errors, micros, p50, p99 = match.groups()
    return Result(requests_per_s=int(requests) / (int(micros) / 1e6), p50_ms=float(p50) / 1000,
                  p99_ms=float(p99) / 1000, requests=int(requests),
                  errors=int(socket_errors) + int(status_errors))


def _run_python(base_url, paths, connections, duration, headers, method, body):
    parts = urlsplit(base_url)
    deadline = time.perf_counter() + duration
    latencies, errors = [], [0]
    lock = threading.Lock()
    prefix = 'p' + os.urandom(4).hex()

    def worker(number):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine, failed, n = [], 0, 0
        while time.perf_counter() < deadline:
            path = paths[n % len(paths)]
            n += 1
            payload = (body % f'{prefix}-{number}-{n}').encode() if body is not None else None
            began = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
                if response.getheader('Connection', '').lower() == 'close':
                    conn.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Result(requests_per_s=len(latencies) / elapsed, p50_ms=cuts[49] * 1000,
                  p99_ms=cuts[98] * 1000, requests=len(latencies), errors=errors[0])
