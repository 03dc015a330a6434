"""Sign-up (issue 13 §1): a new account with its first user as admin, and its first-run list."""
from peewee import IntegrityError
from werkzeug.security import generate_password_hash

from server.db import write_transaction
from server.errors import ValidationFailed
from server.models import Account, ApiToken, CalendarConnection, Invite, User
from server.services import signup_rules
from server.translatable import N_

LIVE = ('connected', 'needs_reconnect')
TAKEN = N_('This e-mail already has a Meetside account: sign in instead, or reset the '
         'password.')
EXTENSION_TOKEN_NAME = 'Chrome extension'  # server/web/extension_auth.py names its tokens so


def check(form):
    """Validate the sign-up form {name, email, password}; return (data, errors)."""
    errors = {}
    name, errors['name'] = signup_rules.clean_name(form.get('name'))
    email, errors['email'] = signup_rules.clean_email(form.get('email'))
    errors['password'] = signup_rules.password_errors(form.get('password'))
    errors = {field: problems for field, problems in errors.items() if problems}
    return {'name': name, 'email': email, 'password': form.get('password')}, errors


def create_account(form):
    """A new account named after the e-mail's domain, its website domain that domain (but for
    free mail), the new user its admin. Raises ValidationFailed with field errors."""
    data, errors = check(form)
    if errors:
        raise ValidationFailed(N_('Check the highlighted fields.'), errors)
    email = data['email']
    password_hash = generate_password_hash(data['password'])  # slow: before the write lock
    taken = ValidationFailed(N_('Check the highlighted fields.'), {'email': [TAKEN]})
    try:
        with write_transaction():
            if User.select().where(User.email == email).exists():
                raise taken
            account = Account.create(name=signup_rules.account_name_for(email, data['name']),
                                     website_domain=signup_rules.website_domain_for(email))
            return User.create(account=account, email=email, name=data['name'], role='admin',
                               password_hash=password_hash)
    except IntegrityError:
        raise taken from None  # the same e-mail signed up at the same moment (PostgreSQL)


def checklist(user):
    """The first-run checklist: [(key, done)] in order. Account items only for admins."""
    account = Account.get_by_id(user.account_id)
    calendar = (CalendarConnection.select()
                .where(CalendarConnection.user == user.id, CalendarConnection.status.in_(LIVE))
                .exists())
    extension = (ApiToken.select()
                 .where(ApiToken.user == user.id,
                        ApiToken.installation.is_null(False)
                        | ApiToken.name.startswith(EXTENSION_TOKEN_NAME))
                 .exists())
    items = [('calendar', calendar)]
    if user.role == 'admin':
        team = (Invite.select().where(Invite.account == user.account_id).exists()
                or User.select().where(User.account == user.account_id,
                                       User.id != user.id).exists())
        items += [('domains', account.domains_checked_at is not None), ('team', team)]
    items.append(('extension', extension))
    return items
