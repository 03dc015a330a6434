"""Settings read from the environment through small typed helpers."""
import datetime
import os
import secrets


def env_str(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, '') else value


def env_int(name, default):
    value = os.environ.get(name)
    return default if value in (None, '') else int(value)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value in (None, ''):
        return default
    return value.strip().lower() in ('1', 'true', 'yes', 'on')


def env_list(name, default=()):
    value = os.environ.get(name)
    if value in (None, ''):
        return list(default)
    return [item.strip() for item in value.split(',') if item.strip()]


# The Chrome extension's own origin: manifest.json's fixed "key" pins this id.
EXTENSION_ORIGIN = 'chrome-extension://ponpnhgfpmhgpplklaobjcjpfnnmpiic'


# Tuning knobs: each module that reads one keeps its default next to the code that uses it,
# so these enter the config only when the environment sets them.
TUNING_KNOBS = (
    'SYNC_LOCK_SECONDS', 'SYNC_BUSY_RETRY_SECONDS', 'CALENDAR_CHANNEL_TTL_SECONDS',
    'CALENDAR_RETRY_ATTEMPTS', 'CALENDAR_BACKOFF_BASE', 'CALENDAR_RETRY_MAX_DELAY',
    'CALENDAR_HTTP_TIMEOUT', 'GOOGLE_PAGE_SIZE', 'OUTLOOK_PAGE_SIZE', 'OUTLOOK_WINDOW_DAYS',
    'OUTLOOK_LOOKBACK_DAYS', 'SYNC_LOOKBACK_DAYS',
)


def env_tuning():
    """Return the tuning knobs the environment sets, as numbers."""
    return {name: float(os.environ[name]) for name in TUNING_KNOBS if os.environ.get(name)}


def install_secret(instance_path):
    """This install's own random SECRET_KEY, made once into ``instance/secret_key``.

    A shared built-in default would let anyone forge session cookies; a key made per process
    would not survive a restart or agree between gunicorn workers. Publishing the file with
    os.link is atomic, so workers starting together all read the one key that won.
    """
    path = os.path.join(instance_path, 'secret_key')
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        draft = f'{path}.{os.getpid()}'
        with open(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process published its key first: use that one
        finally:
            os.unlink(draft)
    with open(path) as handle:
        return handle.read().strip()


def from_environment(instance_path):
    """Return the configuration mapping taken from environment variables."""
    return {
        # production (the default: start-up checks apply, server/production.py) or demo (./run).
        'MEETSIDE_ENV': env_str('MEETSIDE_ENV', 'production'),
        # Unset: create_app refuses in production and makes install_secret's key otherwise.
        'SECRET_KEY': env_str('SECRET_KEY'),
        'DATABASE_URL': env_str(
            'DATABASE_URL', 'sqlite:///' + os.path.join(instance_path, 'meetside.sqlite3')),
        'DATABASE_POOL_SIZE': env_int('DATABASE_POOL_SIZE', 8),
        'EXTENSION_ORIGINS': env_list('EXTENSION_ORIGINS', [EXTENSION_ORIGIN]),
        'PUBLIC_URL': env_str('PUBLIC_URL', 'http://127.0.0.1:5000'),
        # Accept an http PUBLIC_URL in production: only behind a trusted TLS-terminating proxy.
        'ALLOW_INSECURE_HTTP': env_bool('ALLOW_INSECURE_HTTP', False),
        'MAX_CONTENT_LENGTH': env_int('MAX_CONTENT_LENGTH', 256 * 1024),
        # Requests of one web process inside the app at once (server/admission.py; 0: no limit).
        'WEB_ACTIVE_REQUESTS': env_int('WEB_ACTIVE_REQUESTS', 0),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
        'TRUSTED_PROXIES': env_int('TRUSTED_PROXIES', 0),
        # Web sessions: signed out after this long without a request (each request renews it) ...
        'PERMANENT_SESSION_LIFETIME': datetime.timedelta(
            minutes=env_int('SESSION_IDLE_MINUTES', 12 * 60)),
        # ... and in any case this long after signing in.
        'SESSION_MAX_AGE': datetime.timedelta(hours=env_int('SESSION_MAX_AGE_HOURS', 7 * 24)),
        # Megabytes of encoded GET /meetings pages each worker process keeps (0: none).
        'MEETINGS_CACHE_MB': env_int('MEETINGS_CACHE_MB', 16),
        'TOKEN_ENCRYPTION_KEY': env_str('TOKEN_ENCRYPTION_KEY'),
        'REDIS_URL': env_str('REDIS_URL'),
        # The queue's name in Redis or the SQLite file: several deployments can share one Redis.
        'HUEY_NAME': env_str('HUEY_NAME', 'meetside'),
        'HUEY_SQLITE_PATH': env_str('HUEY_SQLITE_PATH', os.path.join(instance_path, 'huey.sqlite3')),
        'HUEY_IMMEDIATE': env_bool('HUEY_IMMEDIATE', False),
        # Anyone may create an account at /sign-up: on for the demo (./run), off otherwise.
        'SIGNUP_OPEN': env_bool('SIGNUP_OPEN', env_str('MEETSIDE_ENV', 'production') == 'demo'),
        # Outgoing mail (invites, password resets). No MAIL_SERVER: mails go to the log and to
        # MAIL_OUTBOX_DIR as .eml files, so the demo works offline.
        'MAIL_SERVER': env_str('MAIL_SERVER', ''),
        'MAIL_PORT': env_int('MAIL_PORT', 587),
        'MAIL_USE_TLS': env_bool('MAIL_USE_TLS', True),
        'MAIL_USERNAME': env_str('MAIL_USERNAME', ''),
        'MAIL_PASSWORD': env_str('MAIL_PASSWORD', ''),
        'MAIL_FROM': env_str('MAIL_FROM', 'Meetside <no-reply@meetside.invalid>'),
        'MAIL_OUTBOX_DIR': env_str('MAIL_OUTBOX_DIR', os.path.join(instance_path, 'outbox')),
        # B4 decision log rows older than this are pruned daily (each event keeps its newest).
        'SYNC_DECISION_RETENTION_DAYS': env_int('SYNC_DECISION_RETENTION_DAYS', 90),
        'GOOGLE_CLIENT_ID': env_str('GOOGLE_CLIENT_ID', ''),
        'GOOGLE_CLIENT_SECRET': env_str('GOOGLE_CLIENT_SECRET', ''),
        'GOOGLE_AUTH_URI': env_str('GOOGLE_AUTH_URI', 'https://accounts.google.com/o/oauth2/v2/auth'),
        'GOOGLE_TOKEN_URI': env_str('GOOGLE_TOKEN_URI', 'https://oauth2.googleapis.com/token'),
        'GOOGLE_USERINFO_URI': env_str('GOOGLE_USERINFO_URI', 'https://openidconnect.googleapis.com/v1/userinfo'),
        'GOOGLE_REVOKE_URI': env_str('GOOGLE_REVOKE_URI', 'https://oauth2.googleapis.com/revoke'),
        'GOOGLE_CALENDAR_API_ENDPOINT': env_str(
            'GOOGLE_CALENDAR_API_ENDPOINT', 'https://www.googleapis.com/calendar/v3/'),
        'MS_CLIENT_ID': env_str('MS_CLIENT_ID', ''),
        'MS_CLIENT_SECRET': env_str('MS_CLIENT_SECRET', ''),
        'MS_AUTHORITY': env_str('MS_AUTHORITY', 'https://login.microsoftonline.com/common'),
        'MS_GRAPH_ENDPOINT': env_str('MS_GRAPH_ENDPOINT', 'https://graph.microsoft.com/v1.0'),
        **env_tuning(),
    }
