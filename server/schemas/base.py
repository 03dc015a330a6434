"""The base of every input schema: refuses text PostgreSQL cannot store."""
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
