"""The daily tier check, set-based: everyone whose purchases meet a rule above their tier
gets the evaluation and the card application ``check_eligibility`` would give them, in a
fixed number of statements whatever the number of customers.

One aggregate over the purchases finds every customer's standing (largest single purchase
and spend, per rule and window) into a temporary table; the evaluations are upserted,
open applications raised and new ones inserted from it with ``INSERT … SELECT``. The
partial unique index (one open application per customer) keeps a purchase recorded at the
same moment, or a second run, from opening another: a conflicting row is skipped.

The purchase-time check (``tiers.check_eligibility``) stays the per-customer path; this
module writes exactly what it would write for each customer the daily check selects (a
test compares the two). PostgreSQL runs the set-based statements; other databases (the
embedded SQLite demo) check the selected customers one at a time.

A second run of the same day under the same rules (a catch-up after a crash, a run by
hand) looks only at the customers noted in ``StandingChange`` since: triggers note every
change that could let a customer newly qualify (migration 0005), so everyone else would
come out as the last run left them. A run claims the noted rows visible at its start
and removes exactly those at its end; rows noted meanwhile stay for the next run. A new
day, or new rules, checks everyone again: the window moves and the rules change.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Purchase, Tier
from loyalty.check_models import StandingChange, TierCheckMark
from loyalty.models import (
    OPEN_STATUSES,
    ApplicationEvent,
    ApplicationStatus,
    CardApplication,
    RuleVersion,
    TierEvaluation,
)

TEMP = "loyalty_daily_standing"
CLAIMED = "loyalty_claimed_changes"
# The job's statements aggregate every customer's purchases at once: enough memory to
# hash them without spilling to disk (this transaction only).
WORK_MEM = "128MB"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _rules(version: RuleVersion) -> dict:
    return {rule.tier: rule for rule in version.rules.all()}


def standing_sql(version: RuleVersion, day: dt.date, claimed_only: bool = False) -> tuple[str, dict]:
    """The SELECT of every candidate's standing on ``day`` under ``version``, and its params;
    with ``claimed_only``, of the customers in the claimed changes only.

    A candidate is below a rule's tier, meets it (single purchase or spend), and has no
    open application for that tier or higher: what the row-at-a-time check selected.
    """
    rules = _rules(version)
    params = {"end": _day_start(day + dt.timedelta(days=1)), "open": list(OPEN_STATUSES)}
    singles, sums, columns = [], [], []
    for tier in (Tier.B, Tier.A):
        rule, t = rules[tier], tier.lower()
        params[f"single_{t}"] = rule.single_threshold
        params[f"cum_{t}"] = rule.cumulative_threshold
        if rule.window_days:
            params[f"since_{t}"] = _day_start(day - dt.timedelta(days=rule.window_days - 1))
            window = f"WHERE p.purchased_at >= %(since_{t})s"
            singles.append(f"MAX(p.total) FILTER ({window}) AS single_{t}")
            sums.append(f"SUM(p.total) FILTER ({window}) AS sum_{t}")
            columns.append(f"COALESCE(b.single_{t}, 0) AS single_{t}, COALESCE(b.sum_{t}, 0) AS cum_{t}")
        else:
            singles.append(f"MAX(p.total) AS single_{t}")
            columns.append(f"COALESCE(b.single_{t}, 0) AS single_{t}, c.cumulative_spend AS cum_{t}")
    # Without purchases a customer can still meet a rule without a window on the
    # cumulative spend an import brought in.
    no_window = [tier.lower() for tier in (Tier.B, Tier.A) if not rules[tier].window_days]
    by_spend = " OR ".join(f"c.cumulative_spend >= %(cum_{t})s" for t in no_window) or "FALSE"
    claimed = f"IN (SELECT DISTINCT customer_id FROM {CLAIMED})"
    only_purchases = f"AND p.customer_id {claimed}" if claimed_only else ""
    only_customers = f"AND c.id {claimed}" if claimed_only else ""
    sql = f"""
        WITH bought AS (
            SELECT p.customer_id, {", ".join(singles + sums)}
            FROM {Purchase._meta.db_table} p
            WHERE p.customer_id IS NOT NULL AND NOT p.is_imported AND p.purchased_at < %(end)s
              {only_purchases}
            GROUP BY p.customer_id
        ), standing AS (
            SELECT c.id AS customer_id, c.tier, c.home_store_id, c.last_purchase_at, c.cumulative_spend,
                   {", ".join(columns)}
            FROM {Customer._meta.db_table} c LEFT JOIN bought b ON b.customer_id = c.id
            WHERE c.tier IN ('C', 'B') AND (b.customer_id IS NOT NULL OR {by_spend})
              {only_customers}
        ), met AS (
            SELECT s.*,
                   (s.single_b >= %(single_b)s OR s.cum_b >= %(cum_b)s) AS met_b,
                   (s.single_a >= %(single_a)s OR s.cum_a >= %(cum_a)s) AS met_a
            FROM standing s
        )
        SELECT m.customer_id, m.tier, m.home_store_id, m.last_purchase_at, m.cumulative_spend,
               GREATEST(m.single_b, m.single_a) AS max_single, m.cum_a AS window_cumulative,
               CASE WHEN m.met_a THEN 'A' WHEN m.met_b AND m.tier = 'C' THEN 'B' ELSE m.tier END AS eligible,
               o.id AS open_id, o.target_tier AS open_target, o.status AS open_status
        FROM met m
        LEFT JOIN {CardApplication._meta.db_table} o
               ON o.customer_id = m.customer_id AND o.status = ANY(%(open)s)
        WHERE (m.met_a AND (o.target_tier IS NULL OR o.target_tier <> 'A'))
           OR (m.met_b AND m.tier = 'C' AND o.id IS NULL)
    """
    return sql, params


def tier_check(day: dt.date, version: RuleVersion) -> dict:
    """The daily check on PostgreSQL (see the module docstring); returns its counts."""
    now = timezone.now()
    applications = CardApplication._meta.db_table
    events = ApplicationEvent._meta.db_table
    evaluations = TierEvaluation._meta.db_table
    params = dict(
        day=day,
        now=now,
        version=version.pk,
        rejected=ApplicationStatus.REJECTED,
        created=ApplicationStatus.CREATED,
        opened_note=(_("Opened automatically (rules v%(v)s)") % {"v": version.number})[:200],
        raised_note=(_("Now eligible for %(tier)s") % {"tier": Tier.A.label})[:200],
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        whole = _claim_changes(cursor, day, version)
        select, standing_params = standing_sql(version, day, claimed_only=not whole)
        params.update(standing_params)
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
        cursor.execute(f"CREATE TEMP TABLE {TEMP} ON COMMIT DROP AS {select}", params)
        checked = cursor.rowcount
        # One evaluation per customer and day, however often the check runs.
        cursor.execute(
            f"""
            INSERT INTO {evaluations} (customer_id, "on", at, rule_version_id, current_tier, eligible_tier,
                                       max_single, cumulative, window_cumulative, purchase_id)
            SELECT customer_id, %(day)s, %(now)s, %(version)s, tier, eligible,
                   max_single, cumulative_spend, window_cumulative, NULL
            FROM {TEMP}
            ON CONFLICT (customer_id, "on") WHERE purchase_id IS NULL DO UPDATE SET
                at = EXCLUDED.at, rule_version_id = EXCLUDED.rule_version_id,
                current_tier = EXCLUDED.current_tier, eligible_tier = EXCLUDED.eligible_tier,
                max_single = EXCLUDED.max_single, cumulative = EXCLUDED.cumulative,
                window_cumulative = EXCLUDED.window_cumulative
            """,
            params,
        )
        # An open silver application of a customer now eligible for gold applies for gold.
        cursor.execute(
            f"""
            WITH raised AS (
                UPDATE {applications} a SET target_tier = 'A', rule_version_id = %(version)s
                FROM {TEMP} t
                WHERE a.id = t.open_id AND t.eligible = 'A' AND a.target_tier = 'B' AND a.status = ANY(%(open)s)
                RETURNING a.id, a.status
            )
            INSERT INTO {events} (application_id, status, at, by_id, note)
            SELECT id, status, %(now)s, NULL, %(raised_note)s FROM raised
            """,
            params,
        )
        raised = cursor.rowcount
        # Everyone else gets an application, unless head office rejected one for this
        # tier or higher since their last purchase. A conflict on the one-open index
        # means a purchase opened one meanwhile.
        cursor.execute(
            f"""
            WITH opened AS (
                INSERT INTO {applications} (customer_id, store_id, from_tier, target_tier, status,
                    rule_version_id, purchase_id, relative_name, relative_phone, note, created_at,
                    created_by_id, reject_reason)
                SELECT t.customer_id, t.home_store_id, t.tier, t.eligible, %(created)s,
                       %(version)s, NULL, '', '', '', %(now)s, NULL, ''
                FROM {TEMP} t
                JOIN {Customer._meta.db_table} c ON c.id = t.customer_id AND c.tier = t.tier
                WHERE t.open_id IS NULL AND NOT EXISTS (
                    SELECT 1 FROM {applications} r
                    WHERE r.customer_id = t.customer_id AND r.status = %(rejected)s
                      AND (r.target_tier = t.eligible OR r.target_tier = 'A')
                      AND (t.last_purchase_at IS NULL OR r.decided_at >= t.last_purchase_at)
                )
                ORDER BY t.customer_id
                ON CONFLICT DO NOTHING
                RETURNING id
            )
            INSERT INTO {events} (application_id, status, at, by_id, note)
            SELECT id, %(created)s, %(now)s, NULL, %(opened_note)s FROM opened
            """,
            params,
        )
        opened = cursor.rowcount
        _release_changes(cursor, day, version, whole)
    return {"checked": checked, "applications_opened": opened, "applications_raised": raised, "whole": whole}


def _claim_changes(cursor, day: dt.date, version: RuleVersion) -> bool:
    """Claim the changes noted so far; True if this run must check everyone (see the
    module docstring), False if the claimed customers are enough."""
    changes = StandingChange._meta.db_table
    cursor.execute(f"DROP TABLE IF EXISTS {CLAIMED}")
    cursor.execute(f"CREATE TEMP TABLE {CLAIMED} ON COMMIT DROP AS SELECT id, customer_id FROM {changes}")
    cursor.execute(f"ANALYZE {CLAIMED}")
    mark = TierCheckMark.objects.filter(pk=1).first()
    return mark is None or mark.day != day or mark.rule_version_id != version.pk


def _release_changes(cursor, day: dt.date, version: RuleVersion, whole: bool) -> None:
    """Remove the claimed changes (a whole check covered them too) and, after a whole
    check, remember its day and rules."""
    changes = StandingChange._meta.db_table
    cursor.execute(f"DELETE FROM {changes} WHERE id IN (SELECT id FROM {CLAIMED})")
    if whole:
        TierCheckMark.objects.update_or_create(
            pk=1, defaults={"day": day, "rule_version": version, "finished_at": timezone.now()}
        )
