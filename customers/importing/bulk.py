"""Inserting tens of thousands of rows at once, for an import.

``bulk_create`` prepares every field of every object through the field API and builds a
model instance for each row; an import of 100,000 customers writes five tables (staged
rows, customers, opening purchases and their lines, points), and that work was most of
its time. On PostgreSQL, ``insert_rows`` sends the values as they are (text, numbers,
Decimal, dates, aware datetimes: what psycopg2 adapts by itself) in one multi-row
INSERT, fills the columns not given with the fields' defaults as ``bulk_create`` would,
and returns the new primary keys. Elsewhere (SQLite) it is ``bulk_create``.

Like ``bulk_create``: no ``save()``, no model signals, no validation. Callers pass
values already checked, of the fields' own types.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone

# Field types whose Python values psycopg2 takes unchanged (DateTimeField too, when aware).
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
    "UUIDField",
}


def fast() -> bool:
    return connection.vendor == "postgresql"


def insert_rows(model: type[Model], names: Sequence[str], rows: Iterable[tuple], *, returning: bool = False):
    """Insert ``rows`` (tuples of values for the fields named by attname in ``names``).

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
    columns, getters, constants = [], [], []
    for field in meta.concrete_fields:
        if field.attname in given:
            i = given[field.attname]
            if field.get_internal_type() in _AS_IS:
                getters.append(i)
            else:
                getters.append(_prepare(field, i))
        elif field.primary_key:
            continue
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            getters.append(None)
            constants.append(len(columns))
        elif field.has_default() and callable(field.default) and field.default is not timezone.now:
            getters.append(_default(field))  # uuid4 and the like: a value per row
        else:
            getters.append(None)
            constants.append(len(columns))
        columns.append(field)
    fixed = {}
    for position in constants:
        field = columns[position]
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[position] = now
        else:
            fixed[position] = field.get_db_prep_save(field.get_default(), connection)
    quote = connection.ops.quote_name
    sql = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) VALUES "
    template = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        mogrify = cursor.cursor.mogrify
        values = []
        for row in rows:
            values.append(
                mogrify(
                    template,
                    [fixed[p] if g is None else (row[g] if type(g) is int else g(row)) for p, g in enumerate(getters)],
                ).decode()
            )
        statement = sql + ", ".join(values)
        if returning:
            cursor.execute(statement + f" RETURNING {quote(meta.pk.column)}")
            return [pk for (pk,) in cursor.fetchall()]
        cursor.execute(statement)
    return None


def _prepare(field, i: int):
    def value(row):
        raw = row[i]
        if isinstance(raw, dt.datetime) and not timezone.is_naive(raw):
            return raw
        return field.get_db_prep_save(raw, connection)

    return value


def _default(field):
    def value(_row):
        return field.get_db_prep_save(field.get_default(), connection)

    return value


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
    getter = [f.attname for f in fields]
    pks = insert_rows(model, names, ([getattr(obj, a) for a in getter] for obj in objects), returning=True)
    for obj, pk in zip(objects, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
