"""One error shape for the whole API: {code, message, errors: {field: [..]}}.

Service code raises these exceptions without knowing about HTTP requests; each one knows the
status it maps to, and the API turns it into the shared JSON payload.
"""


class ServiceError(Exception):
    status = 400
    code = 'bad_request'

    def __init__(self, message=None, errors=None):
        super().__init__(message or self.code)
        self.message = message or self.code.replace('_', ' ')
        self.errors = errors or {}


class NotFound(ServiceError):
    status = 404
    code = 'not_found'


class Conflict(ServiceError):
    status = 409
    code = 'conflict'


class ValidationFailed(ServiceError):
    status = 422
    code = 'validation_error'


class Forbidden(ServiceError):
    status = 403
    code = 'forbidden'


STATUS_CODES = {
    400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found',
    405: 'method_not_allowed', 409: 'conflict', 413: 'payload_too_large', 414: 'uri_too_long',
    415: 'unsupported_media_type', 422: 'validation_error', 429: 'too_many_requests',
    500: 'internal_error', 503: 'unavailable',
}


def flatten_field_errors(messages):
    """Turn webargs' {location: {field: [..]}} into {field: [..]}."""
    flat = {}
    for location, fields in (messages or {}).items():
        if isinstance(fields, dict):
            for field, problems in fields.items():
                flat.setdefault(field, []).extend(
                    problems if isinstance(problems, list) else [problems])
        else:
            flat.setdefault(location, []).extend(fields if isinstance(fields, list) else [fields])
    return flat


def payload(status, message, errors=None, code=None):
    return {'code': code or STATUS_CODES.get(status, 'error'), 'message': message,
            'errors': errors or {}}
