"""GET /me: the caller, their account and calendar connection (R21)."""
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.auth import bearer_token
from server.schemas.me import MeSchema
from server.services import calendar_state, tokens

blp = Blueprint('me', __name__, description='The caller')


@blp.route('/me')
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Return the caller, their account and whether their calendar is connected."""
        base = current_app.config['PUBLIC_URL'].rstrip('/')
        state = dict(calendar_state.for_user(g.user), connect_url=base + '/settings/calendar')
        return {'user': g.user, 'account': g.user.account, 'calendar': state,
                'urls': {'app': base + '/', 'settings_calendar': base + '/settings/calendar',
                         'sign_in': base + '/sign-in'}}


@blp.route('/me/token')
class MyToken(MethodView):
    @blp.response(204)
    def delete(self):
        """Revoke the token this request is made with (the extension's Sign out).

        Other tokens of the caller (another browser, the CLI) keep working."""
        tokens.revoke_plaintext(g.user, bearer_token())
