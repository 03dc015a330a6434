"""Field types shared by the API schemas."""
import datetime

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
    """A bare lower-case domain name such as ``example.com``."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if value.startswith(('http://', 'https://')):
            value = value.split('://', 1)[1]
        value = value.split('/', 1)[0].removeprefix('www.')
        if value and ('.' not in value or ' ' in value or len(value) > 253):
            raise ValidationError('Not a valid domain name.')
        return value


class Id(fields.Integer):
    """A row id in input: a positive integer the database's id column can hold."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=1, max=MAX_ID), **kwargs)
