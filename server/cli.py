"""Command-line tools: users, tokens and the demo workspace."""
import click
from flask.cli import AppGroup

from server.db import write_transaction
from server.models import User
from server.services import tokens


@click.group('users')
def users_cli():
    """Manage users."""


@users_cli.command('create')
@click.option('--email', required=True)
@click.option('--account', 'account_name', required=True, help='Account name (created if new).')
@click.option('--name', default='')
@click.option('--password', default=None, help='Web sign-in password (optional).')
def create_user(email, account_name, name, password):
    """Create a user (and its account if new) and print an API token once."""
    from server.services import users
    with write_transaction():
        user = users.create(email=email, account_name=account_name, name=name, password=password)
        _, plaintext = tokens.issue(user, name='cli')
    click.echo(f'Created {user.email} in account "{user.account.name}".')
    click.echo(f'API token (shown once): {plaintext}')


@click.group('tokens')
def tokens_cli():
    """Manage API tokens."""


def _user_or_fail(email):
    user = User.get_or_none(User.email == email.strip().lower())
    if user is None:
        raise click.ClickException(f'No user with e-mail {email}.')
    return user


@tokens_cli.command('create')
@click.option('--email', required=True)
@click.option('--name', default='cli')
def create_token(email, name):
    """Issue an API token for a user; it is printed once and stored only as a hash."""
    _, plaintext = tokens.issue(_user_or_fail(email), name=name)
    click.echo(plaintext)


@tokens_cli.command('revoke')
@click.option('--email', required=True)
@click.option('--prefix', default=None, help='The first 12 characters of the token.')
@click.option('--all', 'revoke_all', is_flag=True, help='Revoke every token of the user.')
def revoke_token(email, prefix, revoke_all):
    """Revoke one token (by prefix) or all tokens of a user."""
    if not prefix and not revoke_all:
        raise click.UsageError('Give --prefix or --all.')
    count = tokens.revoke(_user_or_fail(email), prefix=None if revoke_all else prefix)
    click.echo(f'Revoked {count} token(s).')


@click.group('demo')
def demo_cli():
    """The demo workspace."""


@demo_cli.command('seed')
@click.option('--reset', is_flag=True, help='Delete the demo account first and build it again.')
def seed_demo(reset):
    """Create the demo workspace (Northwind Demo) and print a token for its admin."""
    from server.errors import ServiceError
    from server.services import demo
    existed = demo.find() is not None
    try:
        account = demo.seed(reset=reset)
    except ServiceError as error:
        raise click.ClickException(error.message)
    if existed and not reset:
        click.echo(f'The demo account "{account.name}" already exists; kept as it is '
                   '(use --reset to rebuild it).')
    else:
        click.echo(f'Seeded the demo account "{account.name}".')
    click.echo(f'Sign in as {demo.ADMIN[0]} or {demo.MEMBER[0]}, password {demo.PASSWORD}.')
    admin = User.get_or_none(User.email == demo.ADMIN[0], User.account == account.id)
    if admin is not None:
        _, plaintext = tokens.issue(admin, name='demo')
        click.echo(f'API token for {admin.email} (shown once): {plaintext}')


@click.group('keys', cls=AppGroup)
def keys_cli():
    """Manage TOKEN_ENCRYPTION_KEY, the key(s) calendar tokens are encrypted with."""


@keys_cli.command('rotate')
@click.option('--batch-size', type=click.IntRange(1, 5000), default=None,
              help='Connections re-encrypted per transaction [default: 200].')
def rotate_keys(batch_size):
    """Re-encrypt every stored calendar token with the first key of TOKEN_ENCRYPTION_KEY.

    Put the new key first (TOKEN_ENCRYPTION_KEY=new,old), restart, run this; once it reports
    nothing unreadable that the old key should read, remove the old key.
    """
    from flask import current_app
    from server.services import crypto, key_rotation
    try:
        result = key_rotation.rotate(current_app.config,
                                     batch_size=batch_size or key_rotation.BATCH_SIZE)
    except crypto.EncryptionKeyMissing as error:
        raise click.ClickException(error.message)
    click.echo(f'Rotated {result.rotated} connection(s) to the first key; '
               f'{result.current} already current; {result.unreadable} unreadable '
               f'({result.batches} batch(es)).')
    if result.restored:
        click.echo(f'{result.restored} connection(s) that needed reconnecting because their '
                   'tokens were unreadable are connected again.')
    if result.unreadable:
        click.echo(f'{result.unreadable} connection(s) have tokens no configured key decrypts: '
                   'their users must reconnect (Settings › Calendar says so).')
    else:
        click.echo('Every stored token uses the first key: the other keys can be removed.')


def init_app(app):
    for group in (users_cli, tokens_cli, demo_cli, keys_cli):
        app.cli.add_command(group)
    from server import doctor
    doctor.init_app(app)

