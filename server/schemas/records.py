"""Pieces shared by the record schemas: the list query, pages and the timeline."""
from marshmallow import fields, validate

from server.schemas.base import Schema
from server.schemas.fields import Cursor, UTCDateTime
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


class DealChangeSchema(Schema):
    """A stage or amount change, with the meeting it was made from (issue 11 §3)."""
    id = fields.Integer(dump_only=True)
    deal_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    user_name = fields.Function(lambda c: (c.user.name or c.user.email) if c.user_id else None,
                                dump_only=True)
    meeting_id = fields.Integer(dump_only=True, allow_none=True)
    meeting_title = fields.String(dump_only=True, allow_none=True)
    old_stage = fields.String(dump_only=True)
    new_stage = fields.String(dump_only=True)
    old_amount = fields.Decimal(places=2, as_string=True, dump_only=True, allow_none=True,
                                metadata={'type': 'string', 'format': 'decimal'})
    new_amount = fields.Decimal(places=2, as_string=True, dump_only=True, allow_none=True,
                                metadata={'type': 'string', 'format': 'decimal'})
    created_at = UTCDateTime(dump_only=True)


class TimelineSchema(Schema):
    record_id = fields.Integer()
    items = fields.List(fields.Nested(TimelineMeetingSchema))
    next_cursor = fields.String(allow_none=True)
    changes = fields.List(fields.Nested(DealChangeSchema), metadata={
        'description': "A deal's newest stage and amount changes with their meetings "
                       '(issue 11 §3); deals only.'})
