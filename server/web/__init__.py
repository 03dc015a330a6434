"""Server-rendered pages: sign-in, records with their timelines, settings."""
from flask import Blueprint

bp = Blueprint('web', __name__, template_folder='templates', static_folder='static',
               static_url_path='/static')


def init_app(app):
    from server.web import pages  # noqa: F401 (registers the routes)
    app.register_blueprint(bp)
