"""Re-encrypt every stored calendar token with the first key of TOKEN_ENCRYPTION_KEY, so an
older key can then be removed (``flask --app server keys rotate``).

Rotation is idempotent: a token already encrypted with the first key is left as it is (Fernet's
own rotate would re-encrypt it anyway). Rows go in id order, one transaction per batch, so a
large table never holds one long write lock and an interrupted run resumes where it stopped.
Each row is written only if its tokens are still the ones read: a sync that refreshed them
meanwhile stored them with the first key already. A connection marked needs_reconnect because
its tokens would not decrypt is connected again once a restored old key reads them.
"""
import dataclasses

from server.db import write_transaction
from server.models import CalendarConnection, utcnow
from server.services import crypto

BATCH_SIZE = 200


@dataclasses.dataclass
class RotationResult:
    rotated: int = 0  # re-encrypted with the first key
    current: int = 0  # already encrypted with it
    unreadable: int = 0  # no configured key decrypts them (the user must reconnect)
    restored: int = 0  # of the rotated: needs_reconnect (token_unreadable) -> connected again
    batches: int = 0


def rotate(config, batch_size=BATCH_SIZE):
    """Rotate every connection's stored tokens; EncryptionKeyMissing without a key."""
    cipher = crypto.cipher(config)
    result = RotationResult()
    after = 0
    while True:
        with write_transaction():  # it reads, then writes: SQLite's lock up front
            rows = list(CalendarConnection
                        .select(CalendarConnection.id, CalendarConnection.status,
                                CalendarConnection.reconnect_reason,
                                CalendarConnection.access_token_enc,
                                CalendarConnection.refresh_token_enc)
                        .where(CalendarConnection.id > after,
                               (CalendarConnection.access_token_enc != '')
                               | (CalendarConnection.refresh_token_enc != ''))
                        .order_by(CalendarConnection.id).limit(batch_size))
            if not rows:
                return result
            result.batches += 1
            for row in rows:
                _rotate_row(cipher, row, result)
        after = rows[-1].id



def _rotate_row(cipher, row, result):
    if cipher.is_current(row.access_token_enc) and cipher.is_current(row.refresh_token_enc):
        result.current += 1
        return
    try:
        fields = {'access_token_enc': cipher.rotate(row.access_token_enc),
                  'refresh_token_enc': cipher.rotate(row.refresh_token_enc)}
    except crypto.TokenUnreadable:
        result.unreadable += 1
        return
    restore = row.status == 'needs_reconnect' and row.reconnect_reason == 'token_unreadable'
    if restore:
        fields.update(status='connected', reconnect_reason='', last_error='')
    written = (CalendarConnection.update(updated_at=utcnow(), **fields)
               .where(CalendarConnection.id == row.id,
                      CalendarConnection.access_token_enc == row.access_token_enc,
                      CalendarConnection.refresh_token_enc == row.refresh_token_enc)
               .execute())
    if written:
        result.rotated += 1
        result.restored += restore
    else:
        result.current += 1  # refreshed meanwhile, so stored with the first key
