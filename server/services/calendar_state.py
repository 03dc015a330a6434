"""The calendar connection state that the extension needs for R21.

The calendar-sync layer registers a provider of this state; until it does, nobody is connected.
"""
_state_provider = None


def register(provider):
    """Install ``provider(user) -> dict`` as the source of connection state."""
    global _state_provider
    _state_provider = provider


def for_user(user):
    if _state_provider is None:
        return {'connected': False, 'status': 'not_connected', 'provider': None, 'email': None,
                'last_synced_at': None, 'reason': None, 'message': None}
    return _state_provider(user)
