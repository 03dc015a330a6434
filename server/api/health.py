"""GET /health: is the service up and does the database answer."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields
from peewee import PeeweeException

from server.auth import public
from server.db import db

blp = Blueprint('health', __name__, description='Service health')


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


@blp.route('/health')
@public
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """Report whether the service and its database answer."""
        try:
            db.execute_sql('SELECT 1')
        except PeeweeException:
            abort(503, message='The database does not answer.')
        return {'status': 'ok', 'database': 'ok'}
