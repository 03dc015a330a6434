"""Calendar providers keyed by name, and the provider for a user's stored connection."""
import importlib

_PROVIDERS = {
    'google': 'server.calendars.google.provider:GoogleProvider',
    'outlook': 'server.calendars.outlook.provider:OutlookProvider',
}


def register(name, factory):
    """Add a provider class (or 'module:Class' path) under ``name``, e.g. a test double."""
    _PROVIDERS[name] = factory


def names():
    return sorted(_PROVIDERS)


def provider_class(name):
    """The provider class registered under ``name`` (KeyError if none)."""
    factory = _PROVIDERS[name]
    if isinstance(factory, str):
        module, _, attribute = factory.partition(':')
        factory = getattr(importlib.import_module(module), attribute)
    return factory


def provider_for(connection, config):
    """The provider speaking for ``connection`` with its decrypted credentials; tokens the
    provider refreshes are written back, encrypted, to the connection."""
    from server.services import connections
    credentials = connections.credentials_of(connection, config)
    return provider_class(connection.provider)(
        credentials, config,
        on_refresh=lambda fresh: connections.save_credentials(connection, fresh, config),
        email=connection.provider_email)
