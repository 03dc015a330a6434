"""The orjson-backed JSON provider sends the same JSON values as Flask's default one."""
import dataclasses
import datetime
import decimal
import json
import uuid

from flask.json.provider import DefaultJSONProvider

from server.json_provider import JSONProvider


@dataclasses.dataclass
class Point:
    x: int
    label: str


SAMPLE = {
    'zeta': 1, 'alpha': [True, None, 2.5, -3], 'name': 'Zoë Łukasz 東京 \u2028',
    'when': datetime.datetime(2026, 11, 26, 13, 5, 7), 'day': datetime.date(2026, 11, 26),
    'amount': decimal.Decimal('1250.50'), 'id': uuid.UUID('12345678-1234-5678-1234-567812345678'),
    'point': Point(3, 'p'), 'nested': {'b': {'d': 1, 'c': 2}, 'a': []},
}


def both(app, value):
    """(orjson provider's response, Flask default provider's response) for ``value``."""
    with app.app_context():
        return JSONProvider(app).response(value), DefaultJSONProvider(app).response(value)


def test_response_holds_the_same_json_as_flasks_provider(app):
    ours, flask_s = both(app, SAMPLE)
    assert ours.mimetype == flask_s.mimetype == 'application/json'
    assert json.loads(ours.get_data()) == json.loads(flask_s.get_data())
    # Dates as HTTP dates, the way Flask writes them (not orjson's ISO format).
    assert json.loads(ours.get_data())['when'] == 'Thu, 26 Nov 2026 13:05:07 GMT'


def test_keys_are_sorted_and_compact_like_flasks(app):
    ours, _ = both(app, {'b': 1, 'a': {'d': 2, 'c': 3}})
    assert ours.get_data() == b'{"a":{"c":3,"d":2},"b":1}\n'


def test_what_orjson_refuses_takes_flasks_path(app):
    for value in ({1: 'int key', 2: 'another'}, {'big': 2 ** 70}):
        ours, flask_s = both(app, value)
        assert ours.get_data() == flask_s.get_data()


def test_debug_output_stays_flasks_indented_form(app):
    app.debug = True
    try:
        ours, flask_s = both(app, SAMPLE)
    finally:
        app.debug = False
    assert ours.get_data() == flask_s.get_data()


def test_the_app_answers_through_it(app, caller):
    assert isinstance(app.json, JSONProvider)
    response = caller.get('/me')
    assert response.status_code == 200 and response.get_data().endswith(b'}\n')
