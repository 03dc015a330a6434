"""Issue 13 §1 "E-mail": plain-text + HTML mails over a real SMTP server (aiosmtpd), or, with
no MAIL_SERVER, into the log and instance/outbox/*.eml."""
import email
import email.policy
import logging

import pytest

from server.services import mail
from tests.fakes.smtp import free_port, text_of


def test_issue13_mail_goes_over_smtp_with_text_and_html_parts(smtp_server):
    config = smtp_server.config()
    mail.send(config, 'pat@globex.example', 'Hello Pat', 'Plain words\n', '<p>HTML words</p>')
    [message] = smtp_server.mailbox.wait(1)
    assert message['To'] == 'pat@globex.example' and message['Subject'] == 'Hello Pat'
    assert message['From'] == 'Meetside <meetside@test.example>'
    assert message.get_content_type() == 'multipart/alternative'
    assert text_of(message).strip() == 'Plain words'
    assert '<p>HTML words</p>' in text_of(message, 'html')
    assert smtp_server.mailbox.envelopes[0][1] == ['pat@globex.example']


def test_issue13_without_mail_server_mails_go_to_the_outbox_and_the_log(tmp_path, caplog):
    config = {'MAIL_SERVER': '', 'MAIL_OUTBOX_DIR': str(tmp_path / 'outbox')}
    with caplog.at_level(logging.WARNING, logger='server.services.mail'):
        mail.send(config, 'pat@globex.example', 'Offline', 'Open https://x.example/#token=abc\n',
                  '<p>html</p>')
    [path] = list((tmp_path / 'outbox').glob('*.eml'))
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message['Subject'] == 'Offline' and 'token=abc' in text_of(message)
    assert 'token=abc' in caplog.text and str(path) in caplog.text


def test_issue13_an_smtp_server_that_is_down_raises_mail_not_sent():
    config = {'MAIL_SERVER': '127.0.0.1', 'MAIL_PORT': free_port(), 'MAIL_USE_TLS': False}
    with pytest.raises(mail.MailNotSent):
        mail.send(config, 'pat@globex.example', 'x', 'x', '<p>x</p>')
