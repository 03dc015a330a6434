"""Flask extensions, created unbound and initialised in create_app."""
from apispec import BasePlugin
from flask import abort, jsonify, request
from flask_cors import CORS
from flask_smorest import Api as SmorestApi
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import IntegerConverter

from server.db import MAX_ID
from server.errors import ServiceError, flatten_field_errors, payload
from server.schemas.base import PatchSchema
from server.schemas.errors import ErrorSchema

# The longest request target (path and query) the app reads. gunicorn's own limit is raised
# far above it (gunicorn.conf.py), so a longer URL gets the API's JSON 414, not gunicorn's
# HTML page; no client of ours comes near it (the longest query is a few hundred bytes).
MAX_URI_BYTES = 8192


class Api(SmorestApi):
    """flask-smorest's Api with this project's single error shape."""

    ERROR_SCHEMA = ErrorSchema  # documents what handle_http_exception and payload() send

    def handle_http_exception(self, error):
        if not request.path.startswith('/api/'):
            return error  # web pages keep Flask's HTML error pages
        data = getattr(error, 'data', None) or {}
        errors = flatten_field_errors(data.get('messages')) if 'messages' in data else {}
        message = data.get('message') or error.description or error.name
        if error.code == 422:
            message = 'The request has invalid fields.'
        body = payload(error.code, message, errors)
        response = jsonify(body)
        response.status_code = error.code
        # The exception's own headers (a 405's Allow, which RFC 9110 requires), but not its
        # HTML content type.
        for name, value in error.get_headers():
            if name.lower() != 'content-type':
                response.headers[name] = value
        for name, value in (data.get('headers') or {}).items():
            response.headers[name] = value
        return response

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(ServiceError, handle_service_error)


class PatchBodyPlugin(BasePlugin):
    """Documents what PatchSchema enforces: a PATCH body names at least one field."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get('schema')
        schema = schema if isinstance(schema, type) else type(schema)
        if isinstance(schema, type) and issubclass(schema, PatchSchema) \
                and schema.requires_a_change():
            return {'minProperties': 1}
        return None


def refuse_long_uris():
    """A request target longer than MAX_URI_BYTES is a 414 (JSON under /api/)."""
    environ = request.environ
    target = environ.get('RAW_URI') or environ.get('REQUEST_URI') or (
        environ.get('PATH_INFO', '') + '?' + environ.get('QUERY_STRING', ''))
    if len(target) > MAX_URI_BYTES:
        abort(414, description=f'The URL is longer than {MAX_URI_BYTES} bytes.')


def handle_service_error(error):
    response = jsonify(payload(error.status, error.message, error.errors, error.code))
    response.status_code = error.status
    return response


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: an id too big for the database's id column is a 404, not a 500."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault('max', MAX_ID)
        super().__init__(url_map, *args, **kwargs)


api = Api(spec_kwargs={'extra_plugins': [PatchBodyPlugin()]})
cors = CORS()


def init_app(app):
    app.config.setdefault('API_TITLE', 'Meetside API')
    app.config.setdefault('API_VERSION', 'v1')
    app.config.setdefault('OPENAPI_VERSION', '3.0.3')
    app.config.setdefault('OPENAPI_URL_PREFIX', '/api/v1')
    app.config.setdefault('OPENAPI_JSON_PATH', 'openapi.json')
    # Every operation takes a bearer token unless its view is marked @public.
    app.config.setdefault('API_SPEC_OPTIONS', {'security': [{'bearerAuth': []}]})
    app.url_map.converters['int'] = IdConverter
    app.before_request(refuse_long_uris)
    api.init_app(app)
    api.register_converter(IdConverter, integerconverter2paramschema)
    api.spec.components.security_scheme(
        'bearerAuth', {'type': 'http', 'scheme': 'bearer'})
    # Only the extension's own origins may call the API from a browser; never '*'.
    origins = app.config['EXTENSION_ORIGINS']
    if origins:
        cors.init_app(app, resources={r'/api/*': {'origins': origins}},
                      allow_headers=['Authorization', 'Content-Type'], supports_credentials=False)

