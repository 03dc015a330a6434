"""`flask web ...`: command-line helpers for the web pages."""
import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from server.models import User
from server.web import magic_links
from server.web.sign_in import link_url


# An AppGroup runs its commands inside the application context (config, url_for).
web_cli = AppGroup('web', help='Web page helpers.')


@web_cli.command('sign-in-link')
@click.option('--email', required=True)
@click.option('--minutes', default=60, show_default=True, type=click.IntRange(1, 7 * 24 * 60),
              help='How long the link stays valid.')
def sign_in_link(email, minutes):
    """Print a single-use, expiring link that signs the user in."""
    user = User.get_or_none(User.email == email.strip().lower(), User.is_active == True)  # noqa: E712
    if user is None:
        raise click.ClickException(f'No active user with e-mail {email}.')
    token = magic_links.issue(current_app.config['SECRET_KEY'], user,
                              max_age=datetime.timedelta(minutes=minutes))
    with current_app.test_request_context():
        click.echo(link_url(current_app.config['PUBLIC_URL'], token))
