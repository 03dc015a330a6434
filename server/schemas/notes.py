"""Schemas for meeting notes."""
import datetime

from marshmallow import ValidationError, fields, validate, validates

from server.schemas.base import PatchSchema, Schema
from server.schemas.fastdump import FastDump
from server.models import utcnow
from server.schemas.fields import UTCDateTime

# typed_at is the client's clock: a little ahead of ours is a clock's skew, not a note from
# the future; a week is longer than any outage the outbox waits out (B2), so anything older
# is a broken clock or a replay, refused rather than filed at a wrong place in the timeline.
TYPED_AT_SKEW = datetime.timedelta(minutes=2)
TYPED_AT_MAX_AGE = datetime.timedelta(days=7)


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
    typed_at = UTCDateTime(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)
    edited_at = UTCDateTime(dump_only=True, allow_none=True,
                            metadata={'description': 'The last edit of its text; null if never.'})


class NoteListSchema(Schema):
    items = fields.List(fields.Nested(NoteSchema))


class NoteInSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    client_id = fields.String(validate=validate.Regexp(
        r'^[A-Za-z0-9_-]{8,64}$', error='Use 8-64 letters, digits, "-" or "_" (a UUID fits).'))
    typed_at = UTCDateTime(metadata={
        'description': 'When the user typed the note (default: now). At most 2 minutes ahead of '
                       "the server's clock and 7 days behind it."})

    @validates('typed_at')
    def _recent(self, value, **kwargs):
        now = utcnow()
        if value > now + TYPED_AT_SKEW:
            raise ValidationError('Is in the future: check the clock of the device that sent it.')
        if value < now - TYPED_AT_MAX_AGE:
            raise ValidationError('Is more than 7 days ago.')


class NotePatchSchema(PatchSchema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    based_on = UTCDateTime(metadata={
        'description': "The note's updated_at this edit started from: if it changed since, "
                       "409, with the stored text in errors.body and its updated_at in "
                       'errors.updated_at (issue 11 §4).'})


class NoteDeleteQuerySchema(Schema):
    based_on = UTCDateTime(metadata={
        'description': "The note's updated_at the rep saw when deleting: if it changed since, "
                       '409 and nothing is deleted, with the stored text in errors.body and its '
                       'updated_at in errors.updated_at (issue 11 §4).'})
