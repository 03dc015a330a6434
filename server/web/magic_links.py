"""Magic sign-in links: signed, expiring and single-use (no request imports)."""
import datetime
import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeSerializer

from server.models import User, utcnow

SALT = 'meetside.sign-in-link'
DEFAULT_MAX_AGE = datetime.timedelta(hours=1)


def _serializer(secret_key):
    return URLSafeSerializer(secret_key, salt=SALT)


def _fingerprint(user):
    # The link is bound to the user's last sign-in: any sign-in (this link's or another) spends it.
    stamp = user.last_sign_in_at.isoformat() if user.last_sign_in_at else 'never'
    return hashlib.sha256(f'{user.id}|{stamp}'.encode()).hexdigest()[:16]


def issue(secret_key, user, max_age=DEFAULT_MAX_AGE, now=None):
    """Return a token that signs ``user`` in once, until ``max_age`` from ``now`` has passed."""
    expires = (now or utcnow()) + max_age
    payload = {'u': user.id, 'n': secrets.token_urlsafe(8), 'f': _fingerprint(user),
               'e': int(expires.replace(tzinfo=datetime.timezone.utc).timestamp())}
    return _serializer(secret_key).dumps(payload)


def holder(secret_key, token, now=None):
    """Return the user a still-valid token would sign in, without spending it; else None.

    Looking at a link must not use it up: mail scanners fetch links before the user clicks.
    """
    try:
        payload = _serializer(secret_key).loads(token)
        user_id, fingerprint, expires = int(payload['u']), str(payload['f']), int(payload['e'])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    now = now or utcnow()
    if now.replace(tzinfo=datetime.timezone.utc).timestamp() > expires:
        return None
    user = User.get_or_none(User.id == user_id, User.is_active == True)  # noqa: E712
    if user is None or _fingerprint(user) != fingerprint:
        return None
    return user


def redeem(secret_key, token, now=None):
    """Return the user the token signs in and mark it spent, or None if invalid, expired or used."""
    now = now or utcnow()
    user = holder(secret_key, token, now)
    # Compare-and-set: of two concurrent redemptions only one moves the timestamp.
    if user is None or not record_sign_in(user, now):
        return None
    return user


def record_sign_in(user, now=None):
    """Move the user's last sign-in to ``now`` if nobody moved it since ``user`` was read."""
    now = now or utcnow()
    previous = user.last_sign_in_at
    unchanged = (User.last_sign_in_at.is_null() if previous is None
                 else User.last_sign_in_at == previous)
    updated = User.update(last_sign_in_at=now).where(User.id == user.id, unchanged).execute()
    if updated:
        user.last_sign_in_at = now
    return bool(updated)
