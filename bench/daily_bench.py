"""Benchmark of the daily jobs on a loaded chain (not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedang_bench \\
        .venv/bin/python bench/daily_bench.py [--customers-qualifying 100000]

Uses the chain ``bench/reports_bench.py`` loads (run that first, with ``--keep`` to
reuse it). For the day after the data, prints per job the time of a first run, of a
second run of the same day, and of a next day on which ``--customers-qualifying``
customers (scaled with the chain: 100,000 at 1M customers) newly qualify for a card, a
birthday greeting and its SMS; beside each, the plain SQL that does the same work
(the lower bound), timed in the same run on the same state, and the ratio. Everything
happens in one transaction that is rolled back: the loaded chain stays as it was.
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports_load import open_loaded_chain  # noqa: E402  (bench/ is on the path: the script's own folder)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers-qualifying", type=int, default=None, help="default: 10%% of the customers")
    parser.add_argument("--skip", action="append", default=[], help="leave this job out (repeatable)")
    return parser.parse_args()


# --- the plain SQL of each job (lower bounds) -------------------------------------------

BOUNDS = {
    "loyalty.tier_check": [
        # One statement: every customer's standing, evaluations upserted, applications and
        # their first step inserted (default-shaped rules: B no window, A a window).
        """
        WITH bought AS (
            SELECT customer_id, MAX(total) AS single_all, MAX(total) FILTER (WHERE purchased_at >= %(since)s) AS single_w,
                   SUM(total) FILTER (WHERE purchased_at >= %(since)s) AS sum_w
            FROM customers_purchase WHERE customer_id IS NOT NULL AND NOT is_imported AND purchased_at < %(end)s
            GROUP BY customer_id
        ), s AS MATERIALIZED (
            SELECT c.id, c.tier, c.home_store_id, c.cumulative_spend, c.last_purchase_at,
                   COALESCE(b.single_all, 0) AS single_all, COALESCE(b.single_w, 0) AS single_w,
                   COALESCE(b.sum_w, 0) AS sum_w,
                   CASE WHEN COALESCE(b.single_w, 0) >= %(a_single)s OR COALESCE(b.sum_w, 0) >= %(a_cum)s THEN 'A'
                        WHEN c.tier = 'C' AND (COALESCE(b.single_all, 0) >= %(b_single)s
                             OR c.cumulative_spend >= %(b_cum)s) THEN 'B' ELSE c.tier END AS eligible,
                   o.target_tier AS open_target
            FROM customers_customer c LEFT JOIN bought b ON b.customer_id = c.id
            LEFT JOIN loyalty_cardapplication o
                   ON o.customer_id = c.id AND o.status IN ('created', 'entered', 'submitted')
            WHERE c.tier IN ('C', 'B')
        ), candidates AS MATERIALIZED (
            SELECT * FROM s WHERE eligible <> tier AND (open_target IS NULL OR (eligible = 'A' AND open_target = 'B'))
        ), evaluated AS (
            INSERT INTO loyalty_tierevaluation (customer_id, "on", at, rule_version_id, current_tier, eligible_tier,
                                                max_single, cumulative, window_cumulative, purchase_id)
            SELECT id, %(day)s, now(), %(version)s, tier, eligible, GREATEST(single_all, single_w), cumulative_spend,
                   sum_w, NULL FROM candidates
            ON CONFLICT (customer_id, "on") WHERE purchase_id IS NULL DO UPDATE SET at = EXCLUDED.at
        ), opened AS (
            INSERT INTO loyalty_cardapplication (customer_id, store_id, from_tier, target_tier, status, rule_version_id,
                relative_name, relative_phone, note, created_at, reject_reason)
            SELECT id, home_store_id, tier, eligible, 'created', %(version)s, '', '', '', now(), ''
            FROM candidates t WHERE open_target IS NULL AND NOT EXISTS (
                SELECT 1 FROM loyalty_cardapplication r WHERE r.customer_id = t.id AND r.status = 'rejected'
                AND (t.last_purchase_at IS NULL OR r.decided_at >= t.last_purchase_at))
            ON CONFLICT DO NOTHING RETURNING id
        )
        INSERT INTO loyalty_applicationevent (application_id, status, at, note)
        SELECT id, 'created', now(), 'bound' FROM opened
        """
    ],
    "followups.greetings": [
        f"""
        INSERT INTO followups_followuptask (customer_id, store_id, assignee_id, kind, greeting, channel, purpose,
            script, template_id, due_date, status, overdue, attempts, outcome, note, proposal_note, created_at)
        SELECT id, home_store_id, clerk_id, 'greeting', '{field}', 'sms', 'g', '', NULL, %(day)s, 'pending',
               false, 0, '', '', '', now()
        FROM customers_customer
        WHERE marketing_consent AND marketing_opt_out_at IS NULL AND NOT mobile_invalid AND mobile <> ''
          AND NOT consent_pending AND EXTRACT(month FROM {field}) = %(month)s AND EXTRACT(day FROM {field}) = %(dom)s
          AND EXTRACT(year FROM {field}) < %(year)s
        ON CONFLICT DO NOTHING
        """
        for field in ("birthday", "wedding_anniversary", "member_since")
    ],
    "followups.damping": [
        """
        SELECT customer_id FROM (
            SELECT customer_id, points_at_contact,
                   row_number() OVER (PARTITION BY customer_id ORDER BY completed_at DESC, id DESC) AS place
            FROM followups_followuptask
            WHERE status = 'done' AND outcome IN ('satisfied', 'problem') AND points_at_contact IS NOT NULL
              AND customer_id IN (SELECT customer_id FROM followups_followuptask
                                  WHERE status = 'done' AND outcome IN ('satisfied', 'problem')
                                    AND points_at_contact IS NOT NULL
                                    AND completed_at >= %(week_ago)s AND completed_at < %(end)s)
        ) ranked WHERE place = 3
        """
    ],
    "followups.overdue": [
        """
        UPDATE followups_followuptask SET overdue = true
        WHERE status = 'pending' AND channel <> 'sms' AND due_date < %(day)s AND NOT overdue
        """
    ],
    "followups.send_messages": [
        # Drop what is too late, queue every due SMS with a fixed text, mark it sent, log
        # it, close its task.
        """
        UPDATE followups_followuptask t SET status = 'cancelled', note = 'too late to send'
        WHERE t.channel = 'sms' AND t.status = 'pending' AND t.due_date < %(late)s
          AND NOT EXISTS (SELECT 1 FROM followups_outboundmessage m WHERE m.task_id = t.id)
        """,
        """
        WITH due AS MATERIALIZED (
            SELECT t.id, t.customer_id, t.store_id, c.mobile FROM followups_followuptask t
            JOIN customers_customer c ON c.id = t.customer_id
            WHERE t.channel = 'sms' AND t.status = 'pending' AND t.due_date <= %(day)s
              AND t.due_date >= %(late)s AND c.marketing_consent AND c.marketing_opt_out_at IS NULL
              AND NOT c.mobile_invalid AND c.mobile <> ''
              AND NOT EXISTS (SELECT 1 FROM followups_outboundmessage m WHERE m.task_id = t.id)
        ), sent AS (
            INSERT INTO followups_outboundmessage (key, customer_id, store_id, task_id, mobile, body, status,
                attempts, provider_id, last_error, created_at, sent_at)
            SELECT 'task:' || id, customer_id, store_id, id, mobile, 'text', 'sent', 1, '', '', now(), now()
            FROM due ON CONFLICT DO NOTHING RETURNING task_id, customer_id, store_id
        ), logged AS (
            INSERT INTO customers_contactlog (customer_id, store_id, channel, occurred_at, purpose, outcome,
                churn_reason, note)
            SELECT customer_id, store_id, 'sms', now(), 'p', 'sent', '', 'text' FROM sent
        )
        UPDATE followups_followuptask t SET status = 'done', outcome = 'sent', completed_at = now()
        FROM sent WHERE t.id = sent.task_id
        """,
    ],
    "complaints.escalate": [
        """
        WITH overdue AS MATERIALIZED (
            SELECT id, reopened_count, owner_id,
                   CASE WHEN first_responded_at IS NULL AND first_response_due < %(now)s
                        THEN 'first_response' ELSE 'resolution' END AS kind
            FROM complaints_complaint
            WHERE status IN ('new', 'investigating')
              AND ((first_responded_at IS NULL AND first_response_due < %(now)s) OR resolution_due < %(now)s)
        ), breached AS (
            INSERT INTO complaints_breach (complaint_id, round, level, kind, at)
            SELECT id, reopened_count, 1, kind, %(now)s FROM overdue ON CONFLICT DO NOTHING
            RETURNING complaint_id
        )
        INSERT INTO complaints_notification (recipient_id, text, link, key, created_at, complaint_id)
        SELECT o.owner_id, 'breach', '', 'bound:' || o.id, now(), o.id
        FROM breached b JOIN overdue o ON o.id = b.complaint_id WHERE o.owner_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """
    ],
}


def bound_params(day: dt.date) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from loyalty.services import current_rules

    version = current_rules()
    rules = {rule.tier: rule for rule in version.rules.all()}

    def start(d):
        return timezone.make_aware(dt.datetime.combine(d, dt.time.min))

    end = start(day + dt.timedelta(days=1))
    return {
        "day": day,
        "end": end,
        "now": min(timezone.now(), end),
        "since": start(day - dt.timedelta(days=(rules["A"].window_days or 36500) - 1)),
        "a_single": rules["A"].single_threshold,
        "a_cum": rules["A"].cumulative_threshold,
        "b_single": rules["B"].single_threshold,
        "b_cum": rules["B"].cumulative_threshold,
        "version": version.pk,
        "greeting": "birthday",
        "month": day.month,
        "dom": day.day,
        "year": day.year,
        "week_ago": start(day - dt.timedelta(days=7)),
        "late": day - dt.timedelta(days=settings.KEDANG_SMS_MAX_LATE_DAYS),
    }


# --- running -----------------------------------------------------------------------------


def timed(fn) -> tuple[float, object]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def run_bound(name: str, day: dt.date) -> float | None:
    """The job's plain SQL on the current state, rolled back afterwards."""
    from django.db import connection, transaction

    statements = BOUNDS.get(name)
    if not statements:
        return None
    params = bound_params(day)
    with transaction.atomic():
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
        seconds = time.perf_counter() - began
        transaction.set_rollback(True)
    return seconds


def run_day(label: str, day: dt.date, rows: list, skip: list[str]) -> None:
    """Every job for ``day`` in order; before each, its lower bound on the same state."""
    from crm.jobs import registered_jobs

    print(f"{label} ({day}):", flush=True)
    total = bound_total = 0.0
    for job in registered_jobs():
        if job.name in skip:
            continue
        bound = run_bound(job.name, day)
        seconds, counts = timed(lambda job=job: job.fn(day))
        total += seconds
        bound_total += bound or 0
        ratio = f"{seconds / bound:5.1f}×" if bound else "   — "
        bound_text = f"{bound:8.2f} s" if bound is not None else "       —  "
        print(f"  {job.name:<28} {seconds:8.2f} s   bound {bound_text}   {ratio}   {counts}", flush=True)
        rows.append((label, job.name, seconds, bound))
    print(f"  {'all jobs':<28} {total:8.2f} s   bound of the jobs that have one {bound_total:.2f} s", flush=True)


def newly_qualifying(count: int, day: dt.date) -> int:
    """``count`` customers without a card application get a silver-level spend (as an
    import brings) and a birthday on ``day``: each needs an application, a greeting, an SMS."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE customers_customer SET cumulative_spend = 6000, birthday = %s, marketing_consent = true,
                   marketing_opt_out_at = NULL, mobile_invalid = false, consent_pending = false
            WHERE id IN (
                SELECT c.id FROM customers_customer c
                WHERE c.tier = 'C' AND c.mobile IS NOT NULL AND c.cumulative_spend < 5000
                  AND NOT EXISTS (SELECT 1 FROM loyalty_cardapplication a WHERE a.customer_id = c.id)
                ORDER BY c.id LIMIT %s)
            """,
            [day.replace(year=1990), count],
        )
        return cursor.rowcount


def main() -> None:
    args = parse_args()
    day = open_loaded_chain()
    from django.conf import settings
    from django.db import connection, transaction

    from customers.models import Customer, Purchase

    settings.KEDANG_SMS_BACKEND = "followups.sms.backends.locmem.SmsBackend"
    customers = Customer.objects.count()
    qualifying = args.customers_qualifying or customers // 10
    print(f"chain of {customers:,} customers, {Purchase.objects.count():,} purchases; the day after the data: {day}")
    rows: list = []
    with transaction.atomic(), connection.cursor() as cursor:
        # The memory the set-based tier check gives itself, for the bounds as well.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        run_day("first run", day, rows, args.skip)
        run_day("second run, same day", day, rows, args.skip)
        changed = newly_qualifying(qualifying, day + dt.timedelta(days=1))
        run_day(f"next day, {changed:,} customers newly qualifying", day + dt.timedelta(days=1), rows, args.skip)
        transaction.set_rollback(True)
    bounded = [seconds / bound for _label, _name, seconds, bound in rows if bound and bound > 0.05]
    if bounded:
        print(
            f"ratio to the lower bound (runs over 50 ms): median {statistics.median(bounded):.1f}×, max {max(bounded):.1f}×"
        )


if __name__ == "__main__":
    main()
