"""Where a user's time zone came from, and the language they chose (B5, issue 9 §1).

Each full sync takes the time zone from the connected calendar (Google's `timezone` setting,
Outlook's mailbox settings). A zone the user picked in Settings › Profile (or PATCH /me) is
theirs: ``time_zone_source`` becomes 'user' and later syncs leave it alone. Existing users
keep what they have, marked 'calendar' so the next full sync corrects the UTC default.
``language`` is stored for the coming translations ('en' | 'zh-TW').
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    # Plain ALTERs: peewee's SQLite add_column rebuilds the table for NOT NULL, which the
    # list-version triggers on "user" (0010) do not survive. Both databases accept these.
    db.execute_sql('ALTER TABLE "user" ADD COLUMN time_zone_source VARCHAR(10) NOT NULL '
                   "DEFAULT 'calendar'")
    db.execute_sql("ALTER TABLE \"user\" ADD COLUMN language VARCHAR(10) NOT NULL DEFAULT 'en'")


def down(migrator, db):
    migrator.migrate(migrator.drop_column('user', 'language'),
                     migrator.drop_column('user', 'time_zone_source'))
