"""A period's per-customer facts (``CustomerPeriod``), brought up to date in place.

The facts are recomputed from the source tables and compared with the stored rows in one
statement (a FULL JOIN on PostgreSQL), which leaves the differences in a temporary table;
only those are written: the customers whose figures or classes changed are
updated, new buyers inserted, rows without a source any more deleted. A normal day
rewrites the few thousand rows its sales, callbacks and rank shifts touched instead of
deleting and re-inserting every buyer of the quarter, half year and year (a million rows
with five indexes each at a million customers). A period computed for the first time is
inserted directly.

On PostgreSQL a period computed before needs even less: triggers (migration
``reports/0004``) name in ``FactSourceChange`` every customer added or removed, and every
one whose purchases, home store, referrals, rated contacts or complaint surveys changed,
whatever code changed them. The summary job claims those names (``claim_changes``) and
recomputes the figures of those customers only, plus of those the period's newly covered
days bring; then it places every buyer of the period in their classes again from
per-store thresholds (a customer's score depends only on how many customers of their
store are below them), and writes the rows whose class moved. Neither step reads the period's purchases as a whole. A run with
no change at all and no new day to cover leaves a tracked period as it is.
"""

import datetime as dt

from django.db import connection, transaction

from crm import pareto
from crm.models import Store
from customers.models import ContactLog, Customer, Purchase
from reports import rules
from reports.models import CustomerPeriod, FactSourceChange, Period

# What a fact row holds besides its period (the temporary table's columns, in order).
COLUMNS = [
    "customer_id",
    "store_id",
    "purchases",
    "amount",
    "first_at",
    "last_at",
    "abc",
    "r",
    "f",
    "m",
    "segment",
    "rated",
    "rating_sum",
    "surveys",
    "survey_sum",
    "referrals",
]
CHANGED = "reports_changed_facts"
CLAIMED = "reports_claimed_changes"
TOUCHED = "reports_touched_customers"
FIGURES = COLUMNS[:6] + COLUMNS[11:]  # what a customer's own rows give, before ranking
CLASSES = ["abc", "r", "f", "m", "segment"]

# A customer's own figures in the period: their purchases (``{only}`` may narrow the
# customers), then the rated contacts, surveys and referrals (``{side}`` joins, each
# narrowed by ``{only_side}``) of the rows ``s``.
_AGG_SQL = """
    SELECT p.customer_id AS customer_id, c.home_store_id AS store_id, COUNT(*) AS purchases,
           SUM(p.total) AS amount, MIN(p.purchased_at) AS first_at, MAX(p.purchased_at) AS last_at
    FROM {purchase} p JOIN {customer} c ON c.id = p.customer_id
    WHERE p.is_imported = %(false)s AND p.purchased_at >= %(lower)s AND p.purchased_at < %(upper)s {only}
    GROUP BY p.customer_id, c.home_store_id
"""
_SIDE_COLUMNS = """
       COALESCE(cl.rated, 0) AS rated, COALESCE(cl.rating_sum, 0) AS rating_sum,
       COALESCE(cs.surveys, 0) AS surveys, COALESCE(cs.survey_sum, 0) AS survey_sum,
       COALESCE(rf.referrals, 0) AS referrals
"""
_SIDE_SQL = """
LEFT JOIN (
    SELECT customer_id, COUNT(*) AS rated, SUM(satisfaction) AS rating_sum FROM {contact}
    WHERE satisfaction IS NOT NULL AND occurred_at >= %(lower)s AND occurred_at < %(upper)s {only_side}
    GROUP BY customer_id
) cl ON cl.customer_id = s.customer_id
LEFT JOIN (
    SELECT customer_id, COUNT(*) AS surveys, SUM(survey_score) AS survey_sum FROM {complaint}
    WHERE customer_id IS NOT NULL AND survey_score IS NOT NULL
      AND survey_answered_at >= %(lower)s AND survey_answered_at < %(upper)s {only_side}
    GROUP BY customer_id
) cs ON cs.customer_id = s.customer_id
LEFT JOIN (
    SELECT referred_by_id AS customer_id, COUNT(*) AS referrals FROM {customer}
    WHERE referred_by_id IS NOT NULL AND created_at >= %(lower)s AND created_at < %(upper)s {only_referrer}
    GROUP BY referred_by_id
) rf ON rf.customer_id = s.customer_id
"""

# Ranks within each home store. Ties share a rank (RANK()), so tied customers always
# land in the same class: the class of the first position the tie occupies.
# Spend class and segment: the CASEs generated from reports.rules (PARETO, RFM_GRID).
# R, F, M scores: 1 + 5 * (ascending rank - 1) / n, integer division, so 1..5 with ties
# sharing the lower score (R ascends with the last purchase time: most recent scores 5).
# Every window is a sort of the period's buyers: spend class and M share one.
_SELECT_SQL = """
WITH agg AS ({agg}), ranked AS (
    SELECT agg.*,
           COUNT(*) OVER (PARTITION BY store_id) AS n,
           RANK() OVER by_spend AS spend_rank,
           COUNT(*) OVER (by_spend RANGE BETWEEN CURRENT ROW AND CURRENT ROW) AS spend_ties,
           RANK() OVER (PARTITION BY store_id ORDER BY last_at) AS r_rank,
           RANK() OVER (PARTITION BY store_id ORDER BY purchases) AS f_rank
    FROM agg
    WINDOW by_spend AS (PARTITION BY store_id ORDER BY amount DESC)
), scored AS (
    -- The ascending rank by amount from the descending one, without a fourth sort:
    -- 1 + (customers spending less) = 1 + n - (spend_rank - 1) - spend_ties.
    SELECT ranked.*,
           1 + 5 * (r_rank - 1) / n AS r, 1 + 5 * (f_rank - 1) / n AS f,
           1 + 5 * (n - spend_rank + 1 - spend_ties) / n AS m
    FROM ranked
)
SELECT s.customer_id, s.store_id, s.purchases, s.amount, s.first_at, s.last_at,
       {pareto} AS abc,
       s.r, s.f, s.m,
       {segment} AS segment,
       {side_columns}
FROM scored s
{side}
"""
# The same figures unranked (``FIGURES``), for the customers of ``{only}``.
_FIGURES_SQL = """
WITH agg AS ({agg})
SELECT s.customer_id, s.store_id, s.purchases, s.amount, s.first_at, s.last_at, {side_columns}
FROM agg s
{side}
"""


def _tables() -> dict:
    from complaints.models import Complaint

    return {
        "purchase": Purchase._meta.db_table,
        "customer": Customer._meta.db_table,
        "contact": ContactLog._meta.db_table,
        "complaint": Complaint._meta.db_table,
    }


def _select_sql(template: str = _SELECT_SQL, only: str = "") -> str:
    """``template`` over every buyer of the period, or those of the temporary table
    ``only`` names."""
    tables = _tables()
    narrow = {"only": "", "only_side": "", "only_referrer": ""}
    if only:
        narrow = {
            "only": f"AND p.customer_id IN (SELECT customer_id FROM {only})",
            "only_side": f"AND customer_id IN (SELECT customer_id FROM {only})",
            "only_referrer": f"AND referred_by_id IN (SELECT customer_id FROM {only})",
        }
    return template.format(
        agg=_AGG_SQL.format(**tables, **narrow),
        side=_SIDE_SQL.format(**tables, **narrow),
        side_columns=_SIDE_COLUMNS,
        pareto=rules.pareto_sql("s.spend_rank", "s.n"),
        segment=rules.segment_sql("s.r", "s.f"),
    )


def refresh(period_id: int, lower: dt.datetime, upper: dt.datetime, *, since: dt.datetime | None = None) -> dict:
    """Bring the period's facts up to date from purchases in [lower, upper); returns the
    rows inserted, updated and deleted (and on the tracked path, ``since``, reclassed).
    Runs inside the caller's transaction, which holds the period's row lock. ``since``: the upper bound of the period's last computation,
    whose changes since are all claimed (``claim_changes``): only the customers they
    name, and those of [since, upper), are recomputed."""
    facts = CustomerPeriod._meta.db_table
    columns = ", ".join(COLUMNS)
    params = {"false": False, "lower": lower, "upper": upper, "period": period_id, "since": since}
    with connection.cursor() as cursor:
        # A tracked period's facts are what the job left (facts deleted by hand: untrack
        # the period, and it is computed whole).
        if since is None and not CustomerPeriod.objects.filter(period_id=period_id).exists():
            cursor.execute(
                f"INSERT INTO {facts} (period_id, {columns}) SELECT %(period)s, {columns} FROM ({_select_sql()}) fresh",
                params,
            )
            return {"inserted": cursor.rowcount, "updated": 0, "deleted": 0}
        if since is not None:
            return _refresh_touched(cursor, facts, params)
        cursor.execute(f"DROP TABLE IF EXISTS {CHANGED}")
        try:
            _changed_rows(cursor, facts, params)
            return _apply(cursor, facts, period_id)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {CHANGED}")


def _changed_rows(cursor, facts: str, params: dict) -> None:
    """The rows that differ between the recomputed facts and the stored ones, into the
    temporary table ``CHANGED``: the fresh values, and in ``had`` the stored row's
    customer (NULL: a new buyer; fresh values NULL: a row to delete)."""
    values = [name for name in COLUMNS if name != "customer_id"]
    theirs = ", ".join(f"f.{name}" for name in values)
    fresh = ", ".join(f"s.{name}" for name in values)
    stored = f"(SELECT * FROM {facts} WHERE period_id = %(period)s)"
    if connection.vendor == "postgresql":
        # One pass over both sides.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {CHANGED} AS SELECT s.*, f.customer_id AS had FROM ({_select_sql()}) s "
            f"FULL JOIN {stored} f ON f.customer_id = s.customer_id "
            f"WHERE s.customer_id IS NULL OR f.customer_id IS NULL OR ({theirs}) <> ({fresh})",
            params,
        )
        cursor.execute(f"ANALYZE {CHANGED}")
        return
    # SQLite before 3.39 has no FULL JOIN: the changed and new rows, then the gone ones.
    cursor.execute(f"DROP TABLE IF EXISTS {CHANGED}_fresh")
    cursor.execute(f"CREATE TEMPORARY TABLE {CHANGED}_fresh AS {_select_sql()}", params)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {CHANGED} AS SELECT s.*, f.customer_id AS had FROM {CHANGED}_fresh s "
        f"LEFT JOIN {stored} f ON f.customer_id = s.customer_id "
        f"WHERE f.customer_id IS NULL OR ({theirs}) <> ({fresh})",
        params,
    )
    cursor.execute(
        f"INSERT INTO {CHANGED} (had) SELECT f.customer_id FROM {stored} f "
        f"WHERE NOT EXISTS (SELECT 1 FROM {CHANGED}_fresh s WHERE s.customer_id = f.customer_id)",
        params,
    )
    cursor.execute(f"DROP TABLE {CHANGED}_fresh")


def _apply(cursor, facts: str, period_id: int) -> dict:
    values = [name for name in COLUMNS if name != "customer_id"]
    cursor.execute(
        f"DELETE FROM {facts} WHERE period_id = %s AND customer_id IN "
        f"(SELECT had FROM {CHANGED} WHERE customer_id IS NULL)",
        [period_id],
    )
    deleted = cursor.rowcount
    cursor.execute(
        f"UPDATE {facts} SET {', '.join(f'{name} = s.{name}' for name in values)} FROM {CHANGED} s "
        f"WHERE {facts}.period_id = %s AND {facts}.customer_id = s.had AND s.customer_id IS NOT NULL",
        [period_id],
    )
    updated = cursor.rowcount
    columns = ", ".join(COLUMNS)
    cursor.execute(
        f"INSERT INTO {facts} (period_id, {columns}) SELECT %s, {columns} FROM {CHANGED} WHERE had IS NULL",
        [period_id],
    )
    return {"inserted": cursor.rowcount, "updated": updated, "deleted": deleted}


# --- only what changed (PostgreSQL) -------------------------------------------------------


def claim_changes() -> int | None:
    """The customers noted as changed so far, into the temporary table ``CLAIMED`` for
    this run's periods; returns how many changes, None where nothing is tracked (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CLAIMED}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {CLAIMED} AS SELECT id, customer_id FROM {FactSourceChange._meta.db_table}"
        )
        claimed = cursor.rowcount
        cursor.execute(f"ANALYZE {CLAIMED}")
    return claimed


def release_changes(recomputed: list[int]) -> None:
    """After every period of the run is up to date: the claimed changes are spent, and a
    tracked period the run did not recompute no longer is (its facts miss them). Changes
    noted meanwhile stay for the next run."""
    with transaction.atomic():
        Period.objects.filter(tracked=True).exclude(pk__in=recomputed).update(tracked=False)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FactSourceChange._meta.db_table} WHERE id IN (SELECT id FROM {CLAIMED})")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CLAIMED}")


_TOUCHED_SQL = """
SELECT customer_id FROM {claimed}
UNION SELECT customer_id FROM {purchase} WHERE store_id IN ({stores})
    AND purchased_at >= %(since)s AND purchased_at < %(upper)s AND customer_id IS NOT NULL
UNION SELECT customer_id FROM {contact} WHERE occurred_at >= %(since)s AND occurred_at < %(upper)s
    AND satisfaction IS NOT NULL AND customer_id IS NOT NULL
UNION SELECT customer_id FROM {complaint} WHERE survey_answered_at >= %(since)s AND survey_answered_at < %(upper)s
    AND customer_id IS NOT NULL
UNION SELECT referred_by_id FROM {customer} WHERE home_store_id IN ({stores})
    AND created_at >= %(since)s AND created_at < %(upper)s AND referred_by_id IS NOT NULL
"""


def _refresh_touched(cursor, facts: str, params: dict) -> dict:
    stores = ", ".join(str(pk) for pk in Store.objects.values_list("pk", flat=True)) or "NULL"
    cursor.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
    cursor.execute(f"DROP TABLE IF EXISTS {CHANGED}")
    try:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TOUCHED} AS {_TOUCHED_SQL.format(claimed=CLAIMED, stores=stores, **_tables())}",
            params,
        )
        cursor.execute(f"ANALYZE {TOUCHED}")
        # The touched customers' own figures; those without a purchase in the period drop out.
        cursor.execute(f"CREATE TEMPORARY TABLE {CHANGED} AS {_select_sql(_FIGURES_SQL, TOUCHED)}", params)
        cursor.execute(f"ANALYZE {CHANGED}")
        # A few thousand rows looked up by key: left to itself the planner hashes the
        # whole period's rows to join them (seconds instead of milliseconds).
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        counts = _apply_figures(cursor, facts, params["period"])
        cursor.execute("SET LOCAL enable_hashjoin = on")
        cursor.execute("SET LOCAL enable_mergejoin = on")
        counts["reclassed"] = _reclassify(cursor, facts, params["period"])
        return counts
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
        cursor.execute(f"DROP TABLE IF EXISTS {CHANGED}")


def _apply_figures(cursor, facts: str, period_id: int) -> dict:
    """The recomputed figures of the touched customers written over the stored ones: rows
    whose buyer is gone deleted, changed ones updated, new buyers inserted (their classes
    set by ``_reclassify``)."""
    cursor.execute(
        f"DELETE FROM {facts} WHERE period_id = %s AND customer_id IN (SELECT customer_id FROM {TOUCHED}) "
        f"AND NOT EXISTS (SELECT 1 FROM {CHANGED} s WHERE s.customer_id = {facts}.customer_id)",
        [period_id],
    )
    deleted = cursor.rowcount
    values = FIGURES[1:]
    stored = ", ".join(f"{facts}.{name}" for name in values)
    fresh = ", ".join(f"s.{name}" for name in values)
    cursor.execute(
        f"UPDATE {facts} SET {', '.join(f'{name} = s.{name}' for name in values)} FROM {CHANGED} s "
        f"WHERE {facts}.period_id = %s AND {facts}.customer_id = s.customer_id AND ({stored}) IS DISTINCT FROM ({fresh})",
        [period_id],
    )
    updated = cursor.rowcount
    placeholder = {"abc": "''", "r": "0", "f": "0", "m": "0", "segment": "''"}
    cursor.execute(
        f"INSERT INTO {facts} (period_id, {', '.join(FIGURES + CLASSES)}) "
        f"SELECT %s, {', '.join(f's.{name}' for name in FIGURES)}, {', '.join(placeholder[c] for c in CLASSES)} "
        f"FROM {CHANGED} s WHERE NOT EXISTS "
        f"(SELECT 1 FROM {facts} f WHERE f.period_id = %s AND f.customer_id = s.customer_id)",
        [period_id, period_id],
    )
    return {"inserted": cursor.rowcount, "updated": updated, "deleted": deleted}


def _reclassify(cursor, facts: str, period_id: int) -> int:
    """Every buyer's spend class, R, F, M and segment from their store's thresholds, the
    rows whose class moved rewritten; returns how many.

    A score is 1 + 5 * (customers of the store below) / n (integer division), so it is
    at least k exactly when the value is above the store's ``ceil((k - 1) n / 5)``-th
    smallest; a spend class holds while at most ``ceil(tenths n / 10) - 1`` customers
    spend more, so exactly when the spend reaches the ``n - that``-th smallest. The
    thresholds are read from each store's values sorted once; the same classes as the
    ranks of ``_SELECT_SQL``, ties included."""
    picks = []
    for array in ("la", "pu", "am"):
        picks += [f"{array}[({k - 1} * n + 4) / 5] AS {array}{k}" for k in range(2, 6)]
    picks += [f"am[n - ({tenths} * n - 1) / 10] AS abc_{code}" for code, tenths in pareto.PARETO[:-1]]
    cursor.execute(f"DROP TABLE IF EXISTS {TOUCHED}_bounds")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {TOUCHED}_bounds AS SELECT store_id, {', '.join(picks)} FROM ("
        f"SELECT store_id, COUNT(*) AS n, array_agg(last_at ORDER BY last_at) AS la, "
        f"array_agg(purchases ORDER BY purchases) AS pu, array_agg(amount ORDER BY amount) AS am "
        f"FROM {facts} WHERE period_id = %s GROUP BY store_id) sorted",
        [period_id],
    )

    def score(column: str, array: str) -> str:
        return (
            "(1" + "".join(f" + CASE WHEN {facts}.{column} > t.{array}{k} THEN 1 ELSE 0 END" for k in range(2, 6)) + ")"
        )

    r, f, m = score("last_at", "la"), score("purchases", "pu"), score("amount", "am")
    whens = " ".join(f"WHEN {facts}.amount >= t.abc_{code} THEN '{code}'" for code, _t in pareto.PARETO[:-1])
    fresh = {"abc": f"CASE {whens} ELSE '{pareto.PARETO[-1][0]}' END", "r": r, "f": f, "m": m}
    fresh["segment"] = rules.segment_sql(r, f)
    try:
        cursor.execute(
            f"UPDATE {facts} SET {', '.join(f'{name} = {fresh[name]}' for name in CLASSES)} "
            f"FROM {TOUCHED}_bounds t WHERE {facts}.period_id = %s AND {facts}.store_id = t.store_id "
            # The segment follows R and F: not compared.
            f"AND ({', '.join(f'{facts}.{name}' for name in CLASSES[:-1])}) IS DISTINCT FROM "
            f"({', '.join(fresh[name] for name in CLASSES[:-1])})",
            [period_id],
        )
        return cursor.rowcount
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {TOUCHED}_bounds")
