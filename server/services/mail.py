"""Outgoing e-mail (issue 13 §1): invites and password resets, with plain-text and HTML parts.

With MAIL_SERVER set, each mail goes out over SMTP (smtplib; STARTTLS when MAIL_USE_TLS, a
login when MAIL_USERNAME). Without it, the mail is written to the log and to
MAIL_OUTBOX_DIR/<time>-<id>.eml, so the demo works offline and anyone can open the link.
"""
import datetime
import email.policy
import email.utils
import logging
import os
import smtplib
import uuid
from email.message import EmailMessage

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 15


class MailNotSent(Exception):
    """The SMTP server could not be reached or refused the mail."""


def build(config, to, subject, text, html):
    """The message: From MAIL_FROM, a plain-text part and its HTML alternative."""
    message = EmailMessage(policy=email.policy.SMTP)
    message['From'] = config.get('MAIL_FROM') or 'Meetside <no-reply@meetside.invalid>'
    message['To'] = to
    message['Subject'] = subject
    message['Date'] = email.utils.formatdate(localtime=False)
    message['Message-ID'] = email.utils.make_msgid(domain='meetside')
    message.set_content(text)
    message.add_alternative(html, subtype='html')
    return message


def send(config, to, subject, text, html):
    """Send one mail (SMTP, or the outbox folder without MAIL_SERVER); return the message.

    Raises MailNotSent when the SMTP server fails: callers say so rather than answer 500.
    """
    message = build(config, to, subject, text, html)
    if not config.get('MAIL_SERVER'):
        _write_outbox(config, message)
        return message
    try:
        with smtplib.SMTP(config['MAIL_SERVER'], int(config.get('MAIL_PORT') or 25),
                          timeout=SMTP_TIMEOUT) as smtp:
            if config.get('MAIL_USE_TLS'):
                smtp.starttls()
            if config.get('MAIL_USERNAME'):
                smtp.login(config['MAIL_USERNAME'], config.get('MAIL_PASSWORD') or '')
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error('could not send "%s" to %s: %s', subject, to, error)
        raise MailNotSent(str(error)) from error
    log.info('mail "%s" sent to %s', subject, to)
    return message


def _write_outbox(config, message):
    folder = config.get('MAIL_OUTBOX_DIR') or 'outbox'
    os.makedirs(folder, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%S')
    path = os.path.join(folder, f'{stamp}-{uuid.uuid4().hex[:8]}.eml')
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'wb') as handle:
        handle.write(message.as_bytes())
    # The whole text part: with no mail server, the log is how the demo's user reads the link.
    log.warning('MAIL_SERVER is not set: mail to %s written to %s\nSubject: %s\n\n%s',
                message['To'], path, message['Subject'],
                message.get_body(('plain',)).get_content())
    return path
