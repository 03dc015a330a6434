"""The API's one error shape, as OpenAPI documents it (server/errors.py builds it)."""
from marshmallow import Schema, fields


class ErrorSchema(Schema):
    code = fields.String(metadata={
        'description': 'What went wrong, stable for programs: validation_error, not_found, '
                       'unauthorized, conflict, payload_too_large...'})
    message = fields.String(metadata={'description': 'The same for people.'})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw()), metadata={
        'description': 'Field name -> its messages (a nested field\'s by item); empty unless '
                       'a field is at fault.'})
