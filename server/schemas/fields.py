"""Field types shared by the API schemas."""
import datetime
import re

from marshmallow import ValidationError, fields, validate

from server.db import MAX_ID


def api_datetime(value):
    """How the API writes a datetime: UTC ISO 8601 with a 'Z', to the millisecond if it has any."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if value.microsecond:
        return value.isoformat(timespec='milliseconds') + 'Z'
    return value.isoformat() + 'Z'  # whole seconds: the same text, without parsing a keyword


class UTCDateTime(fields.DateTime):
    """ISO 8601 in and out; stored as naive UTC, shown with a trailing 'Z'.

    Input without an offset is read as UTC, so clients never get a silent local-time shift.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        return api_datetime(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.endswith(('Z', 'z')):
            value = value[:-1] + '+00:00'
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError('Not a valid ISO 8601 datetime.')
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        if not datetime.datetime(1900, 1, 1) <= parsed <= datetime.datetime(2999, 12, 31):
            raise ValidationError('Datetime is out of range.')
        return parsed


class LowerEmail(fields.Email):
    """An e-mail address, trimmed and lower-cased (R11 compares case-insensitively)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        return super()._deserialize(value, attr, data, **kwargs).lower()


class Domain(fields.String):
    """A bare lower-case domain name such as ``example.com`` ('' clears it).

    Input is forgiving -- a pasted ``https://www.example.com/about`` becomes ``example.com`` --
    and nothing else: each label letters, digits and '-', at least two labels. The OpenAPI
    pattern admits every input accepted here (schemathesis checks that what it refuses is
    refused), so it names the forgiving form.
    """

    PATTERN = (r'^[ \t\r\n]*(([Hh][Tt][Tt][Pp][Ss]?://)?([A-Za-z0-9-]+\.)+[A-Za-z0-9-]+'
               r'(/[\s\S]*)?)?[ \t\r\n]*$')
    _STRICT = re.compile(r'([a-z0-9-]+\.)+[a-z0-9-]+\Z')

    def __init__(self, **kwargs):
        metadata = {'pattern': self.PATTERN, **kwargs.pop('metadata', {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs).strip(' \t\r\n')
        if not raw:
            return ''
        value = raw.lower()
        if value.startswith(('http://', 'https://')):
            value = value.split('://', 1)[1]
        value = value.split('/', 1)[0].removeprefix('www.')
        # isascii: str.lower() turns some non-ASCII letters (the Kelvin sign) into ASCII ones.
        if not raw.isascii() or len(value) > 253 or not self._STRICT.match(value):
            raise ValidationError('Not a valid domain name.')
        return value


class Id(fields.Integer):
    """A row id in input: a positive integer the database's id column can hold."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


CURSOR_PATTERN = r'^[A-Za-z0-9_-]+$'


def Cursor(max_length):  # noqa: N802 -- a field factory, named like the fields it makes
    """A page cursor: the ``next_cursor`` of the page before, unpadded base64url.

    Opaque on purpose (its content is the sort key of the last row, which changes with the
    sort), so the OpenAPI document can give only its alphabet and length: any other string is
    a 422 "Not a valid cursor."."""
    return fields.String(
        validate=[validate.Length(min=1, max=max_length),
                  validate.Regexp(CURSOR_PATTERN, error='Not a valid cursor.')],
        metadata={'description': 'The next_cursor of the previous page (opaque, base64url). '
                                 'Leave out for the first page.'})
