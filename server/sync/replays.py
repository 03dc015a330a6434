"""Outlook notifications counted once: a copy of one already accepted is a replay.

Graph gives a notification no id of its own, but its content says which change it reports
(subscription, change type, resource and the event's etag, which moves with every change), so
its sha256 is the fingerprint. Fingerprints are kept for REPLAY_WINDOW; an identical copy within
it queues nothing. The insert is the claim: of concurrent copies only one succeeds.
"""
import datetime
import hashlib
import json

from peewee import IntegrityError

from server.db import db
from server.models import WebhookReceipt, utcnow

REPLAY_WINDOW = datetime.timedelta(hours=24)


def fingerprint(notification):
    """The sha256 of a notification's content (keys sorted, so key order does not matter)."""
    canonical = json.dumps(notification, sort_keys=True, separators=(',', ':'), default=str)
    return hashlib.sha256(canonical.encode('utf-8', 'replace')).hexdigest()


def claim(connection, fingerprints, now=None):
    """Record the fingerprints for this connection; return those not already seen."""
    now = now or utcnow()
    # This connection's expired receipts go first, so an old copy is news again.
    (WebhookReceipt.delete().where(WebhookReceipt.connection == connection.id,
                                   WebhookReceipt.received_at < now - REPLAY_WINDOW).execute())
    fresh = []
    for value in sorted(set(fingerprints)):
        try:
            with db.atomic():  # a savepoint: PostgreSQL's transaction survives the conflict
                WebhookReceipt.create(connection=connection.id, fingerprint=value, received_at=now)
        except IntegrityError:
            continue
        fresh.append(value)
    return fresh
