"""Briefs (issue 10, B7): a contact's, a company's, and a meeting's prep, each in one request."""
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.json_provider import encode
from server.schemas.people import CompanyBriefSchema, ContactBriefSchema, MeetingBriefSchema
from server.services import briefs


def _json(data):
    """A brief as the service built it, in its schema's shape (tests prove it): encoded once,
    not dumped through the schema again."""
    return current_app.response_class(encode(data), mimetype='application/json')


blp = Blueprint('briefs', __name__, description='Briefs: what to know before speaking')


@blp.route('/contacts/<int:contact_id>/brief')
class ContactBrief(MethodView):
    @blp.response(200, ContactBriefSchema)
    def get(self, contact_id):
        """A contact's brief: open deals and tickets, last and next meetings (last's notes)."""
        return _json(briefs.contact_brief(g.user, contact_id))


@blp.route('/companies/<int:company_id>/brief')
class CompanyBrief(MethodView):
    @blp.response(200, CompanyBriefSchema)
    def get(self, company_id):
        """A company's brief: its contacts (50 at most), open deals and tickets, last meetings."""
        return _json(briefs.company_brief(g.user, company_id))


@blp.route('/meetings/<int:meeting_id>/brief')
class MeetingBrief(MethodView):
    @blp.response(200, MeetingBriefSchema)
    def get(self, meeting_id):
        """A meeting's prep: per external company its open deals and tickets, the last meeting
        with these attendees and, for a series (R13), the previous occurrence, with notes."""
        return _json(briefs.meeting_brief(g.user, meeting_id))
