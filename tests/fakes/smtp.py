"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for mail tests."""
import email
import email.policy
import threading
import time

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """aiosmtpd's handler: every accepted message, parsed, in arrival order."""

    def __init__(self):
        self.messages, self.envelopes = [], []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return '250 Message accepted for delivery'

    def wait(self, count=1, timeout=10):
        """The first ``count`` messages, once they arrived."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f'{len(self.messages)} of {count} mails arrived')
                self._arrived.wait(left)
            return self.messages[:count]

    def to(self, address):
        return [m for m in self.messages if m['To'] == address]


def text_of(message, subtype='plain'):
    return message.get_body((subtype,)).get_content()


def link_in(message, path):
    """The first link to ``path`` in the plain-text part."""
    import re
    found = re.search(r'(https?://\S+' + re.escape(path) + r'\S*)', text_of(message))
    assert found, text_of(message)
    return found.group(1)


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname='127.0.0.1', port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def config(self):
        """The app's mail settings that send to this server (no TLS, no login)."""
        return {'MAIL_SERVER': '127.0.0.1', 'MAIL_PORT': self.port, 'MAIL_USE_TLS': False,
                'MAIL_USERNAME': '', 'MAIL_PASSWORD': '', 'MAIL_FROM': 'Meetside <meetside@test.example>'}


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(app, smtp_server):
    """The app sends its mail to a real SMTP server; returns what arrives there."""
    app.config.update(smtp_server.config())
    return smtp_server.mailbox
