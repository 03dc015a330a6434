"""Schemas for meeting notes."""
from marshmallow import fields, validate

from server.schemas.base import PatchSchema, Schema
from server.schemas.fastdump import FastDump
from server.schemas.fields import UTCDateTime


class AuthorSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)


class NoteSchema(FastDump, Schema):
    id = fields.Integer(dump_only=True)
    meeting_id = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    client_id = fields.String(dump_only=True, allow_none=True)
    author = fields.Nested(AuthorSchema, dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class NoteListSchema(Schema):
    items = fields.List(fields.Nested(NoteSchema))


class NoteInSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    client_id = fields.String(validate=validate.Regexp(
        r'^[A-Za-z0-9_-]{8,64}$', error='Use 8-64 letters, digits, "-" or "_" (a UUID fits).'))


class NotePatchSchema(PatchSchema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
