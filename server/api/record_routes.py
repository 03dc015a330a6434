"""The routes every CRM record kind shares: list/search, create, get, patch, delete, timeline."""
from flask import g
from flask.views import MethodView

from server.schemas.records import TimelineQuerySchema, TimelineSchema
from server.services import deal_changes, records


def _doc(text):
    """Set a view's docstring (its OpenAPI summary) after the other decorators."""
    def decorate(func):
        func.__doc__ = text
        return func
    return decorate


def register(blp, kind_name, schemas):
    """Add the record routes for ``kind_name`` ('contacts', ...) to the blueprint ``blp``.

    ``schemas`` is the kind's schema module, naming its schemas after the label (Contact...).
    """
    label = records.KINDS[kind_name].label
    schema, in_schema, patch_schema, query_schema, page_schema = (
        getattr(schemas, label + suffix) for suffix in ('Schema', 'InSchema', 'PatchSchema',
                                                         'QuerySchema', 'PageSchema'))
    plural = kind_name
    id_arg = label.lower() + '_id'

    class Collection(MethodView):
        @_doc(f'List and search {plural}; pages with cursor and limit.')
        @blp.arguments(query_schema, location='query')
        @blp.response(200, page_schema)
        def get(self, args):
            items, next_cursor = records.list_records(g.user, kind_name, **args)
            return {'items': items, 'next_cursor': next_cursor}

        @_doc(f'Create a {label.lower()}.')
        @blp.arguments(in_schema)
        @blp.response(201, schema)
        def post(self, data):
            return records.create_record(g.user, kind_name, data)

    class Item(MethodView):
        @_doc(f'Get one {label.lower()}.')
        @blp.response(200, schema)
        def get(self, **ids):
            return records.get_record(g.user, kind_name, ids[id_arg])

        @_doc(f'Change some fields of a {label.lower()}.')
        @blp.arguments(patch_schema)
        @blp.response(200, schema)
        def patch(self, data, **ids):
            return records.update_record(g.user, kind_name, ids[id_arg], data)

        @_doc(f'Delete a {label.lower()} and its meeting associations.')
        @blp.response(204)
        def delete(self, **ids):
            records.delete_record(g.user, kind_name, ids[id_arg])

    class Timeline(MethodView):
        @_doc(f"The meetings on a {label.lower()}'s timeline, newest first, with notes (R8, R20).")
        @blp.arguments(TimelineQuerySchema, location='query')
        @blp.response(200, TimelineSchema)
        def get(self, args, **ids):
            record, items, next_cursor = records.timeline(g.user, kind_name, ids[id_arg], **args)
            body = {'record_id': record.id, 'items': items, 'next_cursor': next_cursor}
            if kind_name == 'deals':  # stage and amount changes, with their meetings (issue 11)
                body['changes'] = deal_changes.for_deal(record.id)
            return body

    blp.route(f'/{plural}', endpoint=plural)(Collection)
    blp.route(f'/{plural}/<int:{id_arg}>', endpoint=label.lower())(Item)
    blp.route(f'/{plural}/<int:{id_arg}>/timeline', endpoint=label.lower() + '_timeline')(Timeline)
