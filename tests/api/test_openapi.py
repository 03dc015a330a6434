"""The API's shape changes only on purpose: the committed docs/openapi.json must match."""
import json
import pathlib

METHODS = {'get', 'post', 'put', 'patch', 'delete'}
SNAPSHOT = pathlib.Path(__file__).resolve().parents[2] / 'docs' / 'openapi.json'


def test_openapi_snapshot_is_current(client):
    served = client.get('/api/v1/openapi.json').get_json()
    committed = json.loads(SNAPSHOT.read_text())
    assert served == committed, (
        'The API changed. If that was deliberate, refresh the snapshot with '
        '`flask --app server openapi write docs/openapi.json` and review the diff.')


def test_every_operation_has_a_summary(client):
    spec = client.get('/api/v1/openapi.json').get_json()
    missing = [f'{method.upper()} {path}' for path, ops in spec['paths'].items()
               for method, op in ops.items()
               if method in METHODS and not op.get('summary')]
    assert missing == []


NUMERIC_KEYWORDS = {'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength',
                    'maxLength', 'minItems', 'maxItems'}


def test_numeric_bounds_are_numbers(client):
    """A bound written as a string ("999999999999.00") makes the document invalid OpenAPI:
    generated clients and schemathesis refuse the operation (the deal amount's did)."""
    spec = client.get('/api/v1/openapi.json').get_json()
    wrong = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in NUMERIC_KEYWORDS and (not isinstance(value, (int, float))
                                                or isinstance(value, bool)):
                    wrong.append(f'{where}/{key} = {value!r}')
                walk(value, f'{where}/{key}')
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(value, f'{where}/{n}')
    walk(spec, '')
    assert wrong == []


JSON_TYPES = {'string': str, 'object': dict, 'array': list, 'integer': int}


def test_error_responses_match_the_documented_error_schema(caller, client):
    """Every error the API sends has the documented shape (schemathesis found the default
    flask-smorest schema documented instead: an integer code and a status field)."""
    spec = client.get('/api/v1/openapi.json').get_json()
    schema = spec['components']['schemas']['Error']
    errors = [client.get('/api/v1/contacts'),                       # 401
              caller.get('/contacts/999999'),                        # 404
              caller.post('/contacts', json={'email': 'not-an-email'}),  # 422
              caller.post('/contacts', data='{', headers={'Content-Type': 'application/json'})]
    for response in errors:
        body = response.get_json()
        assert set(body) == set(schema['properties']), (response.status_code, body)
        for name, value in body.items():
            assert isinstance(value, JSON_TYPES[schema['properties'][name]['type']]), (name, body)
        for messages in body['errors'].values():
            assert isinstance(messages, list)


def test_public_operations_need_no_token_in_the_spec_too(client):
    spec = client.get('/api/v1/openapi.json').get_json()
    assert spec['security'] == [{'bearerAuth': []}]
    public = {path for path, ops in spec['paths'].items()
              if any(op.get('security') == [] for op in ops.values() if isinstance(op, dict))}
    assert public == {'/api/v1/health', '/api/v1/docs'}
    for path in public:
        assert client.get(path).status_code == 200  # and indeed they take none
