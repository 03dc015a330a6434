"""/people: who the addresses of an open e-mail thread are, and R18's Add for them (issue 10)."""
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.schemas.people import (ContactSummarySchema, PeopleQuerySchema, PeopleSchema,
                                   PersonInSchema)
from server.json_provider import encode
from server.services import people, summaries

blp = Blueprint('people', __name__, description='People by e-mail address (the panel in Gmail)')


@blp.route('/people')
class People(MethodView):
    @blp.arguments(PeopleQuerySchema(), location='query')
    @blp.response(200, PeopleSchema)
    def get(self, args):
        """Each address's contact, R12 flag, company, open deals, next and last meeting."""
        # Built in the schema's shape (tests prove it) and encoded as it is: dumping it through
        # the schema again cost a sixth of the request.
        body = encode({'people': people.lookup(g.user, args['email'])})
        return current_app.response_class(body, mimetype='application/json')

    @blp.arguments(PersonInSchema)
    @blp.response(201, ContactSummarySchema)
    @blp.alt_response(200, schema=ContactSummarySchema, description='The contact already existed')
    def post(self, data):
        """Create the contact for an e-mail participant (R18), linked to its company by domain."""
        contact_id, created = people.add_person(g.user, data['email'], data['display_name'])
        summary = summaries.contact_summaries(g.user.account_id, [contact_id])[0]
        return summary, 201 if created else 200
