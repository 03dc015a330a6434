"""/deals: list and search, create, read, edit, delete, and the meeting timeline."""
from flask_smorest import Blueprint

from server.api import records
from server.schemas import deals as schemas

blp = Blueprint('deals', __name__, description='Deal records')

# DealSchema, DealInSchema, DealPatchSchema, DealQuerySchema and DealPageSchema.
records.register(blp, 'deals', schemas)
