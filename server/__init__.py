"""Meetside: the CRM backend of the Gmail meeting assistant."""
import os

from flask import Flask


def create_app(config=None):
    """Create and configure the application (Flask's application-factory pattern)."""
    app = Flask(__name__, instance_relative_config=True)
    from server.json_provider import JSONProvider
    app.json = JSONProvider(app)
    os.makedirs(app.instance_path, exist_ok=True)

    from server import config as settings
    app.config.from_mapping(settings.from_environment(app.instance_path))
    if config is None:
        # The install's own settings file (./run writes its secrets there), as in Flask's tutorial.
        app.config.from_pyfile('config.py', silent=True)
    else:
        app.config.update(config)
    _check_settings(app, settings)
    proxies = int(app.config.get('TRUSTED_PROXIES') or 0)
    if proxies:
        # The client's address and scheme as the trusted proxies saw them (sign-in rate limits
        # count per client address); with none, the headers are ignored: anyone can send them.
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from server import auth, db, extensions, i18n
    db.init_app(app)
    extensions.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)

    from server.api import register_blueprints
    register_blueprints(extensions.api)
    from server.services import meeting_listing
    meeting_listing.init_app(app)

    from server import cli
    cli.init_app(app)

    from server.web import init_app as init_web
    init_web(app)

    from server.sync import init_app as init_sync
    init_sync(app)

    db.retry_views(app)  # last: every view, the API's and the pages', is registered by now
    slots = int(app.config.get('WEB_ACTIVE_REQUESTS') or 0)
    if slots:
        from server.admission import AdmissionGate
        app.wsgi_app = AdmissionGate(app.wsgi_app, slots, app.config['MAX_CONTENT_LENGTH'])
    return app


def _check_settings(app, settings):
    """Production start-up checks (server/production.py); the demo and tests get a local key.

    Under the flask command line the app still loads, so `flask doctor` can report what is
    wrong; `flask worker` refuses then, as gunicorn does by failing to load the app.
    """
    import click

    from server import production
    if not app.config.get('SECRET_KEY') and not production.enforced(app.config):
        app.config['SECRET_KEY'] = settings.install_secret(app.instance_path)
    try:
        production.check(app.config)
    except production.ConfigurationError as error:
        if click.get_current_context(silent=True) is None:
            raise
        app.extensions['meetside.configuration_error'] = error
