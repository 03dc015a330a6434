"""Connecting a calendar by OAuth (R1-R3): connect, the provider's callback, disconnect."""
import hmac
import logging

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from server.auth import login_required
from server.calendars import oauth
from server.errors import ServiceError
from server.services import connections, crypto
from server.web import bp

log = logging.getLogger(__name__)

SESSION_KEY = 'calendar_oauth'
PROVIDER_URL = '<any(google, outlook):provider>'


def problem(error, title):
    """A clear page for a connect that cannot go on (never a bare 500)."""
    return render_template('integrations/problem.html', title=title, message=error.message,
                           status=error.status), error.status


def callback_url(provider):
    # The address registered with the provider: built from PUBLIC_URL, not the Host header.
    return current_app.config['PUBLIC_URL'].rstrip('/') + url_for(
        'web.integration_callback', provider=provider)


@bp.route(f'/integrations/{PROVIDER_URL}/connect')
@login_required
def integration_connect(provider):
    """Send the user to the provider's consent screen (R1)."""
    config = current_app.config
    try:
        crypto.cipher(config)  # no key, no connect: tokens are only ever stored encrypted
        connections.check_allowed(g.web_user, provider)  # R3
        url, state = oauth.authorization_url(provider, config, callback_url(provider),
                                             login_hint=g.web_user.email)
    except ServiceError as error:
        return problem(error, gettext('%(provider)s cannot be connected',
                                       provider=connections.PROVIDERS[provider]))
    session[SESSION_KEY] = {'provider': provider, 'state': state}
    return redirect(url)


@bp.route(f'/integrations/{PROVIDER_URL}/callback')
@login_required
def integration_callback(provider):
    """Back from the consent screen: check the state, store the tokens, confirm (R1)."""
    expected = session.pop(SESSION_KEY, None) or {}
    state = request.args.get('state', '')
    name = connections.PROVIDERS[provider]
    if expected.get('provider') != provider or not state or not hmac.compare_digest(
            str(expected.get('state', '')), state):
        return render_template(
            'integrations/problem.html', status=400, title=gettext('This sign-in link is not valid'),
            message=gettext('The answer from the calendar provider does not match a connect you '
                            'started here (or it was already used). Start again from '
                            'Settings › Calendar.')), 400
    if request.args.get('error'):
        return render_template(
            'integrations/problem.html', status=400, title=gettext('%(provider)s was not connected', provider=name),
            message=gettext('%(provider)s said: %(error)s. Nothing was stored.', provider=name,
                            error=request.args.get('error_description') or request.args['error'])
        ), 400
    config = current_app.config
    try:
        credentials, email = oauth.exchange(provider, config, callback_url(provider),
                                            request.args.get('code', ''))
        connection = connections.connect(g.web_user, provider, email, credentials, config)
    except ServiceError as error:
        return problem(error, gettext('%(provider)s was not connected', provider=name))
    start_initial_sync(connection)
    return render_template('integrations/connected.html', connection=connection,
                           provider_name=name)


@bp.route('/integrations/disconnect', methods=['POST'])
@login_required
def integration_disconnect():
    """Disconnect the user's calendar; meetings already in the CRM stay."""
    try:
        connections.disconnect(g.web_user, current_app.config)
    except ServiceError as error:
        flash(gettext(error.message), 'error')
    else:
        flash(gettext('Your calendar is disconnected. Meetings already logged stay in the CRM.'), 'info')
    return redirect(url_for('web.calendar_settings'))


def start_initial_sync(connection):
    """Queue the first sync if the sync layer is installed (server.tasks)."""
    try:
        from server import tasks
    except ImportError:
        return
    try:
        tasks.sync_user(connection.user_id)
    except Exception:  # noqa: BLE001 -- the connection is stored; the periodic poll catches up
        log.exception('could not start the first sync of connection %s', connection.id)


def init_app(app):
    connections.init_app(app)
