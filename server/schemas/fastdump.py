"""Schema.dump compiled once into plain functions: marshmallow's output at a fraction of its cost.

A GET /meetings page dumps about 1,600 values; marshmallow's generic per-value path
(Field.serialize -> get_value -> accessor -> _serialize) was the costliest part of the request.
A compiled dumper reads each attribute the way marshmallow does and calls the field's own
``_serialize``, so custom fields (UTCDateTime, Function...) behave the same; it only skips that
per-value bookkeeping. Anything it cannot reproduce exactly (dump hooks, custom accessors or
``serialize``) goes through marshmallow itself.
"""
from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import get_value


def _identity_or(field, kind):
    """Values already of ``kind`` come out unchanged; others take the field's own path."""
    serialize = field._serialize

    def dump(value, attr, obj):
        return value if value.__class__ is kind else serialize(value, attr, obj)
    dump.passes_through = kind
    return dump


def _value_dumper(field):
    """A function (value, attr, obj) -> serialized value, equal to ``field._serialize``."""
    kind = type(field)
    if kind is fields.String:
        return _identity_or(field, str)
    if kind is fields.Integer and not field.as_string:
        return _identity_or(field, int)
    if kind is fields.Boolean:
        return _identity_or(field, bool)
    if kind is fields.Nested:
        nested = compile_schema(field.schema)
        many = field.schema.many or field.many

        def dump_nested(value, attr, obj):
            if value is None:
                return None
            return [nested(item) for item in value] if many else nested(value)
        return dump_nested
    if kind is fields.List:
        inner = _value_dumper(field.inner)

        def dump_list(value, attr, obj):
            return None if value is None else [inner(item, attr, obj) for item in value]
        return dump_list
    return field._serialize


def _generic(schema, field, name):
    """marshmallow's own path for one field (returns ``missing`` when it skips the key)."""
    def dump(obj):
        return field.serialize(name, obj, accessor=schema.get_attribute)
    return dump


def compile_schema(schema):
    """Return a function obj -> dict that dumps one object exactly as ``schema.dump`` does."""
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        return lambda obj: Schema.dump(schema, obj, many=False)
    plain_accessor = type(schema).get_attribute is Schema.get_attribute
    steps = []
    for name, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else name
        if (not plain_accessor or type(field).serialize is not fields.Field.serialize
                or type(field).get_value is not fields.Field.get_value):
            steps.append((key, None, None, None, _generic(schema, field, name), name))
            continue
        source = name if field.attribute is None else field.attribute
        steps.append((key, field._CHECK_ATTRIBUTE and source, field.dump_default,
                      _value_dumper(field), None, name))
    return _generate(steps, schema.dict_class)


def _generate(steps, dict_class):
    """Write the dumper as straight-line Python: one getattr and one call per field.

    Objects with ``__getitem__`` (dicts) take the step-by-step path, which reads values with
    marshmallow's own ``get_value`` (item first, then attribute).
    """
    names = {'missing': missing, 'get_value': get_value, 'dict_class': dict_class}
    lines = ['def dump(obj):',
             '    if hasattr(obj, "__getitem__"):',
             '        return by_steps(obj)',
             '    out = dict_class()']
    for n, (key, source, default, serialize, generic, name) in enumerate(steps):
        names[f's{n}'], names[f'g{n}'], names[f'd{n}'] = serialize, generic, default
        target = f'out[{key!r}]'
        if generic is not None:
            lines += [f'    v = g{n}(obj)', f'    if v is not missing: {target} = v']
            continue
        if not source:
            lines.append(f'    {target} = s{n}(None, {name!r}, obj)')
            continue
        read = (f'get_value(obj, {source!r})' if '.' in source
                else f'getattr(obj, {source!r}, missing)')
        lines.append(f'    v = {read}')
        value = f's{n}(v, {name!r}, obj)'
        kind = getattr(serialize, 'passes_through', None)
        if kind is not None:  # the common case inlined: a str stays a str, and so on
            names[f'k{n}'] = kind
            value = f'(v if v.__class__ is k{n} else {value})'
        if default is missing:
            lines.append(f'    if v is not missing: {target} = {value}')
        else:
            lines += ['    if v is missing:',
                      f'        v = d{n}() if callable(d{n}) else d{n}',
                      f'    if v is not missing: {target} = {value}']
    lines.append('    return out')
    names['by_steps'] = _by_steps(steps, dict_class)
    exec('\n'.join(lines), names)  # noqa: S102 (source built above from field names only)
    return names['dump']


def _by_steps(steps, dict_class):
    def dump(obj):
        out = dict_class()
        for key, source, default, serialize, generic, name in steps:
            if generic is not None:
                value = generic(obj)
                if value is not missing:
                    out[key] = value
                continue
            if source:
                value = get_value(obj, source)
                if value is missing:
                    value = default() if callable(default) else default
                    if value is missing:
                        continue
            else:
                value = None  # Function/Method fields read the whole object
            out[key] = serialize(value, name, obj)
        return out
    return dump


class FastDump:
    """Schema mixin: ``dump`` through a dumper compiled on first use (same output)."""

    def dump(self, obj, *, many=None):
        dumper = self.__dict__.get('_compiled_dump')
        if dumper is None:
            dumper = self._compiled_dump = compile_schema(self)
        many = self.many if many is None else many
        if many and obj is not None:
            return [dumper(item) for item in obj]
        return dumper(obj)
