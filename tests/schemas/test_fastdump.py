"""The compiled dumper gives exactly marshmallow's output (it only skips marshmallow's overhead)."""
import datetime
import types

from marshmallow import Schema, fields, pre_dump

from server.db import db
from server.models import Company, Contact, User
from server.schemas.fastdump import FastDump, compile_schema
from server.schemas.meetings import MeetingSchema
from server.services import meetings
from tests.clock import iso_ahead


def test_meetings_page_and_detail_dump_like_marshmallow(caller, make_caller):
    """R11/R12 attendee shapes: matched with and without company, unmatched, internal."""
    make_caller('teammate@partner.org', account='Acme')  # a user of the account: internal (R12)
    with db.connection_context():
        company = Company.create(account=caller.user.account_id, name='Client Co')
        Contact.create(account=caller.user.account_id, email='buyer@client.com',
                       first_name='Bea', last_name='Buyer', company=company, job_title='CFO')
        Contact.create(account=caller.user.account_id, email='solo@else.com', first_name='Solo')
    for day in (1, 2):
        resp = caller.post('/meetings', json={
            'title': f'Call {day}', 'start': iso_ahead(days=day, hour=10),
            'end': iso_ahead(days=day, hour=10, minute=30).replace('Z', '.250Z'), 'video_link': 'https://meet.example.com/x',
            'attendees': [{'email': 'buyer@client.com'}, {'email': 'solo@else.com'},
                          {'email': 'nobody@else.com', 'display_name': 'No Body'},
                          {'email': 'teammate@partner.org'}, {'email': 'colleague@acme.com'}]})
        assert resp.status_code == 201, resp.json
    caller.post(f"/meetings/{resp.json['id']}/start")
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        items, next_cursor = meetings.list_for_user(user, limit=1)
        page = {'items': items, 'next_cursor': next_cursor}
        schema = MeetingPage()
        expected = Schema.dump(schema, page)
        assert schema.dump(page) == expected
        assert expected['next_cursor'] and len(expected['items'][0]['attendees']) == 5
        one = meetings.detail(user, resp.json['id'])
        assert MeetingSchema().dump(one) == Schema.dump(MeetingSchema(), one)
        assert MeetingSchema().dump([one], many=True) == Schema.dump(MeetingSchema(), [one],
                                                                     many=True)


class MeetingPage(FastDump, Schema):
    """The web pages' meeting lists: full meetings with attendees."""
    items = fields.List(fields.Nested(MeetingSchema))
    next_cursor = fields.String(allow_none=True)


class Inner(Schema):
    label = fields.String()


class Hooked(Schema):
    label = fields.String()

    @pre_dump
    def shout(self, obj, **kwargs):
        return {'label': obj['label'].upper()}


class Loud(fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value + '!'


class Everything(FastDump, Schema):
    text = fields.String()
    raw = fields.String()
    number = fields.Integer()
    as_text = fields.Integer(as_string=True)
    flag = fields.Boolean()
    renamed = fields.String(data_key='shownAs')
    sourced = fields.String(attribute='inner.label')
    defaulted = fields.String(dump_default='none given')
    called = fields.Integer(dump_default=lambda: 7)
    absent = fields.String()
    computed = fields.Function(lambda obj: 'f:' + str(getattr(obj, 'number', None)))
    when = fields.DateTime()
    loud = Loud()
    inner = fields.Nested(Inner, allow_none=True)
    inners = fields.List(fields.Nested(Inner))
    hooked = fields.Nested(Hooked)
    numbers = fields.List(fields.Integer())


def sample(**overrides):
    values = dict(text='plain', raw=b'bytes', number='12', as_text=5, flag=1, renamed='r',
                  inner=types.SimpleNamespace(label='in'), inners=[{'label': 'a'}, {'label': 'b'}],
                  hooked={'label': 'hi'}, numbers=[1, '2'], loud='hey',
                  when=datetime.datetime(2026, 1, 2, 3, 4, 5))
    values.update(overrides)
    return values


def test_every_field_kind_matches_marshmallow_for_objects_and_dicts():
    schema = Everything()
    for data in (sample(), sample(inner=None, number=None, text=None, flag=False),
                 sample(inners=None, numbers=None)):
        for obj in (types.SimpleNamespace(**data), data):
            assert schema.dump(obj) == Schema.dump(schema, obj)
    dumped = schema.dump(types.SimpleNamespace(**sample()))
    assert dumped['shownAs'] == 'r' and 'absent' not in dumped
    assert dumped['defaulted'] == 'none given' and dumped['called'] == 7
    assert dumped['hooked'] == {'label': 'HI'} and dumped['raw'] == 'bytes'


def test_only_and_exclude_are_respected():
    schema = Everything(only=('text', 'number'))
    obj = types.SimpleNamespace(**sample())
    assert schema.dump(obj) == {'text': 'plain', 'number': 12}
    assert compile_schema(Everything(exclude=('when',)))(obj) == Schema.dump(
        Everything(exclude=('when',)), obj)
