"""Pieces shared by the record schemas: the list query, pages and the timeline."""
from marshmallow import fields, validate

from server.schemas.base import Schema
from server.schemas.fields import Cursor
from server.schemas.meetings import MeetingSchema
from server.schemas.notes import NoteSchema


class RecordQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=200),
                      metadata={'description': 'Search: every word must appear; a whole '
                                               'e-mail address is matched exactly.'})
    cursor = Cursor(1000)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TimelineQuerySchema(Schema):
    cursor = Cursor(200)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_schema(name, item_schema):
    """A ``{items, next_cursor}`` page of ``item_schema`` (the same shape as /meetings)."""
    return Schema.from_dict({
        'items': fields.List(fields.Nested(item_schema)),
        'next_cursor': fields.String(allow_none=True),
    }, name=name + 'Schema')


class TimelineMeetingSchema(MeetingSchema):
    notes = fields.List(fields.Nested(NoteSchema), attribute='notes_list', dump_only=True)

    class Meta:
        # The timeline shows notes themselves, not the association ids and counts.
        exclude = ('contact_ids', 'company_ids', 'deal_ids', 'ticket_ids', 'note_count')


class TimelineSchema(Schema):
    record_id = fields.Integer()
    items = fields.List(fields.Nested(TimelineMeetingSchema))
    next_cursor = fields.String(allow_none=True)
