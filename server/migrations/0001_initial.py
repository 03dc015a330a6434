"""The initial schema: accounts, CRM records, meetings and notes (frozen copies of the models)."""
import decimal

from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    class Account(Model):
        name = CharField(max_length=200)
        website_domain = CharField(max_length=253, default='')
        connected_domains = TextField(default='')
        calendar_provider = CharField(max_length=20, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'account'
    db.create_tables([Account])

    class User(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=200, default='')
        role = CharField(max_length=20, default='member')
        password_hash = CharField(default='')
        time_zone = CharField(max_length=64, default='UTC')
        is_active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class ApiToken(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        name = CharField(max_length=100, default='')
        token_hash = CharField(unique=True, max_length=64)
        prefix = CharField(max_length=12)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'api_token'
    db.create_tables([ApiToken])

    class Company(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        name = CharField(max_length=200)
        domain = CharField(max_length=253, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'company'
            indexes = ((('account', 'name'), False), (('account', 'domain'), False))
    db.create_tables([Company])

    class Contact(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        email = CharField(max_length=254)
        first_name = CharField(max_length=100, default='')
        last_name = CharField(max_length=100, default='')
        phone = CharField(max_length=50, default='')
        company = ForeignKeyField(Company, null=True, on_delete='SET NULL')
        job_title = CharField(max_length=200, default='')
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contact'
            indexes = ((('account', 'email'), True), (('account', 'last_name', 'first_name'), False))
    db.create_tables([Contact])

    class Deal(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        name = CharField(max_length=200)
        stage = CharField(max_length=50, default='appointment_scheduled')
        amount = DecimalField(max_digits=14, decimal_places=2, default=decimal.Decimal('0'))
        company = ForeignKeyField(Company, null=True, on_delete='SET NULL')
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'deal'
            indexes = ((('account', 'name'), False),)
    db.create_tables([Deal])

    class Meeting(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        title = CharField(max_length=500, default='')
        start = DateTimeField()
        end = DateTimeField()
        description = TextField(default='')
        location = CharField(max_length=500, default='')
        video_link = CharField(max_length=2000, default='')
        calendar_link = CharField(max_length=2000, default='')
        calendar_provider = CharField(max_length=20, default='')
        provider_event_id = CharField(null=True, max_length=1024)
        organizer_email = CharField(max_length=254, default='')
        status = CharField(max_length=20, default='scheduled')
        source = CharField(max_length=20, default='crm')
        frozen = BooleanField(default=False)
        started_at = DateTimeField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting'
            indexes = ((('user', 'start', 'id'), False), (('account', 'start'), False), (('user', 'calendar_provider', 'provider_event_id'), True))
    db.create_tables([Meeting])

    class MeetingAttendee(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        account = ForeignKeyField(Account, on_delete='CASCADE')
        email = CharField(max_length=254)
        display_name = CharField(max_length=200, default='')
        response_status = CharField(max_length=20, default='needsAction')
        is_organizer = BooleanField(default=False)
        contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'meeting_attendee'
            indexes = ((('meeting', 'email'), True), (('account', 'email'), False))
    db.create_tables([MeetingAttendee])

    class MeetingCompany(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        company = ForeignKeyField(Company, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'meeting_company'
            indexes = ((('meeting', 'company'), True), (('company', 'meeting'), False))
    db.create_tables([MeetingCompany])

    class MeetingContact(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        contact = ForeignKeyField(Contact, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'meeting_contact'
            indexes = ((('meeting', 'contact'), True), (('contact', 'meeting'), False))
    db.create_tables([MeetingContact])

    class MeetingDeal(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        deal = ForeignKeyField(Deal, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'meeting_deal'
            indexes = ((('meeting', 'deal'), True), (('deal', 'meeting'), False))
    db.create_tables([MeetingDeal])

    class Ticket(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        subject = CharField(max_length=300)
        status = CharField(max_length=30, default='new')
        description = TextField(default='')
        owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'ticket'
            indexes = ((('account', 'subject'), False),)
    db.create_tables([Ticket])

    class MeetingTicket(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'meeting_ticket'
            indexes = ((('meeting', 'ticket'), True), (('ticket', 'meeting'), False))
    db.create_tables([MeetingTicket])

    class Note(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        author = ForeignKeyField(User, on_delete='CASCADE')
        body = TextField()
        client_id = CharField(null=True, max_length=64)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'note'
            indexes = ((('author', 'client_id'), True), (('meeting', 'created_at'), False))
    db.create_tables([Note])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('note'))
    migrator.migrate(migrator.drop_table('meeting_ticket'))
    migrator.migrate(migrator.drop_table('ticket'))
    migrator.migrate(migrator.drop_table('meeting_deal'))
    migrator.migrate(migrator.drop_table('meeting_contact'))
    migrator.migrate(migrator.drop_table('meeting_company'))
    migrator.migrate(migrator.drop_table('meeting_attendee'))
    migrator.migrate(migrator.drop_table('meeting'))
    migrator.migrate(migrator.drop_table('deal'))
    migrator.migrate(migrator.drop_table('contact'))
    migrator.migrate(migrator.drop_table('company'))
    migrator.migrate(migrator.drop_table('api_token'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('account'))
