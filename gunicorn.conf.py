"""gunicorn settings, read by gunicorn from the working directory (./run, bench/api.py, the
deployment). Each may be overridden on the command line or with the environment below.

The worker model (issue 9): threaded workers ("gthread"), not gunicorn's default sync ones.
A sync worker serves one connection at a time and blocks reading it, so a browser's idle,
pre-opened connections (Chromium opens several per origin and sends nothing on them for a
while) or a client that sends half a request tied up both workers: the panel froze for 17-32 s
and gunicorn logged WORKER TIMEOUT. A gthread worker waits for a request's first bytes in a
thread for at most 5 s, then parks the connection in its poller, where an idle or kept-alive
connection costs no thread at all; a client stalled in the middle of a request holds one thread,
of many. Threads rather than gevent/eventlet: the app, peewee and the calendar clients are plain
blocking code, and need no monkey-patching this way.
"""
import gc
import os

worker_class = 'gthread'
workers = int(os.environ.get('WEB_CONCURRENCY', 2))
# Many threads per worker: a thread waiting on a slow client costs a little memory, not CPU.
# 32 per worker keeps a browser's worth of idle connections plus a few stalled ones (the test:
# 20 + 5, all on one worker in the worst case) from delaying a real request. Only requests
# that run hold a database connection; the pool (server/db.py, DATABASE_POOL_SIZE per worker)
# makes the others wait their turn for one rather than opening one per thread.
threads = int(os.environ.get('GUNICORN_THREADS', 32))
# ... but only one of them runs the app at a time (server/admission.py, issue 10 §4); the rest
# wait outside it with their request read. CPython runs one thread's Python at a time, and
# threads inside the app passed the interpreter lock around on every database call: GET
# /people cost 2.9 ms of CPU with a dozen in it and 1.4 ms alone, and two in it fell into
# the same hand-over now and then (half the throughput, run to run). One request per process
# is what sync workers gave, without their stalls; scale with WEB_CONCURRENCY (a worker per
# core). Read by the app, which only gates where this file set it: the test client and the
# tests' threaded server run ungated.
os.environ.setdefault('WEB_ACTIVE_REQUESTS', '1')
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections
# over them. On one shared socket, whichever idle worker woke first took a burst of new
# connections, often all of them: 16 panels' connections on one worker and the other idle
# held GET /people to half its throughput in a third of the bench runs (issue 10 §4).
reuse_port = True
# Bounded keep-alive: an idle kept-alive connection waits in the poller (no thread) and is
# closed after this many seconds, so idle connections cannot pile up either.
keepalive = int(os.environ.get('GUNICORN_KEEPALIVE', 5))
# A worker whose main loop has not checked in for this long is replaced; with threads the
# loop keeps checking in while requests run, so this only catches a truly stuck worker.
timeout = 30
# Request lines up to gunicorn's 1 MiB cap (0 = "unlimited" there): the app refuses URLs over
# server.extensions.MAX_URI_BYTES itself, in the API's JSON error shape, where gunicorn's
# default (4094 bytes) answered with an HTML page no API client can read (issue 8).
limit_request_line = 0
# The access log names the path, never the query string: an OAuth callback carries the
# authorization code there (?code=...), and the API's lookups e-mail addresses
# (/people?email=...). Otherwise gunicorn's default format.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def post_worker_init(worker):
    """Move the loaded app's objects out of the cyclic GC's reach.

    Every collection otherwise walks the ~85k objects of Flask, peewee and marshmallow
    while a request allocates a few thousand: a quarter of a meetings-page request.
    """
    gc.collect()
    gc.freeze()
