"""/tickets: list and search, create, read, edit, delete, and the meeting timeline."""
from flask_smorest import Blueprint

from server.api import records
from server.schemas import tickets as schemas

blp = Blueprint('tickets', __name__, description='Ticket records')

# TicketSchema, TicketInSchema, TicketPatchSchema, TicketQuerySchema and TicketPageSchema.
records.register(blp, 'tickets', schemas)
