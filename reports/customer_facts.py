"""A period's per-customer facts (``CustomerPeriod``), brought up to date in place.

The facts are recomputed from the source tables and compared with the stored rows in one
statement (a FULL JOIN on PostgreSQL), which leaves the differences in a temporary table;
only those are written: the customers whose figures or classes changed are
updated, new buyers inserted, rows without a source any more deleted. A normal day
rewrites the few thousand rows its sales, callbacks and rank shifts touched instead of
deleting and re-inserting every buyer of the quarter, half year and year (a million rows
with five indexes each at a million customers). A period computed for the first time is
inserted directly.
"""

import datetime as dt

from django.db import connection

from customers.models import ContactLog, Customer, Purchase
from reports import rules
from reports.models import CustomerPeriod

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

# Ranks within each home store. Ties share a rank (RANK()), so tied customers always
# land in the same class: the class of the first position the tie occupies.
# Spend class and segment: the CASEs generated from reports.rules (PARETO, RFM_GRID).
# R, F, M scores: 1 + 5 * (ascending rank - 1) / n, integer division, so 1..5 with ties
# sharing the lower score (R ascends with the last purchase time: most recent scores 5).
# Every window is a sort of the period's buyers: spend class and M share one.
_SELECT_SQL = """
WITH agg AS (
    SELECT p.customer_id AS customer_id, c.home_store_id AS store_id, COUNT(*) AS purchases,
           SUM(p.total) AS amount, MIN(p.purchased_at) AS first_at, MAX(p.purchased_at) AS last_at
    FROM {purchase} p JOIN {customer} c ON c.id = p.customer_id
    WHERE p.is_imported = %(false)s AND p.purchased_at >= %(lower)s AND p.purchased_at < %(upper)s
    GROUP BY p.customer_id, c.home_store_id
), ranked AS (
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
       COALESCE(cl.rated, 0) AS rated, COALESCE(cl.rating_sum, 0) AS rating_sum,
       COALESCE(cs.surveys, 0) AS surveys, COALESCE(cs.survey_sum, 0) AS survey_sum,
       COALESCE(rf.referrals, 0) AS referrals
FROM scored s
LEFT JOIN (
    SELECT customer_id, COUNT(*) AS rated, SUM(satisfaction) AS rating_sum FROM {contact}
    WHERE satisfaction IS NOT NULL AND occurred_at >= %(lower)s AND occurred_at < %(upper)s
    GROUP BY customer_id
) cl ON cl.customer_id = s.customer_id
LEFT JOIN (
    SELECT customer_id, COUNT(*) AS surveys, SUM(survey_score) AS survey_sum FROM {complaint}
    WHERE customer_id IS NOT NULL AND survey_score IS NOT NULL
      AND survey_answered_at >= %(lower)s AND survey_answered_at < %(upper)s
    GROUP BY customer_id
) cs ON cs.customer_id = s.customer_id
LEFT JOIN (
    SELECT referred_by_id AS customer_id, COUNT(*) AS referrals FROM {customer}
    WHERE referred_by_id IS NOT NULL AND created_at >= %(lower)s AND created_at < %(upper)s
    GROUP BY referred_by_id
) rf ON rf.customer_id = s.customer_id
"""


def _select_sql() -> str:
    from complaints.models import Complaint

    return _SELECT_SQL.format(
        pareto=rules.pareto_sql("s.spend_rank", "s.n"),
        segment=rules.segment_sql("s.r", "s.f"),
        purchase=Purchase._meta.db_table,
        customer=Customer._meta.db_table,
        contact=ContactLog._meta.db_table,
        complaint=Complaint._meta.db_table,
    )


def refresh(period_id: int, lower: dt.datetime, upper: dt.datetime) -> dict:
    """Bring the period's facts up to date from purchases in [lower, upper); returns the
    rows inserted, updated and deleted. Runs inside the caller's transaction, which holds
    the period's row lock."""
    facts = CustomerPeriod._meta.db_table
    columns = ", ".join(COLUMNS)
    params = {"false": False, "lower": lower, "upper": upper, "period": period_id}
    with connection.cursor() as cursor:
        if not CustomerPeriod.objects.filter(period_id=period_id).exists():
            cursor.execute(
                f"INSERT INTO {facts} (period_id, {columns}) SELECT %(period)s, {columns} FROM ({_select_sql()}) fresh",
                params,
            )
            return {"inserted": cursor.rowcount, "updated": 0, "deleted": 0}
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
