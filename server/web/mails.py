"""The mails the web pages send (invites, password resets): rendered from templates/mail."""
from flask import current_app, render_template, url_for
from flask_babel import gettext

from server import i18n
from server.services import mail


def link(endpoint, token):
    """An e-mailed link: PUBLIC_URL (never the Host header) and the token in the fragment,
    which browsers never send, so no access log records it (as the sign-in link)."""
    return current_app.config['PUBLIC_URL'].rstrip('/') + url_for(endpoint) + '#token=' + token


def send(template, to, subject, reader=None, **context):
    """Render mail/<template>.txt and .html and send them; False (logged) if the SMTP server
    failed, so the page can say so instead of answering 500.

    ``subject`` is an English msgid (its %(name)s filled from ``context``); the subject and both
    parts are written in ``reader``'s language and zone (issue 13 §3, i18n.speaking_to)."""
    with i18n.speaking_to(reader):
        subject = gettext(subject, **context)
        text = render_template(f'mail/{template}.txt', **context)
        html = render_template(f'mail/{template}.html', subject=subject, **context)
    try:
        mail.send(current_app.config, to, subject, text, html)
    except mail.MailNotSent:
        return False
    return True
