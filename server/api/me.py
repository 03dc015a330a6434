"""GET /me: the caller, their account and calendar connection (R21)."""
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.auth import bearer_token
from server.schemas.me import MePatchSchema, MeSchema
from server.services import calendar_state, profile, tokens

blp = Blueprint('me', __name__, description='The caller')


@blp.route('/me')
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Return the caller, their account and whether their calendar is connected."""
        return _me(g.user)

    @blp.arguments(MePatchSchema)
    @blp.response(200, MeSchema)
    def patch(self, data):
        """Change the caller's name, time zone or language (B5).

        A time zone set here stays: syncs no longer take the calendar's (time_zone_source
        becomes 'user'). An unknown zone is a 422 naming ``time_zone``."""
        return _me(profile.update(g.user, data))


def _me(user):
    base = current_app.config['PUBLIC_URL'].rstrip('/')
    state = dict(calendar_state.for_user(user), connect_url=base + '/settings/calendar')
    return {'user': user, 'account': user.account, 'calendar': state,
            'urls': {'app': base + '/', 'settings_calendar': base + '/settings/calendar',
                     'settings_profile': base + '/settings/profile',
                     'sign_in': base + '/sign-in'}}


@blp.route('/me/token')
class MyToken(MethodView):
    @blp.response(204)
    def delete(self):
        """Revoke the token this request is made with (the extension's Sign out).

        Other tokens of the caller (another browser, the CLI) keep working."""
        tokens.revoke_plaintext(g.user, bearer_token())
