"""Small database helpers for writes that must not need a savepoint."""

from django.db import connections, router
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery


def insert_unless_conflict(obj) -> bool:
    """INSERT ``obj`` with ``ON CONFLICT DO NOTHING … RETURNING`` its primary key.

    True (and ``obj.pk`` set) when the row was written; False when a unique constraint
    already held such a row. Unlike ``save()`` inside ``atomic()``, a conflict costs no
    savepoint and leaves the transaction usable.
    """
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    pk = model._meta.pk
    fields = [f for f in model._meta.local_concrete_fields if not (f.primary_key and getattr(obj, f.attname) is None)]
    fields = [f for f in fields if not getattr(f, "generated", False)]
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [pk]
    [(sql, params)] = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    setattr(obj, pk.attname, row[0])
    obj._state.adding = False
    obj._state.db = using
    return True
