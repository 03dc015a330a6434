"""Push notifications from the calendar providers: verify, then enqueue a sync of that user.

Not under /api/v1 and without a bearer token: each notification proves itself with the
channel's secret (Google's X-Goog-Channel-Token, Graph's clientState).
"""
from flask import Blueprint, Response, request

from server.sync import channels

bp = Blueprint('webhooks', __name__)


def _enqueue(user_ids):
    from server import tasks
    for user_id in sorted(set(user_ids)):
        tasks.sync_user(user_id)


@bp.post('/webhooks/google')
def google():
    """A Google Calendar watch notification (events changed on the user's primary calendar)."""
    connection = channels.find('google', request.headers.get('X-Goog-Channel-ID', ''))
    if connection is None:
        return Response('Unknown channel.', 404, mimetype='text/plain')
    if not channels.token_matches(connection, request.headers.get('X-Goog-Channel-Token', '')):
        return Response('Invalid channel token.', 403, mimetype='text/plain')
    if request.headers.get('X-Goog-Resource-State') != 'sync':
        # 'sync' only confirms a new channel; 'exists'/'not_exists' mean something changed.
        _enqueue([connection.user_id])
    return Response(status=200)


@bp.post('/webhooks/outlook')
def outlook():
    """A Microsoft Graph change notification, or the validation handshake of a subscription."""
    token = request.args.get('validationToken')
    if token is not None:
        # Graph checks the endpoint by expecting its token back verbatim, as plain text; the
        # text is anyone's to choose, so browsers must not sniff it into a page of our origin.
        return Response(token, 200, mimetype='text/plain',
                        headers={'X-Content-Type-Options': 'nosniff'})
    body = request.get_json(silent=True)
    notes = body.get('value') if isinstance(body, dict) else None
    if not isinstance(notes, list):
        return Response('Expected a JSON object with a "value" list.', 400, mimetype='text/plain')
    users, unknown = [], 0
    for note in notes:
        if not isinstance(note, dict):
            continue
        connection = channels.find('outlook', str(note.get('subscriptionId') or ''))
        if connection is None:
            unknown += 1
        elif channels.token_matches(connection, str(note.get('clientState') or '')):
            users.append(connection.user_id)
    if not users:
        status = 404 if unknown and unknown == len(notes) else 403
        return Response('No verifiable notification.', status, mimetype='text/plain')
    _enqueue(users)
    return Response(status=202)
