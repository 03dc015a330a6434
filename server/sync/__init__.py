"""Calendar sync: pure rules, the engine, the runner, push channels and background jobs."""


def init_app(app):
    """Wire the sync layer: huey and its commands, webhooks, and the CRM-to-calendar hooks."""
    from server import tasks
    from server.services import outbox
    from server.web import webhooks
    tasks.init_app(app)
    outbox.subscribe()
    app.register_blueprint(webhooks.bp)
