"""B4: read the sync's decision log ("why wasn't this event logged?")."""
from server.models import SyncDecision
from server.sync.rules import REASONS


def recent(user, event_id=None, q=None, limit=50):
    """The caller's own decisions, newest first, optionally for one event or matching a title."""
    query = SyncDecision.select().where(SyncDecision.user == user.id,
                                        SyncDecision.account == user.account_id)
    if event_id:
        query = query.where(SyncDecision.provider_event_id == event_id)
    if q:
        query = query.where(SyncDecision.title.contains(q))
    rows = list(query.order_by(SyncDecision.created_at.desc(), SyncDecision.id.desc()).limit(limit))
    for row in rows:
        row.explanation = explain(row.reason)
    return rows


def explain(reason):
    """A sentence a user understands for a reason code."""
    return REASONS.get(reason, reason.replace('_', ' '))
