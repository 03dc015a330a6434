"""Account isolation: every /api/v1 route with an id, every method, with a token of another account.

The routes come from the app's URL map, so endpoints added later are covered without editing
this file; an id argument it cannot resolve fails loudly instead of being skipped.
"""
import datetime
import re

import pytest

from server.auth import PUBLIC_ATTR
from server.db import db
from server.models import (
    ALL_MODELS,
    CalendarConnection,
    CalendarOutbox,
    Contact,
    Meeting,
    MeetingAttendee,
    SyncDecision,
    Task,
    User,
    utcnow,
)
from server.services import demo, tokens
from tests.clock import iso_ahead

# Path arguments that are not ids, with a value that would be valid for the owner.
PLAIN_VALUES = {'provider': 'google'}
MIGRATION_TABLE = 'schema_migration'


def _is_public(app, rule):
    view = app.view_functions[rule.endpoint]
    return getattr(view, PUBLIC_ATTR, False) or getattr(
        getattr(view, 'view_class', None), PUBLIC_ATTR, False)


def id_routes(app):
    """(rule, method) for every token-protected /api/v1 route that takes a path argument."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith('/api/v1') or not rule.arguments or _is_public(app, rule):
            continue
        for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
            found.append((rule, method))
    return found


def _model_for(argument):
    """``decision_id`` -> the model whose table is 'decision' or ends in '_decision'."""
    name = argument[:-len('_id')]
    for model in ALL_MODELS:
        table = model._meta.table_name
        if (table == name or table.endswith('_' + name)) and 'account' in model._meta.fields:
            return model
    return None


def owned_value(account, argument, known):
    if argument in known:
        return known[argument]
    if argument in PLAIN_VALUES:
        return PLAIN_VALUES[argument]
    model = _model_for(argument) if argument.endswith('_id') else None
    row = model and model.select().where(model.account == account.id).first()
    if row is None:
        pytest.fail(f'The access matrix cannot find a row for path argument <{argument}>: '
                    'add one to the owner account in tests/api/test_access_matrix.py.')
    return row.id


def _resolve(spec, schema):
    while schema and '$ref' in schema:
        schema = spec['components']['schemas'][schema['$ref'].rsplit('/', 1)[-1]]
    return schema or {}


def sample(spec, schema):
    """A minimal body that passes the schema, so the view itself (not validation) answers."""
    schema = _resolve(spec, schema)
    kind = schema.get('type', 'object')
    if schema.get('enum'):
        return schema['enum'][0]
    if kind == 'object':
        names = list(schema.get('required', []))
        # A PATCH body names at least one field (minProperties): the first ones optional.
        names += [n for n in schema.get('properties', {}) if n not in names][
            :max(0, schema.get('minProperties', 0) - len(names))]
        return {name: sample(spec, schema['properties'][name]) for name in names}
    if kind == 'array':
        return [sample(spec, schema.get('items'))] * schema.get('minItems', 0)
    if kind == 'integer' or kind == 'number':
        return max(1, schema.get('minimum', 1))
    if kind == 'boolean':
        return False
    formats = {'email': 'someone@example.com', 'date-time': iso_ahead(days=1, hour=10),
               'date': iso_ahead(days=1)[:10], 'time': '10:00',
               'uri': 'https://example.com/', 'url': 'https://example.com/'}
    return formats.get(schema.get('format'), 'x' * max(8, schema.get('minLength', 1)))


def request_body(spec, rule, method):
    path = re.sub(r'<(?:[^:<>]+:)?([^<>]+)>', r'{\1}', rule.rule)
    operation = spec['paths'].get(path, {}).get(method.lower(), {})
    content = operation.get('requestBody', {}).get('content', {})
    schema = content.get('application/json', {}).get('schema')
    return None if schema is None else sample(spec, schema)


def snapshot():
    """Every row of every table (but a token's last-used time), to prove nothing changed."""
    state = {}
    with db.connection_context():
        for table in sorted(db.get_tables()):
            if table == MIGRATION_TABLE:
                continue
            cursor = db.execute_sql(f'SELECT * FROM "{table}"')
            names = [c[0] for c in cursor.description]
            rows = [tuple(str(v) for n, v in zip(names, row) if n != 'last_used_at')
                    for row in cursor.fetchall()]
            state[table] = sorted(rows)
    return state


@pytest.fixture
def owner(app):
    """The demo account (every kind of record), plus calendar rows, and its admin's token."""
    with db.connection_context():
        account = demo.seed()
        alex = User.get(User.email == demo.ADMIN[0])
        meeting = Meeting.select().where(Meeting.account == account.id).first()
        CalendarConnection.create(account=account, user=alex, provider='google')
        SyncDecision.create(account=account, user=alex, provider_event_id='evt1',
                            decision='skipped', reason='r14_all_day', meeting_id=meeting.id)
        CalendarOutbox.create(account=account, user=alex, meeting=meeting, action='insert')
        Task.create(account=account, owner=alex, created_by=alex, title='Send the DPA',
                    meeting=meeting)
        stranger = (MeetingAttendee.select().join(Meeting)
                    .where(Meeting.account == account.id, MeetingAttendee.contact.is_null(),
                           ~MeetingAttendee.email.endswith('northwind.example'),
                           ~MeetingAttendee.email.endswith('northwind-mail.example')).first())
        _, token = tokens.issue(alex)
    known = {'meeting_id': stranger.meeting_id, 'email': stranger.email}
    return account, token, known


def test_every_id_route_answers_404_to_another_account(app, client, owner, make_caller):
    account, owner_token, known = owner
    intruder = make_caller('eve@globex.com', account='Globex')
    intruder.get('/me')  # first use writes last_used_at; the snapshot starts after it
    spec = client.get('/api/v1/openapi.json').json
    routes = id_routes(app)
    covered = {rule.rule for rule, _ in routes}
    # The matrix must really include the endpoints we know of, whoever added them.
    for expected in ('/api/v1/meetings/<int:meeting_id>', '/api/v1/notes/<int:note_id>',
                     '/api/v1/meetings/<int:meeting_id>/attendees/<path:email>/contact',
                     '/api/v1/meetings/<int:meeting_id>/start',
                     '/api/v1/meetings/<int:meeting_id>/notes',
                     '/api/v1/contacts/<int:contact_id>/timeline',
                     '/api/v1/tickets/<int:ticket_id>', '/api/v1/tasks/<int:task_id>',
                     # Issue 11: the next meeting, a meeting's deals, a deal's changes.
                     '/api/v1/meetings/<int:meeting_id>/follow-up',
                     '/api/v1/meetings/<int:meeting_id>/deals',
                     '/api/v1/deals/<int:deal_id>/changes'):
        assert expected in covered
    before = snapshot()
    failures = []
    for rule, method in routes:
        values = {a: owned_value(account, a, known) for a in rule.arguments}
        path = rule.build(values)[1]
        body = request_body(spec, rule, method)
        kwargs = {} if body is None else {'json': body}
        resp = getattr(client, method.lower())(path, headers=intruder.headers, **kwargs)
        if resp.status_code != 404 or (resp.json or {}).get('code') != 'not_found':
            failures.append(f'{method} {path}: {resp.status_code} {resp.get_data(as_text=True)[:200]}')
        if method == 'GET':
            # The same URL works for its owner, so the 404 above is isolation, not a bad id.
            mine = client.get(path, headers={'Authorization': f'Bearer {owner_token}'})
            if mine.status_code != 200:
                failures.append(f'owner GET {path}: {mine.status_code}')
    assert not failures, '\n'.join(failures)
    assert snapshot() == before


def test_meeting_pack_holds_only_the_callers_account(client, owner, make_caller):
    """Issue 9 §4: GET /meetings/pack (no id, so not in the matrix above) is scoped to the
    caller: another account's token gets none of the owner's meetings or contacts, even when
    the intruder's own meeting has an attendee whose e-mail is a contact of the owner's."""
    account, owner_token, _ = owner
    with db.connection_context():
        shared = Contact.select().where(Contact.account == account.id).first().email
        Meeting.update(start=utcnow(), end=utcnow() + datetime.timedelta(hours=1)).where(
            Meeting.account == account.id).execute()
    intruder = make_caller('eve@globex.com', account='Globex')
    made = intruder.post('/meetings', json={
        'title': 'Eve', 'start': iso_ahead(days=7), 'end': iso_ahead(days=7, hour=16),
        'attendees': [{'email': shared}]})
    assert made.status_code == 201, made.json
    with db.connection_context():
        Meeting.update(start=utcnow(), end=utcnow() + datetime.timedelta(hours=1)).where(
            Meeting.id == made.json['id']).execute()
    mine = client.get('/api/v1/meetings/pack', headers={'Authorization': f'Bearer {owner_token}'}).json
    theirs = intruder.get('/meetings/pack').json
    assert mine['meetings'] and mine['contacts']
    assert [m['id'] for m in theirs['meetings']] == [made.json['id']]
    assert theirs['meetings'][0]['attendees'][0]['contact'] is None and theirs['contacts'] == []
    assert not {m['id'] for m in mine['meetings']} & {m['id'] for m in theirs['meetings']}
