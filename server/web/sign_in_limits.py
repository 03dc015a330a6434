"""Rate limits on password sign-in: per account e-mail and per client address (flask-limiter).

Only refused attempts count (a 401), so a rep who types the password right is never slowed by
their own earlier successes; once a limit is reached every attempt is a 429 until its window
passes, right password or not. The counters live in Redis when REDIS_URL is set (shared by every
gunicorn worker), else in each process's memory.
"""
import hashlib
import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Per e-mail: what guessing one account's password may cost. Per address: one client trying
# many accounts. Both are "limits" strings; SIGN_IN_LIMIT_PER_* in the config replace them.
PER_EMAIL = '5 per minute;20 per hour'
PER_ADDRESS = '20 per minute;100 per hour'

limiter = Limiter(key_func=get_remote_address)


@limiter.request_filter
def _not_a_form():
    """The API is never limited here (it takes bearer tokens, not passwords): its requests skip
    the limiter's per-request search for limits, a tenth of a GET /people or brief (issue 10 §4)."""
    return request.path.startswith('/api/')


def _prefix():
    # Read per request rather than given to the Limiter: the Limiter outlives any one app.
    return current_app.config.get('SIGN_IN_LIMIT_KEY_PREFIX') or 'meetside-sign-in'


def email_key():
    """The limit's key for the e-mail typed: a digest, so the store holds no addresses."""
    email = (request.form.get('email') or '').strip().lower()
    return f"{_prefix()}:email:{hashlib.sha256(email.encode('utf-8', 'replace')).hexdigest()}"


def address_key():
    # The client's address: the peer's, or the X-Forwarded-For entry of the TRUSTED_PROXIES
    # nearest proxies (werkzeug's ProxyFix, set up in create_app); never a header anyone sends.
    return f'{_prefix()}:address:{get_remote_address() or ""}'


def per_email():
    return current_app.config.get('SIGN_IN_LIMIT_PER_EMAIL') or PER_EMAIL


def per_address():
    return current_app.config.get('SIGN_IN_LIMIT_PER_ADDRESS') or PER_ADDRESS


def refused(response):
    return response.status_code == 401


def limited(view):
    """Decorate the sign-in view with both limits (POST only: showing the form is free)."""
    view = limiter.limit(per_email, key_func=email_key, methods=['POST'], deduct_when=refused,
                         scope='sign-in-email')(view)
    return limiter.limit(per_address, key_func=address_key, methods=['POST'],
                         deduct_when=refused, scope='sign-in-address')(view)


def counted(response):
    return True


# Pages other than sign-in under the same limits (sign-up, forgotten password): endpoint ->
# a function that renders the page again with its 429 message (see sign_in._too_many_attempts).
PAGES = {}


def limited_form(scope, deduct_when=counted):
    """The same two limits on another form's POSTs, counted in their own ``scope``: every
    attempt by default (a sign-up or a reset request that succeeds still costs)."""
    def decorate(view):
        view = limiter.limit(per_email, key_func=email_key, methods=['POST'],
                             deduct_when=deduct_when, scope=f'{scope}-email')(view)
        return limiter.limit(per_address, key_func=address_key, methods=['POST'],
                             deduct_when=deduct_when, scope=f'{scope}-address')(view)
    return decorate


def minutes_to_wait():
    """3: the minutes until the limit this request broke lets attempts through again."""
    current = limiter.current_limit
    seconds = current.reset_at - time.time() if current is not None else 60
    return max(1, round(seconds / 60))


def init_app(app):
    app.config.setdefault('RATELIMIT_STORAGE_URI', app.config.get('REDIS_URL') or 'memory://')
    app.config.setdefault('RATELIMIT_HEADERS_ENABLED', True)
    # Redis down: count in this process's memory meanwhile rather than answer 500 to sign-ins.
    app.config.setdefault('RATELIMIT_IN_MEMORY_FALLBACK_ENABLED', True)
    limiter.init_app(app)
