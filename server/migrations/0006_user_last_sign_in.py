"""Record each user's last web sign-in: it makes a magic sign-in link single-use."""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('user', 'last_sign_in_at', DateTimeField(null=True)))  # noqa: F405


def down(migrator, db):
    migrator.migrate(migrator.drop_column('user', 'last_sign_in_at'))
