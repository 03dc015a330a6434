"""CRM records: contacts, companies, deals and tickets."""
from decimal import Decimal

from peewee import CharField, DateTimeField, DecimalField, ForeignKeyField, TextField

from server.models.account import Account, User
from server.models.base import BaseModel, utcnow


class Company(BaseModel):
    account = ForeignKeyField(Account, on_delete='CASCADE')
    name = CharField(max_length=200)
    domain = CharField(max_length=253, default='')  # lower-case
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('account', 'name'), False), (('account', 'domain'), False))


class Contact(BaseModel):
    account = ForeignKeyField(Account, on_delete='CASCADE')
    # Lower-cased on write, so equality is the case-insensitive match R11 asks for.
    email = CharField(max_length=254)
    first_name = CharField(max_length=100, default='')
    last_name = CharField(max_length=100, default='')
    phone = CharField(max_length=50, default='')
    company = ForeignKeyField(Company, null=True, backref='contacts', on_delete='SET NULL')
    job_title = CharField(max_length=200, default='')
    owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('account', 'email'), True), (('account', 'last_name', 'first_name'), False))

    @property
    def name(self):
        return contact_name(self.first_name, self.last_name, self.email)


def contact_name(first_name, last_name, email):
    """A contact's shown name: first and last name, else the e-mail."""
    # Written out rather than ' '.join(generator): a meetings page names up to 100 contacts.
    if first_name and last_name:
        return f'{first_name} {last_name}'
    return first_name or last_name or email


class Deal(BaseModel):
    account = ForeignKeyField(Account, on_delete='CASCADE')
    name = CharField(max_length=200)
    stage = CharField(max_length=50, default='appointment_scheduled')
    amount = DecimalField(max_digits=14, decimal_places=2, default=Decimal('0'))
    company = ForeignKeyField(Company, null=True, on_delete='SET NULL')
    owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('account', 'name'), False),)


class Ticket(BaseModel):
    account = ForeignKeyField(Account, on_delete='CASCADE')
    subject = CharField(max_length=300)
    status = CharField(max_length=30, default='new')
    description = TextField(default='')
    owner = ForeignKeyField(User, null=True, on_delete='SET NULL')
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('account', 'subject'), False),)


class DealContact(BaseModel):
    """A contact involved in a deal (a contact's brief lists their open deals)."""
    deal = ForeignKeyField(Deal, on_delete='CASCADE')
    contact = ForeignKeyField(Contact, on_delete='CASCADE')

    class Meta:
        indexes = ((('deal', 'contact'), True), (('contact', 'deal'), False))


class TicketContact(BaseModel):
    """A contact a ticket is about or from."""
    ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
    contact = ForeignKeyField(Contact, on_delete='CASCADE')

    class Meta:
        indexes = ((('ticket', 'contact'), True), (('contact', 'ticket'), False))


class TicketCompany(BaseModel):
    """A company a ticket belongs to (a meeting's prep lists each company's open tickets)."""
    ticket = ForeignKeyField(Ticket, on_delete='CASCADE')
    company = ForeignKeyField(Company, on_delete='CASCADE')

    class Meta:
        indexes = ((('ticket', 'company'), True), (('company', 'ticket'), False))
