"""Account settings: name and the domains that mark attendees as internal (R12)."""
import json

from server.errors import Forbidden
from server.models import Account


def update(user, changes):
    """Change the caller's account; only admins may."""
    if user.role != 'admin':
        raise Forbidden('Only an admin can change the account.')
    if 'connected_domains' in changes:
        # Keep the order given, drop blanks and repeats: stored comma-separated (see Account).
        domains = list(dict.fromkeys(d for d in changes['connected_domains'] if d))
        changes = dict(changes, connected_domains=','.join(domains))
    if 'meeting_types' in changes:
        # Stored as a JSON list; meetings keep a type removed here (it is their history).
        names = [n.strip() for n in changes['meeting_types'] if n.strip()]
        changes = dict(changes, meeting_types=json.dumps(names, ensure_ascii=False))
    if changes:
        Account.update(**changes).where(Account.id == user.account_id).execute()
    return Account.get_by_id(user.account_id)
