"""Small database helpers for writes that must not need a savepoint."""

from django.db import connections, router
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable, ValuesListIterable
from django.db.models.sql import InsertQuery


def insert_unless_conflict(
    obj,
    *,
    then: list[tuple[str, list]] = (),
    returning: list | None = None,
    computed: dict | None = None,
    unless: tuple[str, list] | None = None,
) -> bool:
    """INSERT ``obj`` with ``ON CONFLICT DO NOTHING … RETURNING`` its primary key.

    True (and ``obj.pk`` set) when the row was written; False when a unique constraint
    already held such a row. Unlike ``save()`` inside ``atomic()``, a conflict costs no
    savepoint and leaves the transaction usable.

    ``then``: statements ``(sql, params)`` to run only if the row was written, reading it
    as ``inserted`` (``INSERT … SELECT … FROM inserted``): on PostgreSQL in the same
    statement (data-modifying CTEs), elsewhere one after the other. With ``returning`` (a
    list), the row the last of them returns (``… RETURNING …``) is appended to it.
    ``computed``: fields (by attname) whose value is an SQL expression ``(sql, params)``
    worked out by the database, such as a balance read in the statement; left unloaded
    on ``obj`` (read back if asked for). ``unless``: an SQL condition ``(sql, params)``
    under which nothing is written either, checked in the same statement (``INSERT …
    SELECT … WHERE NOT …``), such as a value another table already holds.
    """
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    pk = model._meta.pk
    fields = [f for f in model._meta.local_concrete_fields if not (f.primary_key and getattr(obj, f.attname) is None)]
    fields = [f for f in fields if not getattr(f, "generated", False)]
    sql, params = _insert_sql(model, fields, [obj], using, computed or {}, returning=True)
    if unless is not None:
        sql, params = _guarded(sql, params, unless)
    combined = then and connection.vendor == "postgresql"
    if combined:
        parts = [f"inserted AS ({sql})"] + [f"then_{i} AS ({then_sql})" for i, (then_sql, _p) in enumerate(then)]
        last = f", then_{len(then) - 1}.*" if returning is not None else ""
        join = f" LEFT JOIN then_{len(then) - 1} ON true" if returning is not None else ""
        sql = (
            f"WITH {', '.join(parts)} SELECT inserted.{connection.ops.quote_name(pk.column)}{last} FROM inserted{join}"
        )
        params += [param for _sql, then_params in then for param in then_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is not None and then and not combined:
            written = f"(SELECT {int(row[0])} AS {connection.ops.quote_name(pk.column)}) inserted"
            for then_sql, then_params in then:
                cursor.execute(then_sql.replace("FROM inserted", f"FROM {written}"), then_params)
            if returning is not None:
                returning.append(tuple(cursor.fetchone()))
        elif row is not None and returning is not None:
            returning.append(tuple(row[1:]))
    for name in computed or ():
        obj.__dict__.pop(name, None)
    if row is None:
        return False
    setattr(obj, pk.attname, row[0])
    obj._state.adding = False
    obj._state.db = using
    return True


def _guarded(sql: str, params: list, unless: tuple[str, list]) -> tuple[str, list]:
    """One row's ``INSERT … VALUES (…) ON CONFLICT …`` (SQLite: ``INSERT OR IGNORE …
    VALUES (…) RETURNING …``) as ``INSERT … SELECT … WHERE NOT (unless) …``."""
    head, values = sql.split(" VALUES (", 1)
    end = " ON CONFLICT" if " ON CONFLICT" in values else " RETURNING"
    values, tail = values.rsplit(")" + end, 1)
    return f"{head} SELECT {values} WHERE NOT ({unless[0]}){end}{tail}", [*params, *unless[1]]


def insert_ignoring_conflicts(objs: list) -> None:
    """``bulk_create(objs, ignore_conflicts=True)`` for a few new rows of one model, with
    the INSERT's SQL compiled once per process (``_insert_sql``)."""
    if not objs:
        return
    model = type(objs[0])
    using = router.db_for_write(model)
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
    for obj in objs:
        if obj.pk is not None:
            raise ValueError("insert_ignoring_conflicts writes new rows only")
        obj._prepare_related_fields_for_save(operation_name="insert_ignoring_conflicts")
    sql, params = _insert_sql(model, fields, objs, using, {}, returning=False)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


# INSERT … ON CONFLICT DO NOTHING statements by model, database, fields, computed fields and rows.
_INSERTS: dict[tuple, tuple[str, bool]] = {}


def _insert_sql(model, fields, objs, using: str, computed: dict, *, returning: bool) -> tuple[str, list]:
    """The ORM's ``INSERT … ON CONFLICT DO NOTHING`` of ``objs`` (``… RETURNING`` the
    primary key), compiled once per process for each shape: when every value is a plain
    value with a ``%s`` placeholder, the SQL does not depend on the values, and later rows
    of that shape only need their parameters, prepared as the ORM prepares them."""
    connection = connections[using]
    key = (model, using, tuple(f.attname for f in fields), tuple((k, v[0]) for k, v in computed.items()), len(objs))
    params, plain = [], True
    for obj in objs:
        for f in fields:
            if f.attname in computed:
                params += computed[f.attname][1]
                continue
            value = f.pre_save(obj, True)
            if hasattr(value, "resolve_expression") or hasattr(f, "get_placeholder"):
                plain = False
                break
            params.append(f.get_db_prep_save(value, connection))
    cached = _INSERTS.get((key, returning)) if plain else None
    if cached is not None:
        sql, by_column = cached
        return sql, [params[i :: len(fields)] for i in range(len(fields))] if by_column else params
    for obj in objs:
        for name, (fragment, fragment_params) in computed.items():
            setattr(obj, name, RawSQL(fragment, fragment_params))
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, objs)
    compiler = query.get_compiler(using=using)
    if returning:
        compiler.returning_fields = [model._meta.pk]
    [(sql, orm_params)] = compiler.as_sql()
    # Several rows go to PostgreSQL as UNNEST of one array per column.
    by_column = (
        len(objs) > 1
        and not computed
        and [len(p) if isinstance(p, list) else None for p in orm_params] == [len(objs)] * len(fields)
    )
    if plain and (by_column or len(orm_params) == len(params)):
        _INSERTS[(key, returning)] = (sql, by_column)
    return sql, list(orm_params)


def insert_with_it(obj, link: dict[str, str] | None = None) -> tuple[str, list]:
    """``obj``'s INSERT as a ``then`` statement of ``insert_unless_conflict``: written in
    the same statement, only if that row is (``obj.pk`` stays unknown). ``link``: fields
    (by attname) whose value is an SQL expression over the row written, such as
    ``{"customer_id": "id"}``."""
    link = link or {}
    model = type(obj)
    connection = connections[router.db_for_write(model, instance=obj)]
    fields = [f for f in model._meta.local_concrete_fields if not (f.primary_key and getattr(obj, f.attname) is None)]
    fields = [f for f in fields if not getattr(f, "generated", False)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields if f.attname not in link]
    selected = ", ".join(link.get(f.attname, "%s") for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({columns}) SELECT {selected} FROM inserted", values


def bulk_set(objs: list, fields: list[str], queryset=None) -> int:
    """``queryset.bulk_update(objs, fields)`` in one ``UPDATE … FROM (VALUES …)`` on
    PostgreSQL. Django's ``bulk_update`` writes a CASE per field with a WHEN per row, which
    costs about a second of Python and SQL for 500 rows; this costs milliseconds. Other
    databases use ``bulk_update``. ``queryset`` (default: all rows) can narrow the rows
    written, as ``bulk_update`` on a filtered queryset does."""
    if not objs:
        return 0
    model = type(objs[0])
    queryset = queryset if queryset is not None else model._default_manager.all()
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return queryset.bulk_update(objs, fields)
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    casts = [f"%s::{pk.db_type(connection)}"] + [f"%s::{f.db_type(connection)}" for f in columns]
    row = "(" + ", ".join(casts) + ")"
    params = []
    for obj in objs:
        params.append(pk.get_db_prep_value(obj.pk, connection))
        params += [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
    q = connection.ops.quote_name
    names = [q(pk.column)] + [q(f.column) for f in columns]
    table = q(model._meta.db_table)
    where, where_params = (
        queryset.filter(pk__in=[obj.pk for obj in objs])
        .query.get_compiler(connection=connection)
        .compile(queryset.filter(pk__in=[obj.pk for obj in objs]).query.where)
    )
    sql = (
        f"UPDATE {table} SET {', '.join(f'{n} = v.{n}' for n in names[1:])} "
        f"FROM (VALUES {', '.join([row] * len(objs))}) AS v({', '.join(names)}) "
        f"WHERE {table}.{names[0]} = v.{names[0]} AND {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + list(where_params))
        return cursor.rowcount


class Compiled:
    """A queryset built by ``build(*args)`` (ints and strings, compared with ``=`` or
    ``IN``), compiled to SQL once per process and database, then run with other values
    without the ORM building and compiling it again: for the few reads of every till
    sale, where building and compiling cost more than the query. The SQL is the ORM's
    own: ``build`` is compiled twice with different stand-in values, and only the
    parameters that changed with them become the call's arguments. Returns a list of
    model instances, or of rows for ``values_list``. A queryset whose results the ORM
    converts or joins (converters, ``select_related``, annotations, flat lists) is run by
    the ORM each time, as are arguments of other types."""

    def __init__(self, build):
        self.build = build
        self.model = None
        self._plans: dict[str, tuple | None] = {}

    def __call__(self, *args) -> list:
        if self.model is None:
            self.model = self.build(*args).model
        using = router.db_for_read(self.model)
        if using not in self._plans:
            self._plans[using] = self._compile(using, args)
        plan = self._plans[using]
        if plan is None:
            return list(self.build(*args))
        sql, slots, names = plan
        params = [args[slot] if isinstance(slot, int) else slot[0] for slot in slots]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return rows if names is None else [self.model.from_db(using, names, row) for row in rows]

    def _compile(self, using: str, args: tuple) -> tuple | None:
        stand_ins = [[_stand_in(arg, n, k) for n, arg in enumerate(args)] for k in (1, 2)]
        if None in stand_ins[0]:
            return None
        querysets = [self.build(*values) for values in stand_ins]
        compilers = [qs.query.get_compiler(using=using) for qs in querysets]
        (sql, first), (other_sql, second) = (c.as_sql() for c in compilers)
        compiler, query = compilers[0], compilers[0].query
        if sql != other_sql or len(first) != len(second) or compiler.get_converters([s[0] for s in compiler.select]):
            return None
        slots = []
        for a, b in zip(first, second, strict=True):
            if a == b:
                slots.append((a,))
            elif a in stand_ins[0] and b in stand_ins[1] and stand_ins[1].index(b) == stand_ins[0].index(a):
                slots.append(stand_ins[0].index(a))
            else:
                return None
        if query.annotation_select or query.extra_select or query.select_related:
            return None
        if querysets[0]._iterable_class is ValuesListIterable:
            return sql, slots, None
        if querysets[0]._iterable_class is not ModelIterable or compiler.klass_info is None:
            return None
        return sql, slots, [s[0].target.attname for s in compiler.select]


def _stand_in(value, n: int, k: int):
    """A value of ``value``'s type that no real argument takes (never sent to the database)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return -(k * 1_000_000_000 + n)
    if isinstance(value, str):
        return f"\x1f{k}:{n}"
    return None
