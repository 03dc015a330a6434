"""The base of every input schema: refuses text PostgreSQL cannot store; PATCH bodies must
change something."""
from collections.abc import Mapping

from marshmallow import Schema as MarshmallowSchema
from marshmallow import ValidationError, pre_load

NUL_MESSAGE = 'Must not contain NUL characters.'


def has_nul(value):
    if isinstance(value, str):
        return '\x00' in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


class Schema(MarshmallowSchema):
    """A marshmallow Schema whose input may not contain NUL characters.

    PostgreSQL text refuses U+0000; without this check such input would be a 500, not a 422.
    """

    @pre_load
    def refuse_nul(self, data, **kwargs):
        if isinstance(data, Mapping):
            bad = sorted(str(key) for key in data if has_nul(key) or has_nul(data[key]))
            if bad:
                raise ValidationError({key: [NUL_MESSAGE] for key in bad})
        return data


CHANGE_MESSAGE = 'Send at least one field to change.'


class PatchSchema(Schema):
    """The body of a PATCH: every field optional, but at least one of them sent.

    An empty (or missing) PATCH body is a 422, not a silent 200 that changed nothing; the
    OpenAPI document says so with ``minProperties: 1`` (server.extensions.PatchBodyPlugin).
    A subclass with required fields (the matching POST body) is checked by those instead.
    """

    @classmethod
    def requires_a_change(cls):
        return not any(field.required for field in cls._declared_fields.values())

    @pre_load
    def refuse_no_change(self, data, **kwargs):
        if self.requires_a_change() and isinstance(data, Mapping) and not data:
            raise ValidationError(CHANGE_MESSAGE)
        return data
