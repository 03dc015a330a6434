"""Account settings: name and the domains that mark attendees as internal (R12)."""
import json

from server.errors import Forbidden
from server.models import Account
from server.translatable import N_


def update(user, changes):
    """Change the caller's account; only admins may."""
    if user.role != 'admin':
        raise Forbidden(N_('Only an admin can change the account.'))
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


def check_settings(form):
    """Settings › Account's form {name, website_domain, connected_domains (one per line or
    comma-separated)} through the API's AccountPatchSchema, plus no repeats; (data, errors)."""
    from marshmallow import ValidationError

    from server.schemas.account import AccountPatchSchema
    text = form.get('connected_domains') if isinstance(form.get('connected_domains'), str) else ''
    listed = [d.strip() for d in text.replace(',', '\n').splitlines() if d.strip()]
    raw = {'name': (form.get('name') or '').strip() if isinstance(form.get('name'), str) else '',
           'website_domain': form.get('website_domain') if isinstance(
               form.get('website_domain'), str) else '',
           'connected_domains': listed}
    errors = {}
    try:
        data = AccountPatchSchema().load(raw)
    except ValidationError as error:
        for field, problems in error.messages.items():
            if isinstance(problems, dict):  # one list entry per bad domain
                problems = [f'{listed[i]}: {p}' for i, ps in sorted(problems.items())
                            for p in (ps if isinstance(ps, list) else [ps])
                            if isinstance(i, int) and i < len(listed)]
            errors[field] = [p if p != 'Missing data for required field.' else
                             N_('This field is required.') for p in problems]
        return None, errors
    seen, repeated = {data['website_domain']} - {''}, []
    for domain in data['connected_domains']:
        if domain in seen:
            repeated.append(domain)
        seen.add(domain)
    if repeated:
        return None, {'connected_domains': [
            f'{d} is listed twice (or is the website domain).' for d in dict.fromkeys(repeated)]}
    return data, {}


def save_settings(user, form):
    """Validate and save Settings › Account; the next syncs use the new domains (R12)."""
    from server.errors import ValidationFailed
    from server.models import utcnow
    if user.role != 'admin':
        raise Forbidden(N_('Only an admin can change the account.'))
    data, errors = check_settings(form)
    if errors:
        raise ValidationFailed(N_('Check the highlighted fields.'), errors)
    from server.db import write_transaction
    with write_transaction():
        update(user, data)
        Account.update(domains_checked_at=utcnow()).where(Account.id == user.account_id).execute()
    return Account.get_by_id(user.account_id)
