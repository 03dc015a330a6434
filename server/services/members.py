"""Settings › Account's members (issue 13 §1): list, change role, remove; one admin at least.

Removing a member deactivates the user (User.is_active=False): their tokens are revoked, their
calendar disconnected and every session ended, while their meetings and notes stay attributed
to them. The e-mail stays theirs, so an attendee with it still counts as internal (R12).
"""
import logging

from server.db import lock_row, write_transaction
from server.errors import Conflict, NotFound, ValidationFailed
from server.models import Account, ApiToken, CalendarConnection, User, utcnow
from server.services import connections
from server.services.invites import ROLES, require_admin
from server.translatable import N_

log = logging.getLogger(__name__)


def listed(admin):
    """The account's active users with their calendar connection (or None), by name: two
    statements whatever the size."""
    require_admin(admin)
    people = list(User.select().where(User.account == admin.account_id,
                                      User.is_active == True)  # noqa: E712
                  .order_by(User.name, User.email))
    by_user = {c.user_id: c for c in CalendarConnection.select().where(
        CalendarConnection.account == admin.account_id)}
    return [(person, by_user.get(person.id)) for person in people]


def calendar_state(connection):
    """'connected' | 'needs_reconnect' | 'not_connected' for a member's row."""
    if connection is None or connection.status not in connections.LIVE_STATUSES:
        return 'not_connected'
    return connection.status


def _member(admin, user_id):
    require_admin(admin)
    member = User.get_or_none(User.id == user_id, User.account == admin.account_id,
                              User.is_active == True)  # noqa: E712
    if member is None:
        raise NotFound(N_('No such member.'))
    return member


def _other_admins(account_id, user_id):
    return (User.select().where(User.account == account_id, User.role == 'admin',
                                User.is_active == True, User.id != user_id)  # noqa: E712
            .exists())


def change_role(admin, user_id, role):
    """Make a member an admin or a member; the account's last admin stays one."""
    member = _member(admin, user_id)
    if role not in ROLES:
        raise ValidationFailed(N_('Check the highlighted fields.'), {'role': [N_('Pick admin or member.')]})
    with write_transaction():
        lock_row(Account, admin.account_id)  # two admins demoting each other: one stays
        if role != 'admin' and member.role == 'admin' and not _other_admins(
                admin.account_id, member.id):
            raise Conflict(N_('An account keeps at least one admin: make someone else an '
                              'admin first.'))
        User.update(role=role).where(User.id == member.id).execute()
    return User.get_by_id(member.id)


def remove(admin, user_id, config):
    """Remove a member: sessions ended, tokens revoked, calendar disconnected; what they
    logged stays theirs. Returns the removed User."""
    member = _member(admin, user_id)
    with write_transaction():
        lock_row(Account, admin.account_id)
        if member.role == 'admin' and not _other_admins(admin.account_id, member.id):
            raise Conflict(N_('An account keeps at least one admin: make someone else an '
                              'admin first.'))
        (User.update(is_active=False, session_version=User.session_version + 1)
         .where(User.id == member.id).execute())
        (ApiToken.update(revoked_at=utcnow())
         .where(ApiToken.user == member.id, ApiToken.revoked_at.is_null()).execute())
    # After commit, outside the transaction: disconnect calls the provider (best effort).
    connection = connections.get(member)
    if connection is not None and connection.status in connections.LIVE_STATUSES:
        try:
            connections.disconnect(member, config)
        except NotFound:
            pass  # disconnected meanwhile
    log.info('user %s removed from account %s by %s', member.id, admin.account_id, admin.id)
    return User.get_by_id(member.id)
