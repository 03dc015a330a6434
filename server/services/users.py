"""Accounts and users."""
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from server.db import write_transaction
from server.errors import Conflict
from server.models import Account, User


def create(email, account_name, name='', password=None, role=None, website_domain=''):
    """Create a user in the named account, creating the account (with this user as admin)."""
    email = email.strip().lower()
    with write_transaction():
        if User.select().where(User.email == email).exists():
            raise Conflict(f'A user with e-mail {email} already exists.', {'email': ['Taken.']})
        account = Account.get_or_none(Account.name == account_name)
        is_new = account is None
        if is_new:
            account = Account.create(name=account_name,
                                     website_domain=website_domain or email.rpartition('@')[2])
        return User.create(account=account, email=email, name=name,
                           role=role or ('admin' if is_new else 'member'),
                           password_hash=generate_password_hash(password) if password else '')


_dummy_hash = None


def _dummy_password_hash():
    """A hash made the way real passwords are hashed (werkzeug's default, scrypt), made once."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_urlsafe(16))
    return _dummy_hash


def check_password(email, password):
    """Return the active user with these credentials, or None.

    An e-mail without an account (or without a password) costs one hash verification all the
    same, against a dummy hash, so the time taken does not tell which e-mails have accounts.
    """
    email = (email or '').strip().lower()
    if '\x00' in email or len(email) > 254:
        email = None  # never a user's (and PostgreSQL refuses NUL in a parameter: a 500)
    user = email and User.get_or_none(User.email == email, User.is_active == True)  # noqa: E712
    if not user or not user.password_hash:
        check_password_hash(_dummy_password_hash(), password or '')
        return None
    if not check_password_hash(user.password_hash, password or ''):
        return None
    return user
