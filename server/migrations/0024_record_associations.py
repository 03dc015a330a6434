"""Deals and tickets associated with contacts and companies (issues 10 and 13).

A contact's brief lists the deals and tickets they are part of, a meeting's prep each
company's open tickets, and the record pages associate them. A deal already has one company
(``deal.company``); a ticket had none.
"""
from peewee import *  # noqa: F403 (generated migration style)


def up(migrator, db):
    def table(name, **fields):
        meta = type('Meta', (), {'database': db, 'table_name': name})
        return type(name.title().replace('_', ''), (Model,), {'Meta': meta, **fields})

    contact, company = table('contact'), table('company')
    deal, ticket = table('deal'), table('ticket')
    links = []
    for name, left, right in (('deal_contact', ('deal', deal), ('contact', contact)),
                              ('ticket_contact', ('ticket', ticket), ('contact', contact)),
                              ('ticket_company', ('ticket', ticket), ('company', company))):
        model = table(name, **{left[0]: ForeignKeyField(left[1], on_delete='CASCADE'),
                               right[0]: ForeignKeyField(right[1], on_delete='CASCADE')})
        model._meta.indexes = (((left[0], right[0]), True), ((right[0], left[0]), False))
        links.append(model)
    db.create_tables(links, safe=True)


def down(migrator, db):
    for name in ('ticket_company', 'ticket_contact', 'deal_contact'):
        migrator.migrate(migrator.drop_table(name))
