"""Settings › API tokens: the user's own tokens, each revocable here instead of by the CLI."""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext

from server.auth import login_required
from server.services import tokens
from server.web import bp


@bp.route('/settings/tokens')
@login_required
def token_settings():
    """List the signed-in user's API tokens: name and dates only, never the token or its hash."""
    return render_template('settings/tokens.html', tokens=tokens.listed(g.web_user))


@bp.route('/settings/tokens/<int:token_id>/revoke', methods=['POST'])
@login_required
def token_revoke(token_id):
    """Revoke one of the user's own tokens (another user's id is a 404 page)."""
    token = tokens.revoke_own(g.web_user, token_id)
    flash(gettext('Revoked the token “%(name)s”: it no longer signs anything in.',
                  name=token.name or gettext('unnamed')), 'info')
    return redirect(url_for('web.token_settings'), code=303)
