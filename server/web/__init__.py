"""Server-rendered pages: sign-in, records with their timelines, settings."""
from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from server.errors import ServiceError
from server.translatable import N_

# Not '/static': the app's own (empty) static route owns that path and would answer 404.
bp = Blueprint('web', __name__, template_folder='templates', static_folder='static',
               static_url_path='/assets')


@bp.before_request
def _check_csrf():
    from server.web import csrf
    return csrf.check()


# Sentences the services raise that reach a page (error.html translates them); listed here for
# the catalogue, since the services build some of them from parts.
SERVICE_MESSAGES = (N_('Meeting not found.'), N_('Note not found.'), N_('Contact not found.'),
                    N_('Company not found.'), N_('Deal not found.'), N_('Ticket not found.'),
                    N_('No such token.'), N_('No such active token.'),
                    N_('Your calendar is not connected.'))
# Werkzeug's own descriptions, said more plainly on a page.
HTTP_MESSAGES = {400: N_('The request could not be understood. Go back and try again.'),
                 403: N_('You are not allowed to see this page.'),
                 404: N_('There is no page at this address.'),
                 405: N_('This page cannot be used that way.')}


@bp.errorhandler(ServiceError)
def _service_error(error):
    # Services speak in ServiceErrors; on a web page they become an HTML page, not JSON.
    return render_template('error.html', status=error.status, message=error.message), error.status


@bp.errorhandler(HTTPException)
def _http_error(error):
    message = error.description
    if message == type(error).description:  # not ours: werkzeug's default, in English
        message = HTTP_MESSAGES.get(error.code, N_('Something went wrong. Try again in a moment.'))
    return render_template('error.html', status=error.code, message=message), error.code


def init_app(app):
    from server.web import cli, headers, sign_in_limits, template_helpers
    from server.web import pages, sign_in, record_pages, meeting_pages  # noqa: F401 (routes)
    from server.web import extension_auth, favicon  # noqa: F401 (routes)
    from server.web import calendar_settings, integrations, token_settings  # noqa: F401 (routes)
    from server.web import meeting_type_settings, profile_settings, task_pages  # noqa: F401 (routes)
    from server.web import account_settings, link_pages, sign_up  # noqa: F401 (routes)
    from server.web import record_edit, record_files  # noqa: F401 (routes)
    integrations.init_app(app)
    template_helpers.init_app(app)
    sign_in_limits.init_app(app)
    headers.init_app(app)
    # Cross-site form posts then carry no session at all: a second guard besides the CSRF token.
    if app.config.get('SESSION_COOKIE_SAMESITE') is None:
        app.config['SESSION_COOKIE_SAMESITE'] = 'Lax'
    app.register_blueprint(bp)
    app.cli.add_command(cli.web_cli)
