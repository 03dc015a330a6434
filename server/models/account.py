"""Accounts (one organisation's CRM), their users and API tokens."""
import json

from peewee import (SQL, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField,
                    TextField)

from server.models.base import BaseModel, utcnow

DEFAULT_MEETING_TYPES = '["Discovery", "Demo", "Follow-up"]'


class Account(BaseModel):
    name = CharField(max_length=200)
    website_domain = CharField(max_length=253, default='')
    # Comma-separated lower-case domains that also belong to the organisation (R12).
    connected_domains = TextField(default='')
    # The one calendar provider installed for this account (R3): '', 'google' or 'outlook'.
    calendar_provider = CharField(max_length=20, default='')
    created_at = DateTimeField(default=utcnow)
    # Moved by database triggers when a contact, company or user of the account changes
    # (migration 0010): part of what tells a cached meetings list is still current.
    records_version = IntegerField(default=0, constraints=[SQL('DEFAULT 0')])
    # When an admin last saved Settings › Account: the first-run checklist's "check your
    # domains" (migration 0030).
    domains_checked_at = DateTimeField(null=True)
    # The meeting types its users pick from (a JSON list of names; admins edit it).
    meeting_types = TextField(default=DEFAULT_MEETING_TYPES)

    @property
    def meeting_type_list(self):
        try:
            names = json.loads(self.meeting_types or '[]')
        except ValueError:
            return []
        return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []

    @property
    def domains(self):
        """Every lower-case domain that marks an attendee as internal (R12)."""
        found = [self.website_domain.lower()] if self.website_domain else []
        found += [d.strip().lower() for d in self.connected_domains.split(',') if d.strip()]
        return found


class User(BaseModel):
    account = ForeignKeyField(Account, backref='users', on_delete='CASCADE')
    email = CharField(max_length=254, unique=True)  # stored lower-case
    name = CharField(max_length=200, default='')
    role = CharField(max_length=20, default='member')  # 'admin' | 'member'
    password_hash = CharField(max_length=255, default='')
    time_zone = CharField(max_length=64, default='UTC')  # an IANA name (B5)
    # 'calendar': each full sync takes the connected calendar's zone; 'user': the user chose
    # it (Settings › Profile, PATCH /me) and syncs leave it alone (migration 0023).
    time_zone_source = CharField(max_length=10, default='calendar')
    language = CharField(max_length=10, default='en')  # 'en' | 'zh-TW', for the translations
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    # Moves on every web sign-in, which spends any magic link issued before it.
    last_sign_in_at = DateTimeField(null=True)
    # Moved by database triggers when one of the user's meetings or its attendees changes
    # (migration 0010): a cached meetings list of an older version is stale.
    meetings_version = IntegerField(default=0, constraints=[SQL('DEFAULT 0')])
    # Every web session carries the version it started under; Sign out moves it, which ends
    # that session (and any copy of its cookie) on the server (migration 0016).
    session_version = IntegerField(default=0, constraints=[SQL('DEFAULT 0')])


class ApiToken(BaseModel):
    account = ForeignKeyField(Account, on_delete='CASCADE')
    user = ForeignKeyField(User, backref='tokens', on_delete='CASCADE')
    name = CharField(max_length=100, default='')
    # sha256 hex of the token; the plaintext is shown once and never stored.
    token_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=12)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)
    # The extension's own random id for the browser profile it runs in (migration 0013).
    installation = CharField(max_length=64, null=True)


class Invite(BaseModel):
    """An admin's invitation to join the account (issue 13 §1): single-use, expiring, revocable."""
    account = ForeignKeyField(Account, on_delete='CASCADE')
    email = CharField(max_length=254)  # lower-case
    role = CharField(max_length=20, default='member')
    invited_by = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    # sha256 hex of the link's token; the link itself is only ever in the e-mail.
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    accepted_at = DateTimeField(null=True)
    accepted_user = ForeignKeyField(User, null=True, on_delete='SET NULL', backref='+')
    revoked_at = DateTimeField(null=True)


class PasswordReset(BaseModel):
    """A password-reset link sent by e-mail: single-use, one hour (issue 13 §1)."""
    user = ForeignKeyField(User, on_delete='CASCADE')
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
