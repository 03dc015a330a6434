"""Encryption at rest of OAuth tokens: Fernet with the key(s) in TOKEN_ENCRYPTION_KEY.

Several comma-separated keys rotate: the first encrypts, any of them decrypts (MultiFernet).
"""
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from server.errors import ServiceError
from server.translatable import N_


class EncryptionKeyMissing(ServiceError):
    """The server cannot store calendar tokens safely, so it refuses to connect calendars."""
    status = 503
    code = 'encryption_key_missing'


class TokenUnreadable(ServiceError):
    """A stored token does not decrypt with the configured key(s): the user must reconnect."""
    status = 409
    code = 'token_unreadable'


# What Settings › Calendar and GET /me say about a connection whose tokens no longer decrypt.
UNREADABLE_MESSAGE = N_(
    "This server can no longer read the stored calendar tokens: they were encrypted with a "
    "TOKEN_ENCRYPTION_KEY that is not configured any more (the key was changed or lost). Syncing "
    "and calendar writes are paused. Reconnect the calendar to store new tokens; or, if the old "
    "key is found, an administrator adds it to TOKEN_ENCRYPTION_KEY (after the current key) and "
    "runs: flask --app server keys rotate")

MISSING_KEY_MESSAGE = N_(
    'Calendar connections are disabled because TOKEN_ENCRYPTION_KEY is not set. Calendar tokens '
    'are only ever stored encrypted; an administrator must set TOKEN_ENCRYPTION_KEY to a Fernet '
    'key (generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())") and restart the server.')


class TokenCipher:
    def __init__(self, keys):
        keys = [k.strip() for k in (keys or '').split(',') if k.strip()]
        if not keys:
            raise EncryptionKeyMissing(MISSING_KEY_MESSAGE)
        try:
            fernets = [Fernet(k.encode()) for k in keys]
            self._fernet, self._primary = MultiFernet(fernets), fernets[0]
        except (ValueError, TypeError) as error:
            raise EncryptionKeyMissing(
                'TOKEN_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded '
                f'bytes): {error}. ' + MISSING_KEY_MESSAGE.split('. ', 1)[1]) from error

    def encrypt(self, plaintext):
        """Encrypt a token; '' stays '' (nothing to hide, and it reads as 'no token')."""
        if not plaintext:
            return ''
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext):
        if not ciphertext:
            return ''
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise TokenUnreadable(UNREADABLE_MESSAGE) from error

    def rotate(self, ciphertext):
        """``ciphertext`` encrypted with the first key ('' stays ''); TokenUnreadable if no
        configured key decrypts it."""
        if not ciphertext:
            return ''
        try:
            return self._fernet.rotate(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise TokenUnreadable(UNREADABLE_MESSAGE) from error

    def is_current(self, ciphertext):
        """Whether ``ciphertext`` already decrypts with the first key ('' counts as current)."""
        if not ciphertext:
            return True
        try:
            self._primary.decrypt(ciphertext.encode())
        except InvalidToken:
            return False
        return True


def cipher(config):
    """The TokenCipher for the app's configuration; raises EncryptionKeyMissing without a key."""
    return TokenCipher(config.get('TOKEN_ENCRYPTION_KEY'))
