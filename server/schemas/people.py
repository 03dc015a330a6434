"""Schemas for issue 10: people by address (GET/POST /people) and the briefs of a contact, a
company and a meeting. Services build these shapes as dicts already holding API values
(ISO times, amounts as text); the schemas document them and pass them through."""
from marshmallow import fields, validate

from server.schemas.base import Schema
from server.schemas.fastdump import FastDump
from server.schemas.fields import LowerEmail
from server.schemas.meetings import MeetingSchema
from server.services.people import MAX_ADDRESSES


def _time(**kwargs):
    """A time the service already wrote as the API does (UTC ISO 8601 with 'Z')."""
    return fields.String(dump_only=True, metadata={'format': 'date-time'}, **kwargs)


class CompanyRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    domain = fields.String(dump_only=True)


class PersonRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class ContactSummarySchema(FastDump, Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    first_name = fields.String(dump_only=True)
    last_name = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    job_title = fields.String(dump_only=True)
    phone = fields.String(dump_only=True)
    company = fields.Nested(CompanyRefSchema, allow_none=True, dump_only=True)
    owner = fields.Nested(PersonRefSchema, allow_none=True, dump_only=True)


class DealSummarySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    stage = fields.String(dump_only=True)
    amount = fields.String(dump_only=True, metadata={'description': 'Two decimal places.'})


class TicketSummarySchema(Schema):
    id = fields.Integer(dump_only=True)
    subject = fields.String(dump_only=True)
    status = fields.String(dump_only=True)


class MeetingRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    start = _time()
    end = _time()


class NoteRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    author = fields.Nested(PersonRefSchema, dump_only=True)
    typed_at = _time()


class MeetingWithNotesSchema(MeetingRefSchema):
    notes = fields.List(fields.Nested(NoteRefSchema), dump_only=True)


class PersonSchema(Schema):
    email = fields.String(dump_only=True, metadata={'description': 'Lower-cased.'})
    contact = fields.Nested(ContactSummarySchema, allow_none=True, dump_only=True)
    is_internal = fields.Boolean(dump_only=True, metadata={'description': 'R12'})
    company = fields.Nested(CompanyRefSchema, allow_none=True, dump_only=True, metadata={
        'description': "The contact's company, else the company whose domain is the address's."})
    open_deals = fields.List(fields.Nested(DealSummarySchema), dump_only=True)
    next_meeting = fields.Nested(MeetingRefSchema, allow_none=True, dump_only=True)
    last_meeting = fields.Nested(MeetingRefSchema, allow_none=True, dump_only=True)
    error = fields.String(allow_none=True, dump_only=True)


class PeopleSchema(FastDump, Schema):
    people = fields.List(fields.Nested(PersonSchema), dump_only=True)


class PeopleQuerySchema(Schema):
    email = fields.List(fields.String(validate=validate.Length(max=1000)), required=True,
                        validate=validate.Length(min=1, max=MAX_ADDRESSES), metadata={
                            'description': f'1 to {MAX_ADDRESSES} addresses (repeat the '
                                           'parameter); compared case-insensitively (R11).'})


class PersonInSchema(Schema):
    email = LowerEmail(required=True, validate=validate.Length(max=254))
    display_name = fields.String(load_default='', validate=validate.Length(max=200))


# -- briefs ----------------------------------------------------------------------------------

class ContactBriefSchema(FastDump, Schema):
    contact = fields.Nested(ContactSummarySchema, dump_only=True)
    open_deals = fields.List(fields.Nested(DealSummarySchema), dump_only=True)
    open_tickets = fields.List(fields.Nested(TicketSummarySchema), dump_only=True)
    last_meeting = fields.Nested(MeetingWithNotesSchema, allow_none=True, dump_only=True)
    next_meeting = fields.Nested(MeetingRefSchema, allow_none=True, dump_only=True)
    last_contacted_at = _time(allow_none=True)
    upcoming_meetings = fields.List(fields.Nested(MeetingRefSchema), dump_only=True)
    past_meetings = fields.List(fields.Nested(MeetingRefSchema), dump_only=True)


class CompanyBriefSchema(FastDump, Schema):
    company = fields.Nested(CompanyRefSchema, dump_only=True)
    contacts = fields.List(fields.Nested(ContactSummarySchema), dump_only=True)
    open_deals = fields.List(fields.Nested(DealSummarySchema), dump_only=True)
    open_tickets = fields.List(fields.Nested(TicketSummarySchema), dump_only=True)
    last_meetings = fields.List(fields.Nested(MeetingRefSchema), dump_only=True)


class BriefMeetingSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    start = _time()
    end = _time()
    location = fields.String(dump_only=True)
    video_link = fields.String(dump_only=True)
    description = fields.String(dump_only=True, metadata={
        'description': "Plain text: a calendar's HTML is turned into text, never passed on."})


class CompanyPrepSchema(Schema):
    company = fields.Nested(CompanyRefSchema, dump_only=True)
    open_deals = fields.List(fields.Nested(DealSummarySchema), dump_only=True)
    open_tickets = fields.List(fields.Nested(TicketSummarySchema), dump_only=True)


class MeetingBriefSchema(FastDump, Schema):
    meeting = fields.Nested(BriefMeetingSchema, dump_only=True)
    companies = fields.List(fields.Nested(CompanyPrepSchema), dump_only=True)
    last_meeting = fields.Nested(MeetingWithNotesSchema, allow_none=True, dump_only=True)
    previous_occurrence = fields.Nested(MeetingWithNotesSchema, allow_none=True, dump_only=True)


class AddAllSchema(Schema):
    created = fields.List(fields.Nested(ContactSummarySchema), dump_only=True)
    meeting = fields.Nested(MeetingSchema, dump_only=True)
