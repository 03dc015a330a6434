"""Invites (issue 13 §1): an admin invites an e-mail with a role; the link in the mail lets the
invitee set their name and password and join. Single-use, 7 days, revocable; only a sha256 of
the link's token is stored.
"""
import datetime

from peewee import IntegrityError
from werkzeug.security import generate_password_hash

from server.db import write_transaction
from server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.models import Invite, User, utcnow
from server.services import link_tokens, signup_rules
from server.translatable import N_, Sentence

LIFETIME = datetime.timedelta(days=7)
ROLES = ('member', 'admin')


class AlreadyInAnAccount(Conflict):
    code = 'already_in_an_account'


def require_admin(user):
    if user.role != 'admin':
        raise Forbidden(N_('Only an admin of the account can do this.'))


def _removed_member_or_refuse(email, account_id):
    """An e-mail is one user, of one account: refuse it clearly if it already is one. A member
    removed from this account may be invited back: they are returned, to be restored on accept."""
    existing = User.get_or_none(User.email == email)
    if existing is None:
        return None
    if existing.account_id == account_id and not existing.is_active:
        return existing
    if existing.account_id == account_id:
        message = Sentence(N_('%(email)s is already a member of this account.'), email=email)
    else:
        message = Sentence(N_('%(email)s already uses Meetside in another account. A person '
                              'belongs to one account: they must be removed from that one '
                              'first.'), email=email)
    raise AlreadyInAnAccount(message, {'email': [message]})


def create(admin, form, now=None):
    """Invite ``form['email']`` as ``form['role']``; return (Invite, plaintext token).

    A new invite to an e-mail with a pending one replaces it (the older link stops working).
    """
    require_admin(admin)
    email, email_errors = signup_rules.clean_email(form.get('email'))
    role = form.get('role') if isinstance(form.get('role'), str) else ''
    errors = {}
    if email_errors:
        errors['email'] = email_errors
    if role not in ROLES:
        errors['role'] = [N_('Pick admin or member.')]
    if errors:
        raise ValidationFailed(N_('Check the highlighted fields.'), errors)
    now = now or utcnow()
    plaintext, token_hash = link_tokens.new()
    with write_transaction():
        _removed_member_or_refuse(email, admin.account_id)
        (Invite.update(revoked_at=now)
         .where(Invite.account == admin.account_id, Invite.email == email,
                Invite.accepted_at.is_null(), Invite.revoked_at.is_null()).execute())
        invite = Invite.create(account=admin.account_id, email=email, role=role,
                               invited_by=admin.id, token_hash=token_hash, created_at=now,
                               expires_at=now + LIFETIME)
    return invite, plaintext


def pending(user, now=None):
    """The account's invites still waiting for an answer, newest first."""
    now = now or utcnow()
    return list(Invite.select()
                .where(Invite.account == user.account_id, Invite.accepted_at.is_null(),
                       Invite.revoked_at.is_null(), Invite.expires_at > now)
                .order_by(Invite.created_at.desc(), Invite.id.desc()))


def _own(admin, invite_id):
    require_admin(admin)
    invite = Invite.get_or_none(Invite.id == invite_id, Invite.account == admin.account_id)
    if invite is None:
        raise NotFound(N_('No such invite.'))
    return invite


def revoke(admin, invite_id, now=None):
    """Revoke a pending invite: its link stops working. Revoking twice is no error."""
    invite = _own(admin, invite_id)
    if invite.accepted_at is not None:
        raise Conflict(Sentence(N_('%(email)s already accepted this invite.'), email=invite.email))
    if invite.revoked_at is None:
        (Invite.update(revoked_at=now or utcnow())
         .where(Invite.id == invite.id, Invite.revoked_at.is_null()).execute())
    return Invite.get_by_id(invite.id)


def resend(admin, invite_id, now=None):
    """A fresh link (and 7 days) for a pending invite; the old link stops working.
    Returns (Invite, plaintext)."""
    invite = _own(admin, invite_id)
    now = now or utcnow()
    if invite.accepted_at is not None or invite.revoked_at is not None:
        raise Conflict(N_('This invite was accepted or revoked: invite the person again.'))
    plaintext, token_hash = link_tokens.new()
    (Invite.update(token_hash=token_hash, expires_at=now + LIFETIME)
     .where(Invite.id == invite.id).execute())
    return Invite.get_by_id(invite.id), plaintext


def holder(plaintext, now=None):
    """The pending, unexpired invite ``plaintext`` opens, or None. Looking spends nothing."""
    token_hash = link_tokens.digest(plaintext)
    if token_hash is None:
        return None
    return Invite.get_or_none(Invite.token_hash == token_hash, Invite.accepted_at.is_null(),
                              Invite.revoked_at.is_null(), Invite.expires_at > (now or utcnow()))


def check_acceptance(form):
    """Validate the accept form {name, password, confirm}; return (data, errors)."""
    errors = {}
    name, errors['name'] = signup_rules.clean_name(form.get('name'))
    errors['password'] = signup_rules.password_errors(form.get('password'), form.get('confirm'))
    return {'name': name, 'password': form.get('password')}, {
        field: problems for field, problems in errors.items() if problems}


def accept(plaintext, form, now=None):
    """Join the invite's account as a new user with the invite's role; return the User.

    None if the link is not (or no longer) valid. Raises ValidationFailed for the form and
    AlreadyInAnAccount when the e-mail became a user meanwhile. Compare-and-set on the invite:
    of two concurrent acceptances one wins.
    """
    now = now or utcnow()
    invite = holder(plaintext, now)
    if invite is None:
        return None
    data, errors = check_acceptance(form)
    if errors:
        raise ValidationFailed(N_('Check the highlighted fields.'), errors)
    password_hash = generate_password_hash(data['password'])
    try:
        return _join(invite, data, password_hash, now)
    except IntegrityError:
        # The e-mail became a user at the same moment (PostgreSQL): say who holds it now.
        _removed_member_or_refuse(invite.email, invite.account_id)
        raise


def _join(invite, data, password_hash, now):
    with write_transaction():
        spent = (Invite.update(accepted_at=now)
                 .where(Invite.id == invite.id, Invite.accepted_at.is_null(),
                        Invite.revoked_at.is_null(), Invite.expires_at > now).execute())
        if not spent:
            return None
        removed = _removed_member_or_refuse(invite.email, invite.account_id)
        if removed is not None:
            # A removed member invited back: the same user again, so the meetings and notes
            # they logged are theirs once more; the new name, password and role apply.
            (User.update(is_active=True, name=data['name'], role=invite.role,
                         password_hash=password_hash, last_sign_in_at=now,
                         session_version=User.session_version + 1)
             .where(User.id == removed.id, User.is_active == False)  # noqa: E712
             .execute())
            user = User.get_by_id(removed.id)
        else:
            user = User.create(account=invite.account_id, email=invite.email,
                               name=data['name'], role=invite.role,
                               password_hash=password_hash, last_sign_in_at=now)
        Invite.update(accepted_user=user.id).where(Invite.id == invite.id).execute()
    return user
