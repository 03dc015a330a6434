"""Schemas for contacts: output, input (create), patch and list query kept apart."""
from marshmallow import fields, validate

from server.schemas.base import PatchSchema, Schema
from server.schemas.fields import Id, LowerEmail, UTCDateTime
from server.schemas.records import RecordQuerySchema, page_schema


class OwnerSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)


class ContactSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    first_name = fields.String(dump_only=True)
    last_name = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True)
    company_id = fields.Integer(dump_only=True, allow_none=True)
    company = fields.Function(lambda c: c.company.name if c.company_id else None, dump_only=True)
    job_title = fields.String(dump_only=True)
    owner_id = fields.Integer(dump_only=True, allow_none=True)
    # Who the owner is, so a client can name them (not "User #2"); null without an owner.
    owner = fields.Nested(OwnerSchema, dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class ContactPatchSchema(PatchSchema):
    email = LowerEmail(validate=validate.Length(max=254))
    first_name = fields.String(validate=validate.Length(max=100))
    last_name = fields.String(validate=validate.Length(max=100))
    phone = fields.String(validate=validate.Length(max=50))
    company_id = Id(allow_none=True, strict=True)
    job_title = fields.String(validate=validate.Length(max=200))
    owner_id = Id(allow_none=True, strict=True)


class ContactInSchema(ContactPatchSchema):
    email = LowerEmail(required=True, validate=validate.Length(max=254))


class ContactQuerySchema(RecordQuerySchema):
    email = LowerEmail(metadata={'description': 'Exact e-mail (case-insensitive).'})
    company_id = Id()
    owner_id = Id()


ContactPageSchema = page_schema('ContactPage', ContactSchema)
