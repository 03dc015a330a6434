"""Settings › Calendar: the user's connection state, Connect/Disconnect, and the decision log."""
from flask import current_app, g, render_template

from server.auth import login_required
from server.services import connections, push_status
from server.web import bp

# Functions (user) -> dict whose items join the page's template context. The sync layer adds
# the B4 decision log here ("why wasn't this event logged?"), rendered by
# settings/_decisions.html.
context_providers = []


def add_context(provider):
    """Register ``provider(user) -> dict`` for Settings › Calendar; usable as a decorator."""
    context_providers.append(provider)
    return provider


@bp.route('/settings/calendar')
@login_required
def calendar_settings():
    """Show whether the calendar is connected, to what, and how the sync is doing."""
    user = g.web_user
    connection = connections.get(user)
    state = connections.state(user)
    installed = user.account.calendar_provider
    # R3: once the account has a provider, that is the only one its users may connect.
    offered = [installed] if installed else list(connections.PROVIDERS)
    context = {'connection': connection if state['status'] != 'not_connected' else None,
               'state': state, 'installed': installed, 'offered': offered,
               'providers': connections.PROVIDERS,
               'push': push_status.describe(connection),
               'encryption_ready': bool(current_app.config.get('TOKEN_ENCRYPTION_KEY'))}
    for provider in context_providers:
        context.update(provider(user) or {})
    return render_template('settings/calendar.html', **context)
