"""Schemas for follow-up tasks (issue 11 §2)."""
import datetime

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from server.models import utcnow
from server.schemas.base import PatchSchema, Schema
from server.schemas.fastdump import FastDump
from server.schemas.fields import Id, UTCDateTime
from server.schemas.notes import NoteInSchema

TITLE = validate.Length(min=1, max=500)
# A due date is for work ahead (or just missed): a year back at most, ten years on at most.
YEARS_BEHIND, YEARS_AHEAD = 1, 10
MAX_LINKS = 100
_CLIENT_ID = NoteInSchema._declared_fields['client_id']


def _due_in_range(value):
    today = utcnow().date()
    if not (today.replace(year=today.year - YEARS_BEHIND) <= value
            <= today.replace(year=today.year + YEARS_AHEAD)):
        raise ValidationError(f'Is out of range: at most {YEARS_BEHIND} year back and '
                              f'{YEARS_AHEAD} years ahead.')


def _not_blank(value):
    if not value.strip():
        raise ValidationError('Must not be blank.')


class DueTime(fields.Time):
    """A wall-clock time 'HH:MM' in the owner's zone."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime('%H:%M')

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not (5 <= len(value) <= 8):
            raise ValidationError('Not a valid time: use HH:MM.')
        try:
            return datetime.time.fromisoformat(value).replace(second=0, microsecond=0)
        except ValueError:
            raise ValidationError('Not a valid time: use HH:MM.')


def _id_list():
    return fields.List(Id(strict=True), validate=validate.Length(max=MAX_LINKS))


class TaskRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class TaskContactRefSchema(TaskRefSchema):
    email = fields.String(dump_only=True)


class TaskOwnerSchema(TaskContactRefSchema):
    pass


class TaskSchema(FastDump, Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    due_time = DueTime(dump_only=True, allow_none=True,
                       metadata={'description': "Wall-clock time in the owner's zone."})
    done = fields.Boolean(dump_only=True)
    done_at = UTCDateTime(dump_only=True, allow_none=True)
    overdue = fields.Boolean(dump_only=True, attribute='is_overdue')
    due_today = fields.Boolean(dump_only=True, attribute='is_due_today')
    owner = fields.Nested(TaskOwnerSchema, dump_only=True)
    meeting_id = fields.Integer(dump_only=True, allow_none=True)
    meeting_title = fields.Function(lambda t: t.meeting.title if t.meeting_id else None,
                                    dump_only=True)
    contacts = fields.List(fields.Nested(TaskContactRefSchema), attribute='contacts_list',
                           dump_only=True)
    companies = fields.List(fields.Nested(TaskRefSchema), attribute='companies_list', dump_only=True)
    deals = fields.List(fields.Nested(TaskRefSchema), attribute='deals_list', dump_only=True)
    client_id = fields.String(dump_only=True, allow_none=True)
    reminder = fields.Boolean(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class CreatedTaskSchema(TaskSchema):
    understood = fields.Boolean(dump_only=True, metadata={
        'description': 'Created from text: whether a due date was read from its end.'})


class TaskPageSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    due_today = fields.Integer(dump_only=True, metadata={
        'description': "The caller's open tasks due today (their zone)."})
    overdue = fields.Integer(dump_only=True, metadata={
        'description': "The caller's open tasks due before today."})


class TaskQuerySchema(Schema):
    owner = fields.String(validate=validate.Regexp(r'^(me|[1-9][0-9]{0,9})$',
                                                   error='Use "me" or a user id.'))
    due = fields.String(validate=validate.OneOf(('today', 'overdue', 'week')))
    done = fields.Boolean()
    contact_id = Id()
    company_id = Id()
    deal_id = Id()
    meeting_id = Id()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class _TaskFields(Schema):
    due_date = fields.Date(allow_none=True, validate=_due_in_range)
    due_time = DueTime(allow_none=True)
    contact_ids = _id_list()
    company_ids = _id_list()
    deal_ids = _id_list()
    owner_id = Id(strict=True)
    reminder = fields.Boolean(metadata={
        'description': "Also put it on the owner's own calendar as a private reminder with "
                       'no attendees and no invitations (needs a due_time).'})


class TaskInSchema(_TaskFields):
    """Either the fields, or ``text`` (one line: its last words are the due date)."""
    title = fields.String(validate=TITLE)
    text = fields.String(validate=validate.Length(min=1, max=500), metadata={
        'description': 'One line such as "send the DPA friday": parsed in your zone.'})
    meeting_id = Id(strict=True)
    client_id = _CLIENT_ID
    # A line typed offline reads "tomorrow" from when it was typed (B2), checked as a note's.
    typed_at = NoteInSchema._declared_fields['typed_at']

    @validates('typed_at')
    def _recent(self, value, **kwargs):
        NoteInSchema._recent(self, value)

    @validates_schema
    def _title_or_text(self, data, **kwargs):
        if 'title' in data and 'text' in data:
            raise ValidationError('Send title or text, not both.', 'text')
        if 'title' not in data and 'text' not in data:
            raise ValidationError('Missing data for required field.', 'title')
        if data.get('due_time') is not None and data.get('due_date') is None and 'title' in data:
            raise ValidationError('Needs a due_date.', 'due_time')

    @validates('text')
    def _text(self, value, **kwargs):
        _not_blank(value)

    @validates('title')
    def _title(self, value, **kwargs):
        _not_blank(value)


class TaskPatchSchema(PatchSchema, _TaskFields):
    title = fields.String(validate=TITLE)
    done = fields.Boolean()

    @validates('title')
    def _title(self, value, **kwargs):
        _not_blank(value)


class ParseQuerySchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ParsedSchema(Schema):
    title = fields.String(dump_only=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    due_time = DueTime(dump_only=True, allow_none=True)
    understood = fields.Boolean(dump_only=True)
    date_text = fields.String(dump_only=True)

