"""API tokens: issued once in plaintext, stored only as a sha256 hash."""
import datetime
import hashlib
import secrets

from server.db import Prepared, row_loader, write_transaction
from server.errors import NotFound
from server.models import Account, ApiToken, User, utcnow

TOKEN_PREFIX = 'msk_'
# Refreshing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


# One query loads the token, its user and the user's account (used by nearly every view);
# every API request makes it, so its SQL is compiled once and its row read without peewee's
# model-graph building (which cost more than the query).
_USER_FIELDS = [f.name for f in User._meta.sorted_fields]
_ACCOUNT_FIELDS = [f.name for f in Account._meta.sorted_fields]
_token_owner = Prepared(lambda token_hash: (
    ApiToken.select(ApiToken.id, ApiToken.last_used_at, *User._meta.sorted_fields,
                    *Account._meta.sorted_fields)
    .join(User).join(Account)
    .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_null(),
           User.is_active == True)  # noqa: E712
    .limit(1)))
_user_row = row_loader(User, _USER_FIELDS)
_account_row = row_loader(Account, _ACCOUNT_FIELDS)
_ACCOUNT_AT = len(_USER_FIELDS)  # in a row's values after the token's two


def hash_token(plaintext):
    # Tokens carry 256 bits of randomness, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(plaintext.encode('utf-8')).hexdigest()


def issue(user, name='api', installation=None):
    """Create a token for ``user``; return (ApiToken row, plaintext shown once)."""
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.create(account=user.account_id, user=user, name=name,
                            token_hash=hash_token(plaintext), prefix=plaintext[:12],
                            installation=installation)
    return token, plaintext


def authenticate(plaintext):
    """Return the active User a bearer token belongs to, or None."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX):
        return None
    rows = _token_owner.raw_rows(hash_token(plaintext))
    if not rows:
        return None
    token_id, last_used_at, *values = rows[0]
    now = utcnow()
    if last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token_id).execute()
    user = _user_row(values[:_ACCOUNT_AT])
    user.__rel__['account'] = _account_row(values[_ACCOUNT_AT:])
    return user


def _revoke_where(user, *which):
    """Revoke ``user``'s active tokens that match ``which``; return how many. Never anyone
    else's: every revocation goes through here, scoped to the user."""
    return (ApiToken.update(revoked_at=utcnow())
            .where(ApiToken.user == user, ApiToken.revoked_at.is_null(), *which)
            .execute())


def revoke(user, token_id=None, prefix=None):
    """Revoke one of ``user``'s tokens by id or by its shown prefix; return how many."""
    if token_id is not None:
        count = _revoke_where(user, ApiToken.id == token_id)
    elif prefix is not None:
        count = _revoke_where(user, ApiToken.prefix == prefix[:12])
    else:
        count = _revoke_where(user)
    if (token_id is not None or prefix is not None) and not count:
        raise NotFound('No such active token.')
    return count


def issue_replacing(user, name, installation=None):
    """Issue a token for one installation of the extension, revoking that installation's
    earlier active tokens; return (ApiToken row, plaintext shown once).

    Signing the extension in again would otherwise leave every earlier token working. Other
    installations (the rep's laptop, another Chrome profile) keep theirs. Without an
    installation (an extension from before installations were sent), the earlier tokens of
    ``name`` that have none are replaced instead. One transaction: there is never a moment
    with two, or with none.
    """
    earlier = (ApiToken.installation == installation if installation is not None
               else (ApiToken.name == name) & ApiToken.installation.is_null())
    with write_transaction():
        _revoke_where(user, earlier)
        return issue(user, name=name, installation=installation)


def revoke_plaintext(user, plaintext):
    """Revoke the token ``plaintext`` of ``user`` (an extension signing out); True if it was
    active. Never anyone else's: the hash and the user must both match."""
    if not plaintext:
        return False
    return bool(_revoke_where(user, ApiToken.token_hash == hash_token(plaintext)))


def listed(user):
    """``user``'s own tokens, newest first: what a settings page may show (never the hash)."""
    return list(ApiToken.select(ApiToken.id, ApiToken.name, ApiToken.created_at,
                                ApiToken.last_used_at, ApiToken.revoked_at)
                .where(ApiToken.user == user)
                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))


def revoke_own(user, token_id):
    """Revoke ``user``'s token ``token_id``; revoking it twice is no error, another's is 404."""
    token = ApiToken.get_or_none(ApiToken.id == token_id, ApiToken.user == user)
    if token is None:
        raise NotFound('No such token.')
    if token.revoked_at is None:
        _revoke_where(user, ApiToken.id == token.id)
        token = ApiToken.get_by_id(token.id)
    return token
