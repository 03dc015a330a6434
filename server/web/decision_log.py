"""Settings › Calendar: the B4 decision log section ("why wasn't this event logged?")."""
from flask import request

from server.services import sync_decisions
from server.web.records import clean_query


def decisions_context(user):
    """Template context for settings/_decisions.html, filtered by ?q= (title) or ?event_id=."""
    # Control characters out: PostgreSQL refuses NUL in a parameter (a 500).
    query = clean_query(request.args.get('q'))
    event_id = ''.join(ch for ch in (request.args.get('event_id') or '') if ch.isprintable()).strip()[:1024]
    return {'decisions': sync_decisions.recent(user, event_id=event_id or None,
                                               q=query or None, limit=50),
            'decision_query': query}


def init_app(app):
    from server.web import calendar_settings
    if decisions_context not in calendar_settings.context_providers:
        calendar_settings.add_context(decisions_context)
