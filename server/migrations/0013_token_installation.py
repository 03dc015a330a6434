"""Remember which browser installation of the extension each API token was issued to.

Signing the extension in again replaces that installation's earlier token, and no other: a rep
with the extension on a desktop and a laptop (or in two Chrome profiles) stays signed in on
both. Tokens issued before this migration have none and are never replaced by one that has.
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    migrator.migrate(migrator.add_column(
        'api_token', 'installation', CharField(max_length=64, null=True)))  # noqa: F405


def down(migrator, db):
    migrator.migrate(migrator.drop_column('api_token', 'installation'))
