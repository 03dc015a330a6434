"""Push notifications from the calendar providers: verify, then enqueue a sync of that user.

Not under /api/v1 and without a bearer token: each notification proves itself with the
channel's secret (Google's X-Goog-Channel-Token, Graph's clientState). Anyone can post here, so
the work one request can cause is bounded: at most MAX_OUTLOOK_NOTIFICATIONS looked up, in one
query, and a replayed notification (the same Google message number, the same Outlook content)
queues nothing.
"""
import logging

from flask import Blueprint, Response, request

from server.sync import channels, replays

log = logging.getLogger(__name__)
bp = Blueprint('webhooks', __name__)

# Graph batches the notifications due to one notification URL into one POST; for one user's
# primary-calendar subscription per user that is a handful at a time. 100 leaves room for a
# busy account, and a batch is one sync per user however long it is: the rest are ignored
# (answered 202, so Graph does not retry them), and anything they reported is read by the
# sync the first 100 queue, or by the next poll.
MAX_OUTLOOK_NOTIFICATIONS = 100
MAX_MESSAGE_NUMBER = 2 ** 63 - 1


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
    number = _message_number(request.headers.get('X-Goog-Message-Number'))
    if number is not None and not channels.accept_message_number(connection, number):
        return Response(status=200)  # a replay: handled already (200, so Google does not retry)
    if request.headers.get('X-Goog-Resource-State') != 'sync':
        # 'sync' only confirms a new channel; 'exists'/'not_exists' mean something changed.
        _enqueue([connection.user_id])
    return Response(status=200)


def _message_number(header):
    """Google's X-Goog-Message-Number as an int, or None if absent or not a number."""
    if not header or not header.isdigit() or len(header) > 19:
        return None
    number = int(header)
    return number if number <= MAX_MESSAGE_NUMBER else None


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
    if len(notes) > MAX_OUTLOOK_NOTIFICATIONS:
        log.warning('Outlook webhook: %d notifications in one request; only the first %d read',
                    len(notes), MAX_OUTLOOK_NOTIFICATIONS)
        notes = notes[:MAX_OUTLOOK_NOTIFICATIONS]
    notes = [note for note in notes if isinstance(note, dict)]
    ids = [str(note.get('subscriptionId') or '') for note in notes]
    found = channels.find_many('outlook', ids)
    verified, unknown = {}, 0  # connection id -> (connection, fingerprints)
    for note, subscription_id in zip(notes, ids):
        connection = found.get(subscription_id)
        if connection is None:
            unknown += 1
        elif channels.token_matches(connection, str(note.get('clientState') or '')):
            entry = verified.setdefault(connection.id, (connection, []))
            entry[1].append(replays.fingerprint(note))
    if not verified:
        status = 404 if unknown and unknown == len(notes) else 403
        return Response('No verifiable notification.', status, mimetype='text/plain')
    # Only notifications that verify are remembered: nobody without the secret fills the table.
    _enqueue([connection.user_id for connection, fingerprints in verified.values()
              if replays.claim(connection, fingerprints)])
    return Response(status=202)
