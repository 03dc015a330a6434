"""Schemas for the caller's account settings."""
from marshmallow import ValidationError, fields, validate

from server.schemas.base import PatchSchema, Schema
from server.schemas.fields import Domain, UTCDateTime


class AccountSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    website_domain = fields.String(dump_only=True)
    connected_domains = fields.Function(
        lambda a: [d for d in a.connected_domains.split(',') if d], dump_only=True)
    calendar_provider = fields.String(dump_only=True)
    meeting_types = fields.List(fields.String(), attribute='meeting_type_list', dump_only=True)
    created_at = UTCDateTime(dump_only=True)


def each_type_once(names):
    folded = [n.strip().casefold() for n in names]
    if len(folded) != len(set(folded)):
        raise ValidationError('Each meeting type may appear once.')


class AccountPatchSchema(PatchSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    website_domain = Domain(validate=validate.Length(max=253))
    connected_domains = fields.List(Domain(validate=validate.Length(min=1)),
                                    validate=validate.Length(max=50))
    meeting_types = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        validate=[validate.Length(max=50), each_type_once],
        metadata={'description': 'The meeting types users pick from (issue 11 §1), in order.'})
