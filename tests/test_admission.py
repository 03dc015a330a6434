"""server/admission.py: at most N requests of a process inside the app at once (issue 10 §4),
and a client that is slow to send its body holds no slot (issue 9)."""
import io
import threading
import time

from server.admission import AdmissionGate


class Recorder:
    """A WSGI app that records how many requests are inside it at once."""

    def __init__(self, pause=0.02):
        self.pause = pause
        self.inside = 0
        self.most = 0
        self.bodies = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        body = environ['wsgi.input'].read(int(environ.get('CONTENT_LENGTH') or 0))
        time.sleep(self.pause)
        with self.lock:
            self.inside -= 1
            self.bodies.append(body)
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']


def environ(body=b'', stream=None):
    return {'REQUEST_METHOD': 'POST', 'CONTENT_LENGTH': str(len(body)),
            'wsgi.input': stream or io.BytesIO(body)}


def call(gate, env):
    return b''.join(gate(env, lambda status, headers: None))


def test_issue10_no_more_requests_inside_the_app_than_slots():
    app = Recorder()
    gate = AdmissionGate(app, slots=2, max_body_bytes=1024)
    threads = [threading.Thread(target=call, args=(gate, environ(b'x%d' % n))) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert app.most == 2
    assert sorted(app.bodies) == sorted(b'x%d' % n for n in range(8))


class StalledBody(io.RawIOBase):
    """A request body whose client sent half of it and stopped (until ``resume`` is set)."""

    def __init__(self, body):
        self.body, self.resume = body, threading.Event()

    def read(self, size=-1):
        self.resume.wait(10)
        body, self.body = self.body, b''
        return body


def test_issue9_a_client_stalled_in_its_body_holds_no_slot():
    """With one slot, a request whose body is still on its way does not keep the next request
    out: the gate reads the body before it takes the slot."""
    app = Recorder(pause=0)
    gate = AdmissionGate(app, slots=1, max_body_bytes=1024)
    stalled = StalledBody(b'late')
    slow = threading.Thread(target=call, args=(gate, environ(b'late', stalled)))
    slow.start()
    time.sleep(0.05)
    began = time.monotonic()
    assert call(gate, environ(b'quick')) == b'ok'
    assert time.monotonic() - began < 1
    assert app.bodies == [b'quick']
    stalled.resume.set()
    slow.join(10)
    assert app.bodies == [b'quick', b'late']


def test_issue10_a_body_over_the_limit_is_left_for_the_app_to_refuse():
    """Not read into memory: the app answers 413 from Content-Length alone."""
    seen = []

    def app(env, start_response):
        seen.append(env['wsgi.input'])
        start_response('413 Request Entity Too Large', [])
        return [b'']
    stream = io.BytesIO(b'y' * 2048)
    gate = AdmissionGate(app, slots=1, max_body_bytes=1024)
    call(gate, environ(b'y' * 2048, stream))
    assert seen == [stream] and stream.tell() == 0


def test_issue10_a_freed_place_goes_to_the_longest_waiter():
    """The holder frees its place and at once asks again (a request arriving just then): the
    one already waiting goes first, as it would not with a semaphore, where the newcomer took
    the place and the waiter queued again (the tail latency of GET /people)."""
    from server.admission import FairSlots
    slots = FairSlots(1)
    entered = []
    waiting = threading.Event()

    def waiter():
        waiting.set()
        with slots.held():
            entered.append('waiter')
    with slots.held():
        thread = threading.Thread(target=waiter)
        thread.start()
        waiting.wait(5)
        deadline = time.monotonic() + 5
        while not slots._waiting and time.monotonic() < deadline:
            time.sleep(0.001)
    with slots.held():
        entered.append('newcomer')
    thread.join(5)
    assert entered == ['waiter', 'newcomer']


def test_issue9_a_chunked_body_is_read_before_the_slot_too():
    """No Content-Length (Transfer-Encoding: chunked): read up to one byte past the limit, so a
    stalled chunked upload holds no slot either and an oversized one still reaches the app's
    413 (werkzeug counts what it reads)."""
    seen = []

    def reader(env, start_response):
        seen.append(env['wsgi.input'].read())
        start_response('200 OK', [])
        return [b'']
    for body in (b'abc', b'abcdefgh'):
        env = {'REQUEST_METHOD': 'POST', 'HTTP_TRANSFER_ENCODING': 'chunked',
               'wsgi.input': io.BytesIO(body)}
        AdmissionGate(reader, slots=1, max_body_bytes=4)(env, lambda *a: None)
    assert seen == [b'abc', b'abcde']
