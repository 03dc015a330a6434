"""Schemas for the sync decision log (B4)."""
from marshmallow import fields, validate

from server.schemas.base import Schema
from server.schemas.fields import UTCDateTime


class DecisionQuerySchema(Schema):
    event_id = fields.String(validate=validate.Length(min=1, max=1024))
    q = fields.String(validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class DecisionSchema(Schema):
    id = fields.Integer(dump_only=True)
    provider_event_id = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    decision = fields.String(dump_only=True)  # logged | updated | deleted | skipped
    reason = fields.String(dump_only=True)  # a rule-based code such as r14_all_day
    explanation = fields.String(dump_only=True)
    meeting_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class DecisionListSchema(Schema):
    items = fields.List(fields.Nested(DecisionSchema))
