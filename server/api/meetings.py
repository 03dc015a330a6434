"""Meetings: list, detail, schedule (R5), attendees, Add contact (R18), Start (R19)."""
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from server.schemas.contacts import ContactSchema
from server.schemas.meeting_pack import MeetingPackSchema
from server.schemas.meetings import (AttendeesAddSchema, FollowUpInSchema,
                                     MeetingDeleteQuerySchema, MeetingInSchema,
                                     MeetingListPageSchema, MeetingPatchSchema, MeetingQuerySchema,
                                     MeetingSchema, StartSchema)
from server.schemas.people import AddAllSchema
from server.services import meeting_listing, meeting_pack, meetings, people

blp = Blueprint('meetings', __name__, description='Meeting activities')


@blp.route('/meetings')
class Meetings(MethodView):
    # A schema instance, not the class: webargs builds a new instance from a class on every
    # request (60 us, more than parsing the query); a marshmallow schema is reusable.
    @blp.arguments(MeetingQuerySchema(), location='query')
    @blp.response(200, MeetingListPageSchema)
    @blp.alt_response(304, description='Not modified: the If-None-Match tag is still current.')
    def get(self, args):
        """List the caller's meetings, soonest first (GET /meetings/{id} has every field)."""
        # The browser keeps the list and asks again with its tag: unchanged, it costs a 304.
        tag = meeting_listing.entity_tag(g.user, **args)
        if request.if_none_match.contains(tag):
            response = current_app.response_class(status=304)
        else:
            # Built in the schema's output shape (tests prove it) and kept encoded while its
            # data is unchanged (services/meeting_listing.py): dumping it again would cost as
            # much.
            body = current_app.extensions['meetside.meetings_list'].body(g.user, tag, **args)
            response = current_app.response_class(body, mimetype='application/json')
        response.set_etag(tag)
        response.headers['Cache-Control'] = 'private, no-cache'  # keep it, but always ask
        return response

    @blp.arguments(MeetingInSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data):
        """Schedule a meeting from the CRM (R5)."""
        return meetings.schedule(g.user, data)


@blp.route('/meetings/pack')
class MeetingPack(MethodView):
    @blp.response(200, MeetingPackSchema)
    def get(self):
        """Today's and tomorrow's meetings (the user's zone) with attendees and contact cards,
        for the panel to keep for an outage (issue 9 §4); at most 50 meetings, 500 contacts."""
        return meeting_pack.pack(g.user)


@blp.route('/meetings/<int:meeting_id>')
class MeetingById(MethodView):
    @blp.response(200, MeetingSchema)
    def get(self, meeting_id):
        """Get one meeting with attendees and associations."""
        return meetings.detail(g.user, meeting_id)

    @blp.arguments(MeetingPatchSchema)
    @blp.response(200, MeetingSchema)
    def patch(self, data, meeting_id):
        """Edit a meeting."""
        return meetings.update(g.user, meeting_id, data)

    @blp.arguments(MeetingDeleteQuerySchema, location='query')
    @blp.response(204)
    def delete(self, args, meeting_id):
        """Delete a meeting; the calendar event stays unless cancel_in_calendar=true (R6, B3)."""
        meetings.delete(g.user, meeting_id, **args)


@blp.route('/meetings/<int:meeting_id>/attendees')
class MeetingAttendees(MethodView):
    @blp.arguments(AttendeesAddSchema)
    @blp.response(200, MeetingSchema)
    def post(self, data, meeting_id):
        """Add attendees to a meeting (B1 sends them invitations)."""
        return meetings.add_attendees(g.user, meeting_id, data['attendees'])


@blp.route('/meetings/<int:meeting_id>/attendees/<path:email>/contact')
class AttendeeContact(MethodView):
    @blp.response(201, ContactSchema)
    @blp.alt_response(200, schema=ContactSchema, description='The contact already existed')
    def post(self, meeting_id, email):
        """Create the contact for an attendee (R18); a repeat returns the same contact."""
        contact, created = meetings.add_attendee_as_contact(g.user, meeting_id, email)
        return contact, 201 if created else 200


@blp.route('/meetings/<int:meeting_id>/contacts')
class AddAllAttendees(MethodView):
    @blp.response(201, AddAllSchema)
    def post(self, meeting_id):
        """Add all: create the contact of every external attendee without one (R18 for each, one
        transaction), each linked to the company whose domain its address has."""
        created, meeting = people.add_all_attendees(g.user, meeting_id)
        return {'created': created, 'meeting': meeting}


@blp.route('/meetings/<int:meeting_id>/start')
class StartMeeting(MethodView):
    @blp.response(200, StartSchema)
    def post(self, meeting_id):
        """Return the URL that starts the meeting and record the start (R19)."""
        return meetings.start(g.user, meeting_id)


@blp.route('/meetings/<int:meeting_id>/follow-up')
class FollowUp(MethodView):
    @blp.arguments(FollowUpInSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data, meeting_id):
        """Schedule the next meeting: invitations go out (R5); this meeting's contacts,
        companies, deals and tickets are copied to it (issue 11 §3)."""
        return meetings.follow_up(g.user, meeting_id, data)
