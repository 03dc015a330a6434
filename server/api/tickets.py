"""/tickets: list and search, create, read, edit, delete, and the meeting timeline."""
from flask_smorest import Blueprint

from server.api import record_routes
from server.schemas import tickets as schemas

blp = Blueprint('tickets', __name__, description='Ticket records')

# TicketSchema, TicketInSchema, TicketPatchSchema, TicketQuerySchema and TicketPageSchema.
record_routes.register(blp, 'tickets', schemas)
