"""GET /meetings/pack: what the panel keeps for an outage (issue 9 §4).

Its own module: it names contacts and meetings, and schemas.contacts already imports (through
schemas.records) schemas.meetings.
"""
from marshmallow import fields

from server.schemas.base import Schema
from server.schemas.contacts import ContactSchema
from server.schemas.fields import UTCDateTime
from server.schemas.meetings import MeetingListItemSchema


class MeetingPackSchema(Schema):
    generated_at = UTCDateTime(dump_only=True)
    from_ = UTCDateTime(data_key='from', attribute='from', dump_only=True)
    to = UTCDateTime(dump_only=True)
    meetings = fields.List(fields.Nested(MeetingListItemSchema), dump_only=True)
    # The attendees' contact cards, each once (attendees name them by id).
    contacts = fields.List(fields.Nested(ContactSchema), dump_only=True)
