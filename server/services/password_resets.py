"""Password reset by e-mailed link (issue 13 §1): single-use, one hour, and no account
enumeration: asking for a link answers the same whether or not the e-mail has an account.
"""
import datetime

from werkzeug.security import generate_password_hash

from server.db import write_transaction
from server.errors import ValidationFailed
from server.models import PasswordReset, User, utcnow
from server.services import link_tokens, signup_rules
from server.translatable import N_

LIFETIME = datetime.timedelta(hours=1)


def request_link(email, now=None):
    """(User, plaintext) for an active user with this e-mail, else None (the caller answers
    the same either way). An earlier unused link of the user stops working."""
    email, errors = signup_rules.clean_email(email)
    if errors:
        return None
    user = User.get_or_none(User.email == email, User.is_active == True)  # noqa: E712
    if user is None:
        return None
    now = now or utcnow()
    plaintext, token_hash = link_tokens.new()
    with write_transaction():
        (PasswordReset.update(used_at=now)
         .where(PasswordReset.user == user.id, PasswordReset.used_at.is_null()).execute())
        PasswordReset.create(user=user.id, token_hash=token_hash, created_at=now,
                             expires_at=now + LIFETIME)
    return user, plaintext


def holder(plaintext, now=None):
    """The active user an unused, unexpired link resets, or None. Looking spends nothing."""
    token_hash = link_tokens.digest(plaintext)
    if token_hash is None:
        return None
    reset = PasswordReset.get_or_none(PasswordReset.token_hash == token_hash,
                                      PasswordReset.used_at.is_null(),
                                      PasswordReset.expires_at > (now or utcnow()))
    if reset is None:
        return None
    return User.get_or_none(User.id == reset.user_id, User.is_active == True)  # noqa: E712


def reset(plaintext, password, confirm, now=None):
    """Set the new password and spend the link; every session of the user ends. Returns the
    User, or None for a link that is not (or no longer) valid; ValidationFailed for the form."""
    now = now or utcnow()
    user = holder(plaintext, now)
    if user is None:
        return None
    problems = signup_rules.password_errors(password, confirm)
    if problems:
        raise ValidationFailed(N_('Check the highlighted fields.'), {'password': problems})
    password_hash = generate_password_hash(password)
    with write_transaction():
        spent = (PasswordReset.update(used_at=now)
                 .where(PasswordReset.token_hash == link_tokens.digest(plaintext),
                        PasswordReset.used_at.is_null(), PasswordReset.expires_at > now)
                 .execute())
        if not spent:
            return None
        (User.update(password_hash=password_hash, session_version=User.session_version + 1)
         .where(User.id == user.id).execute())
    return User.get_by_id(user.id)


def change(user, current, password, confirm):
    """Settings › Profile: change one's own password (the current one first). Every other
    session of the user ends; returns the refreshed User."""
    from server.services import users
    errors = {}
    if not isinstance(current, str) or len(current) > signup_rules.PASSWORD_MAX:
        current = ''  # never anyone's password, and no megabyte through the slow hash
    if users.check_password(user.email, current) is None:
        errors['current_password'] = [N_('This is not your current password.')]
    problems = signup_rules.password_errors(password, confirm)
    if problems:
        errors['password'] = problems
    if errors:
        raise ValidationFailed(N_('Check the highlighted fields.'), errors)
    password_hash = generate_password_hash(password)
    with write_transaction():
        (User.update(password_hash=password_hash, session_version=User.session_version + 1)
         .where(User.id == user.id).execute())
        (PasswordReset.update(used_at=utcnow())
         .where(PasswordReset.user == user.id, PasswordReset.used_at.is_null()).execute())
    return User.get_by_id(user.id)
