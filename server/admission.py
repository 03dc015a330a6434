"""How many requests of one web process run the app at once (``WEB_ACTIVE_REQUESTS``).

gunicorn's threaded workers keep many threads per process (gunicorn.conf.py, issue 9): a thread
waiting on a slow client costs memory, not CPU. But CPython runs one thread's Python at a time,
and every database call hands the interpreter lock to another thread and waits to get it back:
SQLite's driver lets go of it around each step of each row, PostgreSQL's around each
round trip. With a dozen threads in the app, a request of a few statements queued for the lock
after each of them; the GIL changing hands cost more CPU than the statements did, and a
``GET /people`` used 2.9 ms of CPU where one thread alone spent 1.4 ms (bench/api.py).

So a request waits here, outside the app, until one of the process's few running slots is free.
It waits only after the server has its whole body in hand: a client that stalls in the middle
of sending one holds its own thread, never a slot (issue 9's stalled clients). A slot is given
back when the app has returned its response, before gunicorn writes it out, so a client slow
to read holds nothing either. A slot is held while its request waits on the database or a
provider: the process then idles, which is why gunicorn.conf.py scales by processes (a worker
per core) rather than by slots.
"""
import collections
import contextlib
import io
import threading


class FairSlots:
    """``slots`` places taken in the order asked for. A freed place is handed straight to the
    longest waiter: with a semaphore a request arriving just then could take it first, and the
    passed-over one queued again behind newer ones (a p99 of 40 ms where the p50 was 12)."""

    def __init__(self, slots):
        self._lock = threading.Lock()
        self._free = slots
        self._waiting = collections.deque()

    @contextlib.contextmanager
    def held(self):
        self._acquire()
        try:
            yield
        finally:
            self._release()

    def _acquire(self):
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        turn.acquire()  # released by the request that hands its place over

    def _release(self):
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._free += 1


class AdmissionGate:
    """WSGI middleware: at most ``slots`` requests inside ``app`` at once, first come first
    served."""

    def __init__(self, app, slots, max_body_bytes):
        self.app = app
        self.slots = FairSlots(slots)
        self.max_body_bytes = max_body_bytes

    def __call__(self, environ, start_response):
        self._read_body_first(environ)
        with self.slots.held():
            # Flask has built the body by the time it returns; a streamed body (a CSV export)
            # is produced while gunicorn iterates it, outside the gate, as it should: it is
            # rare, and buffering it would undo the streaming.
            return self.app(environ, start_response)

    def _read_body_first(self, environ):
        """Read the body into memory: one of at most ``max_body_bytes`` (a declared larger one
        is left for the app to refuse with 413 without reading it), or a chunked one up to one
        byte past the limit (then the app sees it is too large and refuses it)."""
        chunked = 'chunked' in environ.get('HTTP_TRANSFER_ENCODING', '').lower()
        try:
            length = int(environ.get('CONTENT_LENGTH') or 0)
        except ValueError:
            return
        if chunked and not length:
            environ['wsgi.input'] = io.BytesIO(environ['wsgi.input'].read(self.max_body_bytes + 1))
        elif 0 < length <= self.max_body_bytes:
            body = environ['wsgi.input'].read(length)
            environ['wsgi.input'] = io.BytesIO(body)
            environ['CONTENT_LENGTH'] = str(len(body))
