"""GET /docs: a self-contained HTML reference built from the generated OpenAPI spec.

No CDN and no scripts: the page must work offline and show exactly what openapi.json says.
"""
from flask import render_template
from flask.views import MethodView
from flask_smorest import Blueprint

from server.auth import public
from server.extensions import api

blp = Blueprint('docs', __name__, template_folder='templates', description='This reference')

METHOD_ORDER = ('get', 'post', 'put', 'patch', 'delete')


def ref_name(ref):
    return ref.rsplit('/', 1)[-1]


def type_label(schema):
    """A short human label for a JSON schema: 'string (email)', 'array of Contact', ..."""
    if not schema:
        return ''
    if '$ref' in schema:
        return ref_name(schema['$ref'])
    for combinator in ('allOf', 'oneOf', 'anyOf'):
        if combinator in schema:
            return ' | '.join(type_label(s) for s in schema[combinator])
    kind = schema.get('type', 'object')
    if isinstance(kind, list):
        kind = ' | '.join(kind)
    if kind == 'array':
        label = 'array of ' + type_label(schema.get('items', {}))
    elif schema.get('format'):
        label = f"{kind} ({schema['format']})"
    else:
        label = kind
    if schema.get('enum'):
        label += ': ' + ', '.join(str(v) for v in schema['enum'])
    if schema.get('nullable'):
        label += ', nullable'
    return label


def body_schema(body):
    """The JSON schema of a request body or response, if it has one."""
    content = (body or {}).get('content', {})
    media = content.get('application/json') or next(iter(content.values()), {})
    return media.get('schema')


def operations(spec):
    """Every path and method of the spec, in path order, ready for the template."""
    found = []
    for path in sorted(spec.get('paths', {})):
        item = spec['paths'][path]
        shared = item.get('parameters', [])
        for method in METHOD_ORDER:
            op = item.get(method)
            if op is None:
                continue
            params = [{'name': p['name'], 'in': p['in'], 'required': p.get('required', False),
                       'type': type_label(p.get('schema')),
                       'description': p.get('description', '')}
                      for p in shared + op.get('parameters', [])]
            responses = []
            for status, resp in sorted(op.get('responses', {}).items()):
                if '$ref' in resp:  # shared responses such as DEFAULT_ERROR
                    resp = spec['components']['responses'][ref_name(resp['$ref'])]
                responses.append({'status': status, 'description': resp.get('description', ''),
                                  'schema': type_label(body_schema(resp))})
            found.append({
                'method': method.upper(), 'path': path, 'id': f'{method}-{path}',
                'summary': op.get('summary', ''), 'description': op.get('description', ''),
                'tags': op.get('tags', []), 'parameters': params,
                'request': type_label(body_schema(op.get('requestBody'))),
                'responses': responses,
            })
    return found


def components(spec):
    """Every named schema with its properties, for the template."""
    found = []
    for name, schema in sorted(spec.get('components', {}).get('schemas', {}).items()):
        required = set(schema.get('required', []))
        props = [{'name': prop, 'type': type_label(sub), 'required': prop in required,
                  'read_only': sub.get('readOnly', False),
                  'description': sub.get('description', '')}
                 for prop, sub in schema.get('properties', {}).items()]
        found.append({'name': name, 'properties': props})
    return found


@blp.route('/docs')
@public
class Docs(MethodView):
    @blp.doc(security=[], responses={'200': {
        'description': 'An HTML page', 'content': {'text/html': {'schema': {'type': 'string'}}}}})
    def get(self):
        """This page: every path and method of the API with its schemas."""
        spec = api.spec.to_dict()
        return render_template('api_docs.html', spec=spec, operations=operations(spec),
                               schemas=components(spec))
