"""Schemas for tickets."""
from marshmallow import fields, validate

from server.schemas.base import PatchSchema, Schema
from server.schemas.fields import Id, UTCDateTime
from server.schemas.records import RecordQuerySchema, page_schema

TICKET_STATUSES = ('new', 'waiting_on_contact', 'waiting_on_us', 'closed')


class TicketSchema(Schema):
    id = fields.Integer(dump_only=True)
    subject = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    owner_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class TicketPatchSchema(PatchSchema):
    subject = fields.String(validate=validate.Length(min=1, max=300))
    status = fields.String(validate=validate.OneOf(TICKET_STATUSES))
    description = fields.String(validate=validate.Length(max=20000))
    owner_id = Id(allow_none=True, strict=True)


class TicketInSchema(TicketPatchSchema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))


class TicketQuerySchema(RecordQuerySchema):
    status = fields.String(validate=validate.OneOf(TICKET_STATUSES))
    owner_id = Id()


TicketPageSchema = page_schema('TicketPage', TicketSchema)
