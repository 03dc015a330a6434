"""Tokens are encrypted at rest with Fernet keys from TOKEN_ENCRYPTION_KEY (issue 3)."""
import pytest
from cryptography.fernet import Fernet

from server.services import crypto


def test_round_trip_and_no_plaintext():
    cipher = crypto.TokenCipher(Fernet.generate_key().decode())
    stored = cipher.encrypt('ya29.secret-access-token')
    assert 'secret' not in stored
    assert cipher.decrypt(stored) == 'ya29.secret-access-token'
    assert cipher.encrypt('') == '' and cipher.decrypt('') == ''


def test_keys_rotate_first_encrypts_any_decrypts():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = crypto.TokenCipher(old).encrypt('token')
    rotated = crypto.TokenCipher(f'{new},{old}')
    assert rotated.decrypt(stored) == 'token'
    assert crypto.TokenCipher(new).decrypt(rotated.encrypt('token')) == 'token'


@pytest.mark.parametrize('key', [None, '', ' , '])
def test_a_missing_key_says_what_to_do(key):
    with pytest.raises(crypto.EncryptionKeyMissing) as raised:
        crypto.cipher({'TOKEN_ENCRYPTION_KEY': key})
    assert raised.value.status == 503
    assert 'TOKEN_ENCRYPTION_KEY is not set' in raised.value.message
    assert 'Fernet.generate_key()' in raised.value.message


def test_an_invalid_key_is_refused():
    with pytest.raises(crypto.EncryptionKeyMissing) as raised:
        crypto.cipher({'TOKEN_ENCRYPTION_KEY': 'short'})
    assert 'not a valid Fernet key' in raised.value.message


def test_a_token_encrypted_with_another_key_is_unreadable():
    stored = crypto.TokenCipher(Fernet.generate_key().decode()).encrypt('token')
    with pytest.raises(crypto.TokenUnreadable):
        crypto.TokenCipher(Fernet.generate_key().decode()).decrypt(stored)
