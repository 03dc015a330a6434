"""/deals: list and search, create, read, edit, delete, and the meeting timeline."""
from flask_smorest import Blueprint

from server.api import record_routes
from server.schemas import deals as schemas

blp = Blueprint('deals', __name__, description='Deal records')

# DealSchema, DealInSchema, DealPatchSchema, DealQuerySchema and DealPageSchema.
record_routes.register(blp, 'deals', schemas)
