"""GET/PATCH /account: the caller's account name and its domains (R12)."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.schemas.account import AccountPatchSchema, AccountSchema
from server.services import accounts

blp = Blueprint('account', __name__, description="The caller's account")


@blp.route('/account')
class AccountView(MethodView):
    @blp.response(200, AccountSchema)
    def get(self):
        """Get the caller's account."""
        return g.user.account

    @blp.arguments(AccountPatchSchema)
    @blp.response(200, AccountSchema)
    def patch(self, data):
        """Change the account's name or domains (admins only)."""
        return accounts.update(g.user, data)
