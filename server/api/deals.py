"""/deals: list and search, create, read, edit, delete, and the meeting timeline; a meeting's
deals and a deal's changes (issue 11 §3)."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api import record_routes
from server.schemas import deals as schemas
from server.schemas.deals import DEAL_STAGES, DealChangeSchema, MeetingDealsSchema
from server.services import deal_changes, records

blp = Blueprint('deals', __name__, description='Deal records')

# DealSchema, DealInSchema, DealPatchSchema, DealQuerySchema and DealPageSchema.
record_routes.register(blp, 'deals', schemas)


@blp.route('/meetings/<int:meeting_id>/deals')
class MeetingDeals(MethodView):
    @blp.response(200, MeetingDealsSchema)
    def get(self, meeting_id):
        """The deals of a meeting (its own, its attendees' and their companies'), with the
        pipeline's stages: PATCH /deals/{id} with meeting_id updates one after the call."""
        return {'items': deal_changes.deals_for_meeting(g.user, meeting_id),
                'stages': list(DEAL_STAGES)}


@blp.route('/deals/<int:deal_id>/changes')
class DealChanges(MethodView):
    @blp.response(200, DealChangeSchema(many=True))
    def get(self, deal_id):
        """A deal's stage and amount changes, newest first, with the meetings they came from."""
        deal = records.get_record(g.user, 'deals', deal_id)
        return deal_changes.for_deal(deal.id)
