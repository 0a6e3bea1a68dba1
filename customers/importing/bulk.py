"""Inserting tens of thousands of rows at once, for an import.

``bulk_create`` prepares every field of every object through the field API and sends
one INSERT with every value as a parameter, which PostgreSQL then parses as an
expression; an import of 100,000 customers writes five tables (staged rows, customers,
opening purchases and their lines, points), and that was most of its time. On
PostgreSQL, ``insert_rows`` sends the rows with ``COPY ... FROM STDIN`` (its bulk-load
path, about three times quicker here, Python side included), fills the columns not
given with the fields' defaults as ``bulk_create`` would, and takes the primary keys
from the table's sequence beforehand when the caller needs them. Elsewhere (SQLite) it
is ``bulk_create``.

Like ``bulk_create``: no ``save()``, no model signals, no validation. Callers pass
values already checked, of the fields' own types. COPY runs inside the caller's
transaction like any statement, and a failure rolls back with it.
"""

import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from uuid import UUID

from django.db import connection
from django.db.models import JSONField, Model
from django.utils import timezone


def fast() -> bool:
    """PostgreSQL through psycopg2, which can COPY."""
    return connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg2"


def insert_rows(model: type[Model], names: Sequence[str], rows: Iterable[Sequence], *, returning: bool = False):
    """Insert ``rows`` (sequences of values for the fields named by attname in ``names``).

    Returns the new primary keys in the order of ``rows`` when ``returning``, else None.
    """
    rows = list(rows)
    if not rows:
        return [] if returning else None
    if not fast():
        objects = model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows])
        return [o.pk for o in objects] if returning else None

    meta = model._meta
    given = {name: i for i, name in enumerate(names)}
    now = timezone.now()
    # Per column: the value's position in the row, a constant (text), or a field whose
    # default is made anew for each row (a uuid4 and the like).
    columns, parts = [], []
    for field in meta.concrete_fields:
        if field.attname in given:
            parts.append(given[field.attname])
        elif field.primary_key:
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            parts.append(_text(field, now))
        elif field.has_default() and callable(field.default) and field.default is not timezone.now:
            parts.append(field)
        else:
            parts.append(_text(field, field.get_default()))
        columns.append(field)

    names = [f.column for f in columns]
    if returning:
        ids = _next_ids(meta, len(rows))
        names.insert(0, meta.pk.column)
    buffer = io.StringIO()
    write = buffer.write
    for n, row in enumerate(rows):
        line = [
            _text(field, row[part])
            if type(part) is int
            else part
            if type(part) is str
            else _text(part, part.get_default())
            for field, part in zip(columns, parts, strict=True)
        ]
        if returning:
            line.insert(0, str(ids[n]))
        write("\t".join(line))
        write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in names)}) FROM STDIN", buffer
        )
    return ids if returning else None


def _next_ids(meta, count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence, in increasing order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _escape(text: str) -> str:
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _text(field, value) -> str:
    """``value`` of ``field`` in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(field, JSONField):
        return _escape(json.dumps(value, cls=field.encoder))
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is Decimal or kind is dt.date or kind is UUID:
        return str(value)
    if kind is dt.datetime:
        if timezone.is_naive(value):
            value = field.get_db_prep_save(value, connection)  # made aware, with Django's warning
        return value.isoformat()
    if isinstance(value, str):  # TextChoices members and other str subclasses
        return _escape(str.__str__(value))
    if isinstance(value, Model):
        return str(value.pk)
    return _escape(str(field.get_db_prep_save(value, connection)))


def insert_objects(objects: list[Model]) -> list[Model]:
    """``bulk_create(objects)``, faster on PostgreSQL: sets each object's primary key.

    Every object is new (no primary key) and of the same model. Fields set to
    ``auto_now(_add)`` get the time of the call, as with ``bulk_create``.
    """
    if not objects:
        return objects
    model = type(objects[0])
    if not fast():
        return model.objects.bulk_create(objects)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
    names = [f.attname for f in fields]
    pks = insert_rows(model, names, ([getattr(obj, name) for name in names] for obj in objects), returning=True)
    for obj, pk in zip(objects, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
