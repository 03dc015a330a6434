"""The /api/v1 HTTP API: one flask-smorest blueprint per resource."""
import importlib

# Each module defines ``blp``; listed here so the API's shape is visible in one place.
RESOURCE_MODULES = [
    'health', 'me', 'meetings', 'notes', 'tasks',
    'contacts', 'companies', 'deals', 'tickets', 'account', 'docs',
    'sync',
]


def register_blueprints(api):
    for name in RESOURCE_MODULES:
        module = importlib.import_module(f'server.api.{name}')
        api.register_blueprint(module.blp, url_prefix='/api/v1')
