"""Who is calling: bearer tokens for the API, the signed session for web pages."""
import datetime
import functools
import time

from flask import current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import abort

from server.models import User
from server.services import tokens

PUBLIC_ATTR = '_meetside_public'


def public(view):
    """Mark an API view (function or MethodView class) as needing no token.

    Its operations also say so in OpenAPI with ``@blp.doc(security=[])``: the spec's default
    is the bearer token."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def _view_is_public(endpoint):
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return True  # let routing answer 404/405 in the API's shape
    return getattr(view, PUBLIC_ATTR, False) or getattr(
        getattr(view, 'view_class', None), PUBLIC_ATTR, False)


def bearer_token():
    """The token of this request's ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, credentials = request.headers.get('Authorization', '').partition(' ')
    return credentials.strip() if scheme.lower() == 'bearer' else None


def authenticate_api_request():
    """before_request for /api/v1: resolve the bearer token into g.user."""
    if request.method == 'OPTIONS' or not request.path.startswith('/api/v1'):
        return None
    if request.endpoint and request.endpoint.startswith('api-docs.'):
        return None
    if _view_is_public(request.endpoint):
        return None
    user = tokens.authenticate(bearer_token())
    if user is None:
        abort(401, message='A valid API token is required (Authorization: Bearer <token>).',
              headers={'WWW-Authenticate': 'Bearer'})
    g.user = user
    return None


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session for web pages; none at all for the API.

    The API takes bearer tokens only, and Flask opens the session for every request before any
    view runs: building its signer and reading the cookie was a tenth of a /health request.
    The API gets Flask's null session (reading it finds nothing; writing it raises).
    """

    def open_session(self, app, request):
        if request.path.startswith('/api/'):
            return self.make_null_session(app)
        return super().open_session(app, request)


def current_user():
    return g.get('user')


# What a web session carries besides the user's id: the user's session version it was started
# under (Sign out moves it) and when the user signed in (the absolute limit counts from there).
SESSION_VERSION, SIGNED_IN_AT = 'sv', 'at'


def start_session(user, now=None):
    """Sign ``user`` in on this browser: a fresh session, nothing planted before survives it."""
    session.clear()
    session['user_id'] = user.id
    session[SESSION_VERSION] = user.session_version
    session[SIGNED_IN_AT] = int(now if now is not None else time.time())
    # Permanent: the cookie expires after PERMANENT_SESSION_LIFETIME without a request, and every
    # request renews it (SESSION_REFRESH_EACH_REQUEST), so the idle limit slides.
    session.permanent = True


def end_sessions(user):
    """Sign out on the server: every session started before this (and any copy of its cookie)
    stops working, because its version no longer matches the user's."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    session.clear()


def _session_is_current(user):
    if session.get(SESSION_VERSION, 0) != user.session_version:
        return False  # signed out since (on any browser)
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        # A session from before the absolute limit existed: it starts counting now.
        session[SIGNED_IN_AT] = int(time.time())
        return True
    max_age = current_app.config['SESSION_MAX_AGE']
    return time.time() - signed_in_at <= max_age.total_seconds()


def load_session_user():
    """before_request: the signed-in web user, if any, into g.web_user."""
    g.web_user = None
    user_id = session.get('user_id')  # API requests have the null session: always None
    if user_id is not None:
        user = User.get_or_none(User.id == user_id, User.is_active == True)  # noqa: E712
        if user is not None and _session_is_current(user):
            g.web_user = user
        else:
            session.clear()  # and the response drops the cookie


def login_required(view):
    """Web pages: send anonymous visitors to the sign-in page."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get('web_user') is None:
            return redirect(url_for('web.sign_in', next=request.full_path))
        return view(*args, **kwargs)
    return wrapped


def init_app(app):
    # Over https the session cookie never travels in clear text.
    if app.config['PUBLIC_URL'].lower().startswith('https://'):
        app.config['SESSION_COOKIE_SECURE'] = True
    app.session_interface = SessionInterface()
    app.before_request(authenticate_api_request)
    app.before_request(load_session_user)
