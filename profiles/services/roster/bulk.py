"""Bulk inserts and updates below the ORM, for the write step of the roster import.

The ORM's bulk_create compiles every value of every row through its field (most of the
time of a 100,000-row import went there). Here each column's adapter is chosen once
(only dates, datetimes and JSON need one), constant columns are prepared once per
call, and the rows go out as COPY on PostgreSQL (psycopg 3) or as multi-row INSERTs
sized to SQLite's host-parameter limit. Callers pass values as the model field holds
them (str, date, aware datetime, dict, int ids); history rows are written the same way.
"""

import json
from itertools import islice

from django.db import connection


def _fields_by_attname(model):
    return {field.attname: field for field in model._meta.concrete_fields}


def _adapter(field):
    kind = field.get_internal_type()
    if kind == "DateField":
        adapt = connection.ops.adapt_datefield_value
    elif kind == "DateTimeField":
        adapt = connection.ops.adapt_datetimefield_value
    elif kind == "JSONField":
        encoder = field.encoder

        def adapt(value):
            return json.dumps(value, cls=encoder)
    else:
        return None
    return lambda value: None if value is None else adapt(value)


def _plain(value):
    # Choices enums are str subclasses; the drivers want the plain value.
    return str(value) if isinstance(value, str) else value


def insert(model, attnames, rows, constants=None):
    """INSERT every row of `rows` (tuples in the order of `attnames`) into model's table.

    Columns in `constants` take that value on every row; the other columns, except an
    automatic primary key, take the field's default. Returns the number of rows.
    """
    fields = _fields_by_attname(model)
    constants = dict(constants or {})
    for attname, field in fields.items():
        if attname in attnames or attname in constants or field.primary_key and field.get_internal_type().endswith("AutoField"):
            continue
        constants[attname] = field.get_default()
    fixed_names = list(constants)
    fixed = tuple(_plain(_adapter(fields[name])(value)) if _adapter(fields[name]) else _plain(value)
                  for name, value in constants.items())
    adapters = [(index, adapt) for index, adapt in enumerate(_adapter(fields[name]) for name in attnames) if adapt]
    columns = [fields[name].column for name in [*attnames, *fixed_names]]

    def prepared():
        for row in rows:
            if adapters:
                row = list(row)
                for index, adapt in adapters:
                    row[index] = adapt(row[index])
                row = tuple(row)
            yield row + fixed

    if connection.vendor == "postgresql":
        return _copy(model._meta.db_table, columns, prepared())
    return _insert_values(model._meta.db_table, columns, prepared())


def _copy(table, columns, rows):
    quote = connection.ops.quote_name
    count = 0
    with connection.cursor() as cursor:
        sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _insert_values(table, columns, rows):
    quote = connection.ops.quote_name
    per_statement = max(1, min(500, connection.features.max_query_params // len(columns)))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) VALUES "
    full = head + ", ".join([one] * per_statement)
    count = 0
    with connection.cursor() as cursor:
        while batch := list(islice(rows, per_statement)):
            sql = full if len(batch) == per_statement else head + ", ".join([one] * len(batch))
            cursor.execute(sql, [value for row in batch for value in row])
            count += len(batch)
    return count


def update_column(model, attname, pairs):
    """UPDATE one column by primary key: `pairs` of (value, pk)."""
    field = _fields_by_attname(model)[attname]
    adapt = _adapter(field) or (lambda value: value)
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "
           f"WHERE {quote(model._meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(adapt(value), pk) for value, pk in pairs])


def new_ids(model, count):
    """`count` fresh primary keys for model, to be inserted explicitly (inside the write transaction)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, column, count])
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(connection.vendor)
        # The write lock is held (BEGIN IMMEDIATE), so nobody else takes these ids; an
        # AUTOINCREMENT table never reuses one, hence sqlite_sequence as well as MAX.
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX({quote(column)}) FROM {quote(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0]
    return list(range(start + 1, start + count + 1))
