"""After the call (issue 11 §1, §3, §4): meeting outcome and type, the account's meeting
types, deal changes made from a meeting, and when a note was last edited.

``meeting.outcome`` is one of scheduled, completed, rescheduled, no_show, canceled;
``meeting.meeting_type`` one of the account's ``meeting_types`` (a JSON list) or ''.
``deal_change`` keeps each stage or amount change of a deal with the meeting it was made
from, for the deal's timeline. ``note.edited_at`` marks a note as edited.
"""
from peewee import *

DEFAULT_TYPES = '["Discovery", "Demo", "Follow-up"]'


def up(migrator, db):
    # Plain ALTERs: peewee's SQLite add_column rebuilds the table for NOT NULL, which the
    # list-version triggers (0010) do not survive. Both databases accept these.
    db.execute_sql("ALTER TABLE \"meeting\" ADD COLUMN outcome VARCHAR(20) NOT NULL "
                   "DEFAULT 'scheduled'")
    db.execute_sql("ALTER TABLE \"meeting\" ADD COLUMN meeting_type VARCHAR(100) NOT NULL "
                   "DEFAULT ''")
    # A cancelled occurrence synced before outcomes existed was cancelled in the calendar.
    db.execute_sql("UPDATE \"meeting\" SET outcome = 'canceled' WHERE status = 'cancelled'")
    db.execute_sql("ALTER TABLE \"account\" ADD COLUMN meeting_types TEXT NOT NULL "
                   f"DEFAULT '{DEFAULT_TYPES}'")
    db.execute_sql('ALTER TABLE "note" ADD COLUMN edited_at TIMESTAMP NULL')

    def table(name, **fields):
        meta = type('Meta', (), {'database': db, 'table_name': name})
        return type(name.title().replace('_', ''), (Model,), {'Meta': meta, **fields})

    account, user = table('account'), table('user')
    deal, meeting = table('deal'), table('meeting')
    change = table(
        'deal_change',
        account=ForeignKeyField(account, on_delete='CASCADE'),
        deal=ForeignKeyField(deal, on_delete='CASCADE', index=False),
        user=ForeignKeyField(user, null=True, on_delete='SET NULL'),
        meeting=ForeignKeyField(meeting, null=True, on_delete='SET NULL'),
        old_stage=CharField(max_length=50, default=''),
        new_stage=CharField(max_length=50, default=''),
        old_amount=DecimalField(max_digits=14, decimal_places=2, null=True),
        new_amount=DecimalField(max_digits=14, decimal_places=2, null=True),
        created_at=DateTimeField())
    change._meta.indexes = ((('deal', 'created_at'), False),)
    db.create_tables([change], safe=True)


def down(migrator, db):
    migrator.migrate(migrator.drop_table('deal_change'),
                     migrator.drop_column('note', 'edited_at'),
                     migrator.drop_column('account', 'meeting_types'),
                     migrator.drop_column('meeting', 'meeting_type'),
                     migrator.drop_column('meeting', 'outcome'))
