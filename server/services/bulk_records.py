"""Bulk actions of the record lists (issue 13 §2): assign an owner, delete; each one
statement inside one transaction, scoped to the caller's account."""
from server.db import write_transaction
from server.errors import ValidationFailed
from server.models import User
from server.services.records import KINDS
from server.translatable import N_, Sentence

MAX_IDS = 200
ACTIONS = ('assign_owner', 'delete')


def owns(kind_name):
    return 'owner' in KINDS[kind_name].model._meta.fields


def selected(user, kind_name, ids):
    """The caller's records among ``ids`` (at most MAX_IDS), in the kind's order."""
    if not ids:
        raise ValidationFailed('Select at least one record.', {'ids': [N_('Select at least one.')]})
    if len(ids) > MAX_IDS:
        raise ValidationFailed(Sentence(N_('At most %(count)s records at a time.'),
                                        count=MAX_IDS),
                               {'ids': [Sentence(N_('At most %(length)s at a time.'), length=MAX_IDS)]})
    kind = KINDS[kind_name]
    model = kind.model
    rows = model.select().where(model.id.in_(list(set(ids))), model.account == user.account_id)
    return list(rows.order_by(*kind.order))


def owner_in_account(user, owner_id):
    if owner_id is None:
        return None
    owner = User.get_or_none(User.id == owner_id, User.account == user.account_id,
                             User.is_active == True)
    if owner is None:
        raise ValidationFailed('No such user in your account.',
                               {'owner_id': [N_('Pick a user of your account.')]})
    return owner


def assign_owner(user, kind_name, ids, owner_id):
    """Give the selected records one owner (None: no owner); returns how many changed."""
    if not owns(kind_name):
        raise ValidationFailed(Sentence(N_('%(kind)s records have no owner.'),
                                        kind=KINDS[kind_name].label),
                               {'action': [N_('This kind of record has no owner.')]})
    rows = selected(user, kind_name, ids)
    owner_in_account(user, owner_id)
    model = KINDS[kind_name].model
    with write_transaction():
        return model.update(owner=owner_id).where(
            model.id.in_([r.id for r in rows]), model.account == user.account_id).execute()


def delete(user, kind_name, ids):
    """Delete the selected records (their meetings stay; only the associations go)."""
    rows = selected(user, kind_name, ids)
    model = KINDS[kind_name].model
    with write_transaction():
        return model.delete().where(
            model.id.in_([r.id for r in rows]), model.account == user.account_id).execute()
