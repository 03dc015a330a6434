"""Invites to join an account and password-reset links (issue 13 §1).

Both keep only a sha256 of their link's token: the link itself is only ever in the e-mail.
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    def table(name, **fields):
        meta = type('Meta', (), {'database': db, 'table_name': name})
        return type(name.title().replace('_', ''), (Model,), {'Meta': meta, **fields})  # noqa: F405

    account, user = table('account'), table('user')
    invite = table(
        'invite',
        account=ForeignKeyField(account, on_delete='CASCADE'),  # noqa: F405
        email=CharField(max_length=254, index=True),  # noqa: F405
        role=CharField(max_length=20, default='member'),  # noqa: F405
        invited_by=ForeignKeyField(user, null=True, on_delete='SET NULL', backref='+'),  # noqa: F405
        token_hash=CharField(max_length=64, unique=True),  # noqa: F405
        created_at=DateTimeField(),  # noqa: F405
        expires_at=DateTimeField(),  # noqa: F405
        accepted_at=DateTimeField(null=True),  # noqa: F405
        accepted_user=ForeignKeyField(user, null=True, on_delete='SET NULL', backref='+'),  # noqa: F405
        revoked_at=DateTimeField(null=True))  # noqa: F405
    reset = table(
        'password_reset',
        user=ForeignKeyField(user, on_delete='CASCADE'),  # noqa: F405
        token_hash=CharField(max_length=64, unique=True),  # noqa: F405
        created_at=DateTimeField(),  # noqa: F405
        expires_at=DateTimeField(),  # noqa: F405
        used_at=DateTimeField(null=True))  # noqa: F405
    db.create_tables([invite, reset], safe=True)


def down(migrator, db):
    migrator.migrate(migrator.drop_table('password_reset'), migrator.drop_table('invite'))
