"""The sync decision log (B4): why a calendar event was (or was not) logged."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.schemas.sync import DecisionListSchema, DecisionQuerySchema
from server.services import sync_decisions

blp = Blueprint('sync', __name__, description='Calendar sync')


@blp.route('/sync/decisions')
class Decisions(MethodView):
    @blp.arguments(DecisionQuerySchema, location='query')
    @blp.response(200, DecisionListSchema)
    def get(self, args):
        """List what the sync decided about the caller's calendar events, newest first."""
        return {'items': sync_decisions.recent(g.user, **args)}
