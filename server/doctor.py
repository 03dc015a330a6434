"""`flask --app server doctor`: the effective settings (secrets redacted) and whether this
deployment can run: the production rules, the database, Redis, the schema and the providers.

Each check returns (ok, detail); the command exits 1 when any check fails, so a deploy script or
a systemd ExecStartPre can stop before starting the processes.
"""
import urllib.parse

import click
from flask import current_app
from flask.cli import with_appcontext

from server import config as settings
from server import production

SECRETS = ('SECRET_KEY', 'TOKEN_ENCRYPTION_KEY', 'GOOGLE_CLIENT_SECRET', 'MS_CLIENT_SECRET',
           'MAIL_PASSWORD')
URLS_WITH_PASSWORDS = ('DATABASE_URL', 'REDIS_URL')
PROVIDERS = (('Google', 'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET',
              ('GOOGLE_AUTH_URI', 'GOOGLE_TOKEN_URI', 'GOOGLE_USERINFO_URI', 'GOOGLE_REVOKE_URI',
               'GOOGLE_CALENDAR_API_ENDPOINT')),
             ('Outlook', 'MS_CLIENT_ID', 'MS_CLIENT_SECRET', ('MS_AUTHORITY', 'MS_GRAPH_ENDPOINT')))


def redacted(name, value):
    """The value as the doctor prints it: secrets hidden, passwords cut out of addresses."""
    if name in SECRETS:
        return '(set, redacted)' if value else '(not set)'
    if name in URLS_WITH_PASSWORDS and value:
        parts = urllib.parse.urlsplit(value)
        if parts.password:
            netloc = f'{parts.username}:***@{parts.hostname}' + (
                f':{parts.port}' if parts.port else '')
            return repr(urllib.parse.urlunsplit(parts._replace(netloc=netloc)))
    return repr(value) if isinstance(value, str) else str(value)


def effective_settings(config):
    """(name, printed value) of every setting server/config.py reads, plus set tuning knobs."""
    names = list(SETTING_NAMES)
    names += [n for n in settings.TUNING_KNOBS if n in config]
    return [(name, redacted(name, config.get(DERIVED.get(name, name)))) for name in names]


# Variables that config.py turns into a setting of another name (the printed value is that one).
DERIVED = {'SESSION_IDLE_MINUTES': 'PERMANENT_SESSION_LIFETIME',
           'SESSION_MAX_AGE_HOURS': 'SESSION_MAX_AGE'}


SETTING_NAMES = (
    'MEETSIDE_ENV', 'SECRET_KEY', 'PUBLIC_URL', 'ALLOW_INSECURE_HTTP', 'TRUSTED_PROXIES', 'DATABASE_URL',
    'DATABASE_POOL_SIZE', 'REDIS_URL', 'HUEY_NAME', 'HUEY_SQLITE_PATH', 'HUEY_IMMEDIATE', 'TOKEN_ENCRYPTION_KEY',
    'EXTENSION_ORIGINS', 'MAX_CONTENT_LENGTH', 'WEB_ACTIVE_REQUESTS', 'MEETINGS_CACHE_MB', 'SYNC_DECISION_RETENTION_DAYS',
    'SESSION_MAX_AGE_HOURS', 'SESSION_IDLE_MINUTES', 'SIGNUP_OPEN', 'MAIL_SERVER', 'MAIL_PORT', 'MAIL_USE_TLS', 'MAIL_USERNAME', 'MAIL_PASSWORD',
    'MAIL_FROM', 'MAIL_OUTBOX_DIR',
    'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_AUTH_URI', 'GOOGLE_TOKEN_URI',
    'GOOGLE_USERINFO_URI', 'GOOGLE_REVOKE_URI', 'GOOGLE_CALENDAR_API_ENDPOINT',
    'MS_CLIENT_ID', 'MS_CLIENT_SECRET', 'MS_AUTHORITY', 'MS_GRAPH_ENDPOINT')


# -- the checks -------------------------------------------------------------------------------

def check_settings(config):
    if not production.enforced(config):
        return True, (f'MEETSIDE_ENV={config.get("MEETSIDE_ENV")}: the production rules are not '
                      'enforced (demo)')
    found = production.problems(config)
    return (False, ' '.join(found)) if found else (True, 'production rules met')


def check_database(config):
    from server.db import db
    try:
        with db.connection_context():
            db.execute_sql('SELECT 1')
    except Exception as error:  # any driver's error: the doctor reports, never crashes
        return False, f'DATABASE_URL does not answer: {error}'.strip()
    return True, f'{type(db.obj).__name__} answers'


def check_migrations(config):
    from playhouse.migrations import Runner

    from server.db import MIGRATIONS_DIR, db
    try:
        with db.connection_context():
            status = Runner(db.obj, directory=MIGRATIONS_DIR).status()
    except Exception as error:
        return False, f'cannot read the schema level: {error}'.strip()
    pending = [m.name for m in status if m.applied is None]
    unknown = [m.name for m in status if m.path is None]
    applied = [m.name for m in status if m.applied is not None and m.path is not None]
    level = applied[-1] if applied else 'none'
    if pending:
        return False, (f'at {level}; {len(pending)} migration(s) pending ({", ".join(pending)}): '
                       'run `flask --app server db upgrade`')
    if unknown:
        return False, (f'the database has migrations this code lacks ({", ".join(unknown)}): '
                       'deploy the matching code')
    return True, f'at {level} (up to date)'


def check_redis(config):
    url = config.get('REDIS_URL')
    if not url:
        return True, ('REDIS_URL not set: the job queue is SQLite at HUEY_SQLITE_PATH '
                      '(web and workers on this one host)')
    import redis
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        return False, f'REDIS_URL does not answer: {error}'
    return True, 'answers PING'


def check_providers(config):
    problems, ready = [], []
    for label, id_name, secret_name, url_names in PROVIDERS:
        has_id, has_secret = bool(config.get(id_name)), bool(config.get(secret_name))
        if has_id != has_secret:
            missing = secret_name if has_id else id_name
            problems.append(f'{label}: {missing} is not set ({id_name} and {secret_name} go together)')
            continue
        if not has_id:
            continue
        for name in url_names:
            parts = urllib.parse.urlsplit(config.get(name) or '')
            if parts.scheme not in ('http', 'https') or not parts.netloc:
                problems.append(f'{label}: {name} {config.get(name)!r} is not an http(s) address')
        ready.append(label)
    if not ready and not problems:
        problems.append('no calendar provider is configured: set GOOGLE_CLIENT_ID and '
                        'GOOGLE_CLIENT_SECRET, or MS_CLIENT_ID and MS_CLIENT_SECRET')
    if problems:
        return False, '; '.join(problems)
    return True, ', '.join(ready) + ' configured'


CHECKS = (('settings', check_settings), ('database', check_database),
          ('migrations', check_migrations), ('redis', check_redis),
          ('providers', check_providers))


def run_checks(config):
    """[(name, ok, detail)] for every check, in order."""
    return [(name, *check(config)) for name, check in CHECKS]


@click.command('doctor')
@with_appcontext
def doctor_command():
    """Print the effective settings and check this deployment; exit 1 on any problem."""
    config = current_app.config
    click.echo('Effective settings (secrets redacted):')
    for name, value in effective_settings(config):
        click.echo(f'  {name} = {value}')
    click.echo('Checks:')
    results = run_checks(config)
    for name, ok, detail in results:
        click.echo(f'  [{"ok" if ok else "FAIL"}] {name}: {detail}')
    failed = [name for name, ok, _ in results if not ok]
    if failed:
        click.echo(f'{len(failed)} problem(s): {", ".join(failed)}.', err=True)
        raise SystemExit(1)
    click.echo('Everything checks out.')


def init_app(app):
    app.cli.add_command(doctor_command)
