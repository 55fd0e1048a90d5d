"""Querysets compiled to SQL once per process, then run with fresh parameter values.

On a cold review page the ORM took longer to build some queries' SQL (0.3 to 2 ms each: joins,
a correlated subquery) than the database took to run them. `prepared(key, build, **values)`
builds the queryset once with sentinel values in place of the per-request ones, compiles it,
records which SQL parameters hold which sentinel, and from then on only swaps the values in.
Rows come back as the ORM's `values_list()` would return them (the same converters).

`build(**values)` must return a `values_list()` queryset whose SQL shape does not depend on the
values (callers put anything that changes the shape, such as a list's length, into `key`).
"""

import datetime

from django.conf import settings
from django.db import connections

_PREPARED = {}
_SENTINEL_BASE = 987_654_321_000


def _sentinel(index, value):
    if isinstance(value, bool):
        raise TypeError("prepared queries do not take booleans as parameters")
    if isinstance(value, int):
        return _SENTINEL_BASE + index
    if isinstance(value, str):
        return f"\x01prepared-sentinel-{index}\x01"
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1901, 1, 1, 0, 0, index, tzinfo=datetime.UTC)
    raise TypeError(f"prepared queries take int, str or datetime parameters, not {type(value)!r}")


def _adapt(connection, value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _compile(alias, build, values):
    connection = connections[alias]
    names = list(values)
    sentinels = {name: _sentinel(index, values[name]) for index, name in enumerate(names)}
    queryset = build(**sentinels)
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    adapted = {_adapt(connection, sentinel): name for name, sentinel in sentinels.items()}
    slots = []  # (position, name) of each per-request parameter
    for position, param in enumerate(params):
        if isinstance(param, int | str | datetime.datetime) and param in adapted:
            slots.append((position, adapted[param]))
    if {name for _, name in slots} != set(names):
        raise ValueError(f"Not every value became a parameter of {sql}")
    converters = compiler.get_converters([column for column, _, _ in compiler.select])
    if connection.vendor == "sqlite" and settings.USE_TZ:
        lean = _lean_sqlite_datetime(connection)
        slow = connection.ops.convert_datetimefield_value
        converters = {
            position: ([lean if function == slow else function for function in functions], expression)
            for position, (functions, expression) in converters.items()
        }
    return sql, tuple(params), tuple(slots), converters


def _lean_sqlite_datetime(connection):
    """SQLite's datetime converter, less its generic calls: the same values, several times
    cheaper (a thread page parses hundreds of timestamps)."""
    slow = connection.ops.convert_datetimefield_value
    fromisoformat = datetime.datetime.fromisoformat
    zone = connection.timezone

    def convert(value, expression, connection):
        if value is None:
            return None
        if value.__class__ is datetime.datetime:  # parsed by the driver (Django's converter)
            return value.replace(tzinfo=zone) if value.tzinfo is None else value
        if value.__class__ is str:
            try:
                parsed = fromisoformat(value)
            except ValueError:
                return slow(value, expression, connection)
            return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed
        return slow(value, expression, connection)

    return convert


def prepared(key, build, *, using, **values):
    """The rows of `build(**values)` (a `values_list()` queryset) on database `using`."""
    connection = connections[using]
    cache_key = (using, connection.vendor, key, tuple(values))
    entry = _PREPARED.get(cache_key)
    if entry is None:
        entry = _PREPARED[cache_key] = _compile(using, build, values)
    sql, params, slots, converters = entry
    params = list(params)
    for position, name in slots:
        params[position] = _adapt(connection, values[name])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    items = list(converters.items())
    for row in map(list, rows):
        for position, (functions, expression) in items:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(row)
    return converted
