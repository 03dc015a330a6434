"""Schemas for companies."""
from marshmallow import fields, validate

from server.schemas.base import PatchSchema, Schema
from server.schemas.fields import Domain, UTCDateTime
from server.schemas.records import RecordQuerySchema, page_schema


class CompanySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    domain = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)


class CompanyPatchSchema(PatchSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    domain = Domain(validate=validate.Length(max=253))


class CompanyInSchema(CompanyPatchSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CompanyQuerySchema(RecordQuerySchema):
    domain = Domain()


CompanyPageSchema = page_schema('CompanyPage', CompanySchema)
