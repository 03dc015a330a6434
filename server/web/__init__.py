"""Server-rendered pages: sign-in, records with their timelines, settings."""
from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from server.errors import ServiceError

# Not '/static': the app's own (empty) static route owns that path and would answer 404.
bp = Blueprint('web', __name__, template_folder='templates', static_folder='static',
               static_url_path='/assets')


@bp.before_request
def _check_csrf():
    from server.web import csrf
    return csrf.check()


@bp.errorhandler(ServiceError)
def _service_error(error):
    # Services speak in ServiceErrors; on a web page they become an HTML page, not JSON.
    return render_template('error.html', status=error.status, message=error.message), error.status


@bp.errorhandler(HTTPException)
def _http_error(error):
    return render_template('error.html', status=error.code, message=error.description), error.code


def init_app(app):
    from server.web import cli, headers, sign_in_limits, template_helpers
    from server.web import pages, sign_in, record_pages, meeting_pages  # noqa: F401 (routes)
    from server.web import extension_auth, favicon  # noqa: F401 (routes)
    from server.web import calendar_settings, integrations, token_settings  # noqa: F401 (routes)
    from server.web import meeting_type_settings, profile_settings, task_pages  # noqa: F401 (routes)
    integrations.init_app(app)
    template_helpers.init_app(app)
    sign_in_limits.init_app(app)
    headers.init_app(app)
    # Cross-site form posts then carry no session at all: a second guard besides the CSRF token.
    if app.config.get('SESSION_COOKIE_SAMESITE') is None:
        app.config['SESSION_COOKIE_SAMESITE'] = 'Lax'
    app.register_blueprint(bp)
    app.cli.add_command(cli.web_cli)
