"""Multi-row INSERTs and long IN lists without building a query node per value.

peewee wraps every value of insert_many and ``in_`` in a node and renders it one by one, which
costs far more than SQLite or PostgreSQL take to run the statement. Here the text is made once
per batch. Values must already be what the column stores (str, int, bool, naive datetime or
None): exactly what peewee's fields would pass to the driver for them.
"""
import itertools

from peewee import SQL, BooleanField, DateTimeField

from server.db import db, is_postgres

# SQLite allows 32,766 bound variables per statement (PostgreSQL 65,535); stay under both.
MAX_VARIABLES = 30000


def stored_datetime(value):
    """A naive datetime as the driver would store it, for a value many rows repeat.

    SQLite's default adapter turns each datetime parameter into ``isoformat(' ')`` text through
    a Python call (~2 us; three per synced event were the page's own time). PostgreSQL's
    driver adapts datetimes in C: they stay as they are.
    """
    if value is None or is_postgres():
        return value
    return value.isoformat(' ')


def chunks(items, size):
    items = list(items)
    for at in range(0, len(items), max(size, 1)):
        yield items[at:at + size]


def insert_rows(model, names, rows, on_conflict='', returning=()):
    """INSERT ``rows`` (tuples in the order of field ``names``) in as few statements as the
    variable limit allows; ``on_conflict`` is an SQL tail both databases understand. With
    ``returning`` (field names), return those columns of every inserted or updated row, in no
    particular order (SQLite promises none)."""
    found = []
    if not rows:
        return found
    meta = model._meta.fields
    fields = [meta[name] for name in names]
    columns = ', '.join(f'"{f.column_name}"' for f in fields)
    one = '(' + ', '.join([db.obj.param] * len(fields)) + ')'
    head = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES '
    tail = ' ' + on_conflict if on_conflict else ''
    if returning:
        tail += ' RETURNING ' + ', '.join(f'"{meta[name].column_name}"' for name in returning)
    for batch in chunks(rows, MAX_VARIABLES // len(fields)):
        cursor = db.execute_sql(head + ', '.join([one] * len(batch)) + tail,
                                list(itertools.chain.from_iterable(batch)))
        if returning:
            found += cursor.fetchall()
    return found


def is_in(field, values):
    """``field IN (values)`` rendered as one node, for lists of thousands of values."""
    values = list(values)
    if not values:
        return field.in_([])
    return field.in_(SQL('(' + ', '.join([db.obj.param] * len(values)) + ')', values))


def upsert_tail(model, conflict_names, update_names):
    """ON CONFLICT (...) DO UPDATE SET col = EXCLUDED.col for ``update_names``."""
    meta = model._meta.fields
    target = ', '.join(f'"{meta[n].column_name}"' for n in conflict_names)
    sets = ', '.join(f'"{meta[n].column_name}" = EXCLUDED."{meta[n].column_name}"'
                     for n in update_names)
    return f'ON CONFLICT ({target}) DO UPDATE SET {sets}'


def select_in(model, names, equal, in_name, values, order_by=(), read=True):
    """Yield rows (tuples of Python values for field ``names``) of ``model`` whose fields equal
    ``equal`` ({name: value}) and whose ``in_name`` is one of ``values`` (chunked). With
    ``read=False`` rows come as the driver returns them (SQLite: booleans as 0/1)."""
    meta, param = model._meta.fields, db.obj.param
    fields = [meta[name] for name in names]
    columns = ', '.join(f'"{f.column_name}"' for f in fields)
    where = ''.join(f'"{meta[name].column_name}" = {param} AND ' for name in equal)
    fixed = [meta[name].db_value(value) for name, value in equal.items()]
    order = ', '.join(f'"{meta[name].column_name}"' for name in order_by)
    order = f' ORDER BY {order}' if order else ''
    # Drivers already return str and int as such; dates (text in SQLite) and booleans (0/1)
    # need their field's reading. Only those columns are touched: converting row by row through
    # every column was 60% of loading a page's 1,000 stored meetings (bench/sync.py, edits).
    readers = [(at, f.python_value) for at, f in enumerate(fields)
               if read and isinstance(f, (DateTimeField, BooleanField))]
    head = f'SELECT {columns} FROM "{model._meta.table_name}" WHERE {where}"{meta[in_name].column_name}" IN ('
    for batch in chunks(values, MAX_VARIABLES - len(fixed)):
        cursor = db.execute_sql(head + ', '.join([param] * len(batch)) + ')' + order, fixed + batch)
        rows = cursor.fetchall()
        if not readers or not rows:
            yield from rows
            continue
        columns = list(zip(*rows))
        for at, read in readers:
            columns[at] = map(read, columns[at])
        yield from zip(*columns)
