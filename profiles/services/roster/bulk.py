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


class Table:
    """INSERTs into one model's table: a leading per-row key (an id), the columns named
    in `attnames`, then the `constants` (the same on every row); every other column, except
    an automatic primary key, takes its field's default.

    adapt() prepares a row's values for the driver (call it before the transaction, so
    the write itself only sends); insert() sends prepared rows.
    """

    def __init__(self, model, attnames, constants=None, key=None):
        fields = _fields_by_attname(model)
        constants = dict(constants or {})
        for attname, field in fields.items():
            automatic = field.primary_key and field.get_internal_type().endswith("AutoField")
            if attname in attnames or attname in constants or attname == key or automatic:
                continue
            constants[attname] = field.get_default()
        self.model = model
        self.fixed = tuple(_plain((_adapter(fields[name]) or _same)(value)) for name, value in constants.items())
        self.adapters = [(i, adapt) for i, adapt in enumerate(_adapter(fields[name]) for name in attnames) if adapt]
        names = [*([key] if key else []), *attnames, *constants]
        self.columns = [fields[name].column for name in names]

    def adapt(self, row):
        if self.adapters:
            row = list(row)
            for index, adapt in self.adapters:
                row[index] = adapt(row[index])
        return tuple(row)

    def insert(self, rows, keys=None):
        """Send adapted rows (with their keys, when the table has a key column); returns the count."""
        fixed = self.fixed
        if keys is None:
            full = (row + fixed for row in rows)
        else:
            full = ((key, *row) + fixed for key, row in zip(keys, rows))
        if connection.vendor == "postgresql":
            return _copy(self.model._meta.db_table, self.columns, full)
        return _insert_values(self.model._meta.db_table, self.columns, full)


def _same(value):
    return value


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
    """Multi-row INSERTs of as many rows as SQLite's host-parameter limit allows, sent on
    the driver's own cursor: Django's wrapper would rewrite every placeholder of every
    statement (a third of the write step)."""
    quote = connection.ops.quote_name
    per_statement = max(1, min(500, connection.features.max_query_params // len(columns)))
    one = "(" + ", ".join(["?"] * len(columns)) + ")"
    head = f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) VALUES "
    full = head + ", ".join([one] * per_statement)
    count = 0
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        while batch := list(islice(rows, per_statement)):
            sql = full if len(batch) == per_statement else head + ", ".join([one] * len(batch))
            cursor.execute(sql, [value for row in batch for value in row])
            count += len(batch)
    finally:
        cursor.close()
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
