"""/contacts: list and search, create, read, edit, delete, and the meeting timeline."""
from flask_smorest import Blueprint

from server.api import record_routes
from server.schemas import contacts as schemas

blp = Blueprint('contacts', __name__, description='Contact records')

# ContactSchema, ContactInSchema, ContactPatchSchema, ContactQuerySchema and ContactPageSchema.
record_routes.register(blp, 'contacts', schemas)
