"""Calendar sync: pure rules, the engine, the runner, push channels and background jobs."""
_subscribed = False


def init_app(app):
    """Wire the sync layer: huey and its commands, webhooks, the decision log section, and the
    hooks that follow CRM meetings (outbox) and calendar connections (first sync)."""
    global _subscribed
    from server import tasks
    from server.services import outbox
    from server.services.connections import connection_hooks
    from server.web import decision_log, webhooks
    tasks.init_app(app)
    app.register_blueprint(webhooks.bp)
    decision_log.init_app(app)
    if not _subscribed:  # hooks are process-wide; create_app may run many times
        outbox.subscribe()
        connection_hooks.on('connected', after_commit=True)(tasks.on_connected)
        _subscribed = True
