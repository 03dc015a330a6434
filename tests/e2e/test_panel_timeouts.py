"""Issue 9 §2: every panel request gives up after 10 s (AbortController in extension/lib/api.js),
so a server that accepts the connection and never answers ends in the error state with Retry,
not in an endless loading skeleton."""
import socket
import threading
import time

import pytest

pytestmark = pytest.mark.e2e


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts every connection, reads nothing, answers never --
    until ``forward_to`` names a real server: connections accepted after that are relayed to
    it (the stalled server recovered, at the same address)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.url = f'http://127.0.0.1:{self.sock.getsockname()[1]}'
        self.accepted = []
        self.lock, self.closed = threading.Lock(), False
        self.forward_to = None  # (host, port)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn = self.sock.accept()[0]
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection(self.forward_to) if self.forward_to else None
            except OSError:  # the real server is gone (the test is ending)
                conn.close()
                continue
            with self.lock:  # a connection that lands while close() runs is closed, not leaked
                if self.closed:
                    for leftover in (conn, upstream):
                        if leftover is not None:
                            leftover.close()
                    return
                self.accepted += [c for c in (conn, upstream) if c is not None]
            if upstream is not None:
                for source, sink in ((conn, upstream), (upstream, conn)):
                    threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        with self.lock:
            self.closed = True
            for conn in self.accepted:
                conn.close()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked in its thread
        except OSError:
            pass
        self.sock.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_issue9_a_server_that_never_answers_ends_in_the_error_state_with_retry(
        extension, server, world, silent_server):
    extension.storage(f'chrome.storage.local.set({{serverUrl: "{silent_server.url}", '
                      f'token: "{world.token}"}})')
    started = time.monotonic()
    panel = extension.open_panel()
    panel.locator('.skeleton[aria-busy="true"]').wait_for()
    error = panel.locator('[data-state="error"]')
    error.wait_for(timeout=25_000)
    waited = time.monotonic() - started
    assert silent_server.accepted, 'the panel never reached the silent server'
    assert 9 <= waited <= 22, waited  # the 10 s timeout (twice at most: /me, then the list)
    assert 'did not answer within 10 seconds' in error.inner_text()
    assert panel.locator('.skeleton').count() == 0
    # Retry asks again: with the server answering again at that address, the list appears.
    silent_server.forward_to = ('127.0.0.1', server.port)
    panel.get_by_role('button', name='Retry').click()
    panel.wait_for_selector('button.meeting')
