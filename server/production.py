"""Start-up checks for a real deployment: refuse to serve with settings that are unsafe there.

Outside the demo (./run sets MEETSIDE_ENV=demo) and the tests (TESTING), a missing SECRET_KEY
would leave each host signing sessions with its own key, a missing TOKEN_ENCRYPTION_KEY would
disable calendar connections, and a plain-http PUBLIC_URL would send sign-in links, session
cookies and webhook secrets in clear text. ALLOW_INSECURE_HTTP=true accepts http when a trusted
proxy terminates TLS in front of an http PUBLIC_URL.
"""
import urllib.parse

ENVIRONMENTS = ('production', 'demo')


class ConfigurationError(RuntimeError):
    """The settings are unsafe for production; the message names each variable to fix."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__('Meetside refuses to start: ' + ' '.join(self.problems))


def enforced(config):
    """True when the production rules apply: neither the tests nor the demo."""
    return not config.get('TESTING') and config.get('MEETSIDE_ENV') != 'demo'


def problems(config):
    """Every production rule the settings break, each as one sentence naming the variable."""
    found = []
    env = config.get('MEETSIDE_ENV')
    if env not in ENVIRONMENTS:
        found.append(f'MEETSIDE_ENV is {env!r}; use one of {", ".join(ENVIRONMENTS)}.')
    if not config.get('SECRET_KEY'):
        found.append('SECRET_KEY is not set: give every web and worker process the same long '
                     'random value (python -c "import secrets; print(secrets.token_urlsafe(48))").')
    key_problem = encryption_key_problem(config.get('TOKEN_ENCRYPTION_KEY'))
    if key_problem:
        found.append(key_problem)
    url = config.get('PUBLIC_URL') or ''
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ('http', 'https') or not urllib.parse.urlsplit(url).netloc:
        found.append(f'PUBLIC_URL {url!r} is not an http(s) address (e.g. https://crm.example.com).')
    elif scheme == 'http' and not config.get('ALLOW_INSECURE_HTTP'):
        found.append(f'PUBLIC_URL {url!r} is not https: sign-in links, session cookies and webhook '
                     'secrets would travel in clear text. Use an https address, or set '
                     'ALLOW_INSECURE_HTTP=true if a trusted proxy terminates TLS in front of it.')
    return found


def encryption_key_problem(keys):
    """Why TOKEN_ENCRYPTION_KEY cannot encrypt calendar tokens, or None."""
    from server.services.crypto import TokenCipher
    from server.errors import ServiceError
    if not (keys or '').strip():
        return ('TOKEN_ENCRYPTION_KEY is not set: calendar tokens are only stored encrypted '
                '(python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())").')
    try:
        TokenCipher(keys)
    except ServiceError:
        return 'TOKEN_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes).'
    return None


def check(config):
    """Raise ConfigurationError when production rules apply and the settings break one."""
    if enforced(config):
        found = problems(config)
        if found:
            raise ConfigurationError(found)
