"""Schemas for contacts."""
from marshmallow import Schema, fields


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
