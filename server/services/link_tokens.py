"""Tokens of e-mailed links (invites, password resets): random, stored only as a sha256."""
import hashlib
import secrets

MAX_LENGTH = 100  # a token we issue is 43 characters; anything much longer is not ours


def new():
    """(plaintext for the link, hash to store)."""
    plaintext = secrets.token_urlsafe(32)
    return plaintext, digest(plaintext)


def digest(plaintext):
    """The stored form of ``plaintext``; None for a value that cannot be one of ours."""
    if not isinstance(plaintext, str) or not plaintext or len(plaintext) > MAX_LENGTH:
        return None
    # 256 random bits: a fast hash is as safe as a slow one.
    return hashlib.sha256(plaintext.encode('utf-8', 'replace')).hexdigest()
