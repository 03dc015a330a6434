"""Schemas for the caller's own identity and account."""
from marshmallow import Schema, fields, validate

from server.schemas.base import PatchSchema
from server.services.profile import LANGUAGES, NAME_MAX


class MeUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    time_zone = fields.String()  # an IANA name: every time the panel shows is in it (B5)
    time_zone_source = fields.String()  # calendar (each full sync sets it) | user (chosen)
    language = fields.String()


class MeAccountSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    website_domain = fields.String()
    domains = fields.List(fields.String())
    calendar_provider = fields.String()


class CalendarStateSchema(Schema):
    connected = fields.Boolean()
    status = fields.String()  # not_connected | connected | needs_reconnect
    provider = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    last_synced_at = fields.String(allow_none=True)
    # needs_reconnect only: auth_expired (the provider refused the grant) | token_unreadable
    # (TOKEN_ENCRYPTION_KEY no longer decrypts the stored tokens), and a sentence saying so.
    reason = fields.String(allow_none=True,
                           validate=validate.OneOf(['auth_expired', 'token_unreadable']))
    message = fields.String(allow_none=True)
    connect_url = fields.String()


class MeSchema(Schema):
    user = fields.Nested(MeUserSchema)
    account = fields.Nested(MeAccountSchema)
    calendar = fields.Nested(CalendarStateSchema)
    urls = fields.Dict(keys=fields.String(), values=fields.String())


class MePatchSchema(PatchSchema):
    """PATCH /me: the caller's own name, time zone (IANA, checked against zoneinfo by the
    service, a 422 naming the field otherwise) and language. A zone set here is the user's:
    later syncs no longer replace it with the calendar's."""
    name = fields.String(validate=validate.Length(max=NAME_MAX))
    time_zone = fields.String(validate=validate.Length(min=1, max=64))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
