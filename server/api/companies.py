"""/companies: list and search, create, read, edit, delete, and the meeting timeline."""
from flask_smorest import Blueprint

from server.api import records
from server.schemas import companies as schemas

blp = Blueprint('companies', __name__, description='Company records')

# CompanySchema, CompanyInSchema, CompanyPatchSchema, CompanyQuerySchema and CompanyPageSchema.
records.register(blp, 'companies', schemas)
