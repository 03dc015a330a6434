"""Schemas for meetings and their attendees: query, input and output kept apart."""
from marshmallow import ValidationError, fields, validate, validates_schema

from server.models import OUTCOMES
from server.schemas.base import PatchSchema, Schema
from server.schemas.fastdump import FastDump
from server.schemas.fields import Cursor, Id, LowerEmail, UTCDateTime
from server.translatable import N_

_URL = validate.URL(schemes={'http', 'https'}, require_tld=False)


def url_or_empty(value):
    """An http(s) URL, or '' to clear it."""
    return value == '' or _URL(value)


class AttendeeContactSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    company = fields.String(dump_only=True, allow_none=True)  # its name, or None
    job_title = fields.String(dump_only=True)


class AttendeeSchema(Schema):
    email = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    response_status = fields.String(dump_only=True)
    is_organizer = fields.Boolean(dump_only=True)
    is_internal = fields.Boolean(dump_only=True)
    contact = fields.Nested(AttendeeContactSchema, allow_none=True, dump_only=True)


class AttendeeInSchema(Schema):
    email = LowerEmail(required=True, validate=validate.Length(max=254))
    display_name = fields.String(load_default='', validate=validate.Length(max=200))


def each_attendee_once(attendees):
    """An e-mail twice in one request would be one attendee twice (e-mails are lower-cased)."""
    emails = [a['email'] for a in attendees]
    if len(emails) != len(set(emails)):
        raise ValidationError(N_('Each attendee may appear once.'))


class MeetingListItemSchema(Schema):
    """A meeting as the list shows it; GET /meetings/{id} has the rest (MeetingSchema)."""
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    start = UTCDateTime(dump_only=True)
    end = UTCDateTime(dump_only=True)
    location = fields.String(dump_only=True)
    video_link = fields.String(dump_only=True)
    calendar_link = fields.String(dump_only=True)
    organizer_email = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    source = fields.String(dump_only=True)
    outcome = fields.String(dump_only=True, validate=validate.OneOf(OUTCOMES))
    attendees = fields.List(fields.Nested(AttendeeSchema), dump_only=True)


class CalendarDeliverySchema(Schema):
    """Whether the meeting is on its owner's calendar yet (a held or failed calendar write)."""
    state = fields.String(dump_only=True, validate=validate.OneOf(
        ['none', 'on_calendar', 'pending', 'changes_pending', 'failed']))
    message = fields.String(dump_only=True)


class MeetingSchema(FastDump, MeetingListItemSchema):
    """A whole meeting: the list's fields and everything else about it."""
    user_id = fields.Integer(dump_only=True)
    description = fields.String(dump_only=True)
    calendar_provider = fields.String(dump_only=True)
    provider_event_id = fields.String(dump_only=True, allow_none=True)
    frozen = fields.Boolean(dump_only=True)
    started_at = UTCDateTime(dump_only=True, allow_none=True)
    type = fields.String(attribute='meeting_type', dump_only=True,
                         metadata={'description': "One of the account's meeting_types, or ''."})
    suggested_outcome = fields.String(dump_only=True, allow_none=True, metadata={
        'description': "'completed' for a meeting started with Start whose end has passed and "
                       'whose outcome is still scheduled (issue 11 §1); else null.'})
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)
    contact_ids = fields.List(fields.Integer(), dump_only=True)
    company_ids = fields.List(fields.Integer(), dump_only=True)
    deal_ids = fields.List(fields.Integer(), dump_only=True)
    ticket_ids = fields.List(fields.Integer(), dump_only=True)
    note_count = fields.Integer(dump_only=True)
    calendar_delivery = fields.Nested(CalendarDeliverySchema, dump_only=True)


class MeetingListPageSchema(Schema):
    """Documents GET /meetings; services.meeting_listing builds its JSON directly."""
    items = fields.List(fields.Nested(MeetingListItemSchema))
    next_cursor = fields.String(allow_none=True)


class MeetingQuerySchema(Schema):
    start_from = UTCDateTime(data_key='from')
    start_to = UTCDateTime(data_key='to')
    cursor = Cursor(200)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    q = fields.String(validate=validate.Length(max=200))

    @validates_schema
    def check_window(self, data, **kwargs):
        if data.get('start_from') and data.get('start_to') and data['start_to'] < data['start_from']:
            raise ValidationError('Must not be before "from".', 'to')


def _check_times(data, partial_start=None, partial_end=None):
    start = data.get('start', partial_start)
    end = data.get('end', partial_end)
    if start is not None and end is not None and end <= start:
        raise ValidationError(N_('Must be after start.'), 'end')


class MeetingInSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    start = UTCDateTime(required=True)
    end = UTCDateTime(required=True)
    description = fields.String(load_default='', validate=validate.Length(max=20000))
    location = fields.String(load_default='', validate=validate.Length(max=500))
    video_link = fields.String(load_default='', validate=[validate.Length(max=2000), url_or_empty])
    attendees = fields.List(fields.Nested(AttendeeInSchema), load_default=list,
                            validate=[validate.Length(max=200), each_attendee_once])
    contact_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=200))
    company_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=200))
    deal_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=200))
    ticket_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=200))

    @validates_schema
    def check_times(self, data, **kwargs):
        _check_times(data)


class MeetingPatchSchema(PatchSchema):
    title = fields.String(validate=validate.Length(min=1, max=500))
    start = UTCDateTime()
    end = UTCDateTime()
    description = fields.String(validate=validate.Length(max=20000))
    location = fields.String(validate=validate.Length(max=500))
    video_link = fields.String(validate=[validate.Length(max=2000), url_or_empty])
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    type = fields.String(validate=validate.Length(max=100), metadata={
        'description': "One of the account's meeting_types (GET /account), or '' for none."})

    @validates_schema
    def check_times(self, data, **kwargs):
        _check_times(data)


class FollowUpInSchema(Schema):
    """The next meeting (R5 with invitations), its associations copied from this one."""
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    start = UTCDateTime(required=True)
    end = UTCDateTime(required=True)
    description = fields.String(load_default='', validate=validate.Length(max=20000))
    video_link = fields.String(load_default='', validate=[validate.Length(max=2000), url_or_empty])
    attendees = fields.List(fields.Nested(AttendeeInSchema), required=True,
                            validate=[validate.Length(max=200), each_attendee_once])
    # end > start is checked once the meeting is found (services.meetings.follow_up): another
    # account's meeting id is a 404 whatever the body says.


class AttendeesAddSchema(Schema):
    attendees = fields.List(fields.Nested(AttendeeInSchema), required=True,
                            validate=[validate.Length(min=1, max=200), each_attendee_once])


class MeetingDeleteQuerySchema(Schema):
    cancel_in_calendar = fields.Boolean(load_default=False)


class StartSchema(Schema):
    url = fields.String()
    started_at = UTCDateTime()
