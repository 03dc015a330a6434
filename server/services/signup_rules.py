"""Pure rules of sign-up and invites (issue 13 §1): e-mails, passwords, free-mail domains."""
import re

from marshmallow import ValidationError, validate

from server.translatable import N_, Sentence

EMAIL_MAX = 254
NAME_MAX = 200
PASSWORD_MIN = 8
# Hashing is deliberately slow: a megabyte "password" must not cost the server a second.
PASSWORD_MAX = 200

# Mail providers whose domain says nothing about the sender's company: a sign-up from one
# gets no website domain (else every gmail.com attendee would count as a colleague, R12).
FREE_MAIL_DOMAINS = frozenset({
    'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'live.com',
    'msn.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.co.jp', 'yahoo.com.tw', 'ymail.com',
    'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'pm.me',
    'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'zoho.com', 'yandex.com',
    'yandex.ru', 'mail.ru', 'qq.com', '163.com', '126.com', 'hey.com', 'fastmail.com',
    'tutanota.com', 'hinet.net', 'naver.com'})

_SECOND_LEVEL = frozenset({'co', 'com', 'ac', 'org', 'net', 'gov', 'edu', 'or', 'ne'})
_is_email = validate.Email(error=N_('Enter an e-mail address such as name@example.com.'))
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')


def at_most_characters(limit):
    return Sentence(N_('At most %(length)s characters.'), length=limit)


def clean_email(value):
    """(lower-case e-mail, errors): one address, at most EMAIL_MAX characters."""
    email = (value if isinstance(value, str) else '').strip().lower()
    if not email:
        return email, [N_('This field is required.')]
    if len(email) > EMAIL_MAX:
        return email[:EMAIL_MAX], [at_most_characters(EMAIL_MAX)]
    try:
        _is_email(email)
    except ValidationError as error:
        return email, list(error.messages)
    return email, []


def clean_name(value, required=True):
    """(name, errors): trimmed, no control characters, at most NAME_MAX characters."""
    name = (value if isinstance(value, str) else '').strip()
    if required and not name:
        return name, [N_('This field is required.')]
    if len(name) > NAME_MAX:
        return name[:NAME_MAX], [at_most_characters(NAME_MAX)]
    if _CONTROL.search(name):
        return name, [N_('Use letters, digits, spaces and punctuation only.')]
    return name, []


def password_errors(password, confirm=None):
    """What is wrong with a new password (empty list: nothing)."""
    if not isinstance(password, str) or not password:
        return [N_('This field is required.')]
    if len(password) < PASSWORD_MIN:
        return [Sentence(N_('At least %(length)s characters.'), length=PASSWORD_MIN)]
    if len(password) > PASSWORD_MAX:
        return [at_most_characters(PASSWORD_MAX)]
    if '\x00' in password:
        return [N_('A password cannot contain a NUL character.')]
    if confirm is not None and confirm != password:
        return [N_('The two passwords differ.')]
    return []


def email_domain(email):
    return email.rpartition('@')[2].lower()


def website_domain_for(email):
    """The website domain a sign-up with ``email`` starts with: its domain, but for free mail."""
    domain = email_domain(email)
    return '' if domain in FREE_MAIL_DOMAINS else domain


def account_name_for(email, name):
    """A first account name: 'Acme' for rita@acme.com, "Rita's team" for a free-mail sign-up."""
    domain = website_domain_for(email)
    if domain:
        labels = domain.split('.')
        # acme.com -> acme; acme.co.uk -> acme (not "co")
        label = labels[-3] if len(labels) > 2 and labels[-2] in _SECOND_LEVEL else labels[-2]
        return label.replace('-', ' ').title()[:NAME_MAX]
    first = (name or email.partition('@')[0]).split()[0] if (name or email) else 'My'
    return f"{first}'s team"[:NAME_MAX]
