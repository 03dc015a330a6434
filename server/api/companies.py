"""/companies: list and search, create, read, edit, delete, and the meeting timeline."""
from flask_smorest import Blueprint

from server.api import record_routes
from server.schemas import companies as schemas

blp = Blueprint('companies', __name__, description='Company records')

# CompanySchema, CompanyInSchema, CompanyPatchSchema, CompanyQuerySchema and CompanyPageSchema.
record_routes.register(blp, 'companies', schemas)
