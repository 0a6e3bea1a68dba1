"""Benchmark of the reports app on a chain's data (not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedang_bench \\
        .venv/bin/python bench/reports_bench.py [--scale 0.01] [--keep]

Creates (drops first) the database named in DATABASE_URL, applies the migrations, loads
50 stores, 1,000,000 customers, 5,000,000 purchases and 10,000,000 follow-up tasks times
``--scale`` (plus contacts, card applications and complaints) with COPY, runs the
summary job twice (the first run backfills two years; the second is a normal day) and
prints the median response time of every dashboard and analysis page.
``--keep`` reuses an existing loaded database and only re-runs the timings.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STORES, REGIONS, CLERKS_PER_STORE = 50, 5, 8
DAYS = 730
CHUNK = 200_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M customers, 5M purchases, 10M tasks")
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database, only time the pages")
    parser.add_argument("--requests", type=int, default=7, help="requests per page (median reported)")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not (name.startswith("kedang_bench") or (name.startswith("kedang_") and name.endswith("_bench"))):
        sys.exit(f"refusing to drop {name!r}: a benchmark database is named kedang_bench… or kedang_…_bench")
    admin = psycopg2.connect(
        host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres", dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def step(label: str):
    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"{label} ...", end="", flush=True)
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.start
            print(f" {self.seconds:.1f} s", flush=True)

    return Timer()


# --- loading ------------------------------------------------------------------------------


def _defaults(model) -> dict[str, str]:
    """A COPY text value for every column of ``model``: NULL where allowed, else the
    field's default or an empty value. Callers override what matters."""
    from django.db.models import NOT_PROVIDED, BooleanField, DecimalField, IntegerField, PositiveIntegerField

    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        if field.null:
            values[column] = r"\N"
        elif field.default is not NOT_PROVIDED and not callable(field.default):
            default = field.default
            values[column] = ("t" if default else "f") if isinstance(default, bool) else str(default)
        elif isinstance(field, BooleanField):
            values[column] = "f"
        elif isinstance(field, IntegerField | PositiveIntegerField | DecimalField):
            values[column] = "0"
        else:
            values[column] = ""
    return values


def copy_rows(model, rows, override_columns: list[str]) -> int:
    """COPY ``rows`` (tuples of text for ``override_columns``) into ``model``'s table."""
    from django.db import connection

    base = _defaults(model)
    columns = list(base)
    fixed = [base[c] for c in columns]
    index = {c: i for i, c in enumerate(columns)}
    positions = [index[c] for c in override_columns]
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)"
    total = 0
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        # The generated rows are consistent by construction: skip the per-row foreign key
        # triggers while loading (the benchmark connects as a superuser).
        cursor.execute("SET session_replication_role = replica")
        raw = cursor.cursor
        for row in rows:
            line = fixed[:]
            for pos, value in zip(positions, row, strict=True):
                line[pos] = value
            buffer.write("\t".join(line))
            buffer.write("\n")
            total += 1
            if total % CHUNK == 0:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        raw.copy_expert(sql, buffer)
        cursor.execute("SET session_replication_role = DEFAULT")
    return total


def load(scale: float, today) -> dict:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from complaints.models import Category, Complaint
    from crm.factories import make_staff
    from crm.models import Role, Store
    from customers.models import ContactLog, Customer, Purchase
    from followups.models import FollowUpTask
    from loyalty.models import CardApplication, RuleVersion

    rng = random.Random(7)
    n_customers = int(1_000_000 * scale)
    n_purchases = int(5_000_000 * scale)
    n_tasks = int(10_000_000 * scale)
    n_contacts = int(300_000 * scale)
    n_apps = max(int(30_000 * scale), 100)
    n_complaints = max(int(20_000 * scale), 100)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today - dt.timedelta(days=DAYS), dt.time(9), tzinfo=tz)

    def ts(seconds: float) -> str:
        return (start + dt.timedelta(seconds=seconds)).isoformat()

    span = DAYS * 86400.0

    with step("stores and staff"):
        stores = [
            Store.objects.create(code=f"B{i:03d}", name=f"门店{i:03d}", region=f"区域{i % REGIONS}")
            for i in range(STORES)
        ]
        clerks = {}
        users = {"head_office": make_staff("bench_hq", Role.HEAD_OFFICE)}
        users["supervisor"] = make_staff("bench_sup", Role.SUPERVISOR, region="区域0")
        for store in stores:
            manager = make_staff(f"bench_m{store.pk}", Role.MANAGER, store=store)
            clerks[store.pk] = [manager.pk] + [
                make_staff(f"bench_c{store.pk}_{n}", Role.CLERK, store=store).pk for n in range(CLERKS_PER_STORE)
            ]
            users.setdefault("manager", manager)
        users["clerk"] = type(users["manager"]).objects.get(pk=clerks[stores[0].pk][1])
    store_ids = [s.pk for s in stores]

    with step(f"{n_customers:,} customers"):
        first_id = 1

        def customers():
            for i in range(n_customers):
                store = store_ids[i % STORES]
                created = ts(rng.random() * span)
                tier = "A" if i % 10 == 0 else "B" if i % 10 < 4 else "C"
                referred = str(first_id + rng.randrange(i)) if i > 100 and i % 20 == 0 else r"\N"
                yield (
                    f"顾客{i}",
                    f"+86139{i:08d}",
                    str(store),
                    str(rng.choice(clerks[store])),
                    tier,
                    "t" if i % 3 else "f",
                    created,
                    created,
                    created,
                    referred,
                )

        copy_rows(
            Customer,
            customers(),
            [
                "name",
                "mobile",
                "home_store_id",
                "clerk_id",
                "tier",
                "marketing_consent",
                "created_at",
                "updated_at",
                "data_consent_at",
                "referred_by_id",
            ],
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT min(id), max(id) FROM {Customer._meta.db_table}")
            first_id, last_id = cursor.fetchone()
        # Keep the customers' home stores in a list so purchases go to the right store.
        home = [store_ids[i % STORES] for i in range(n_customers)]

    with step(f"{n_purchases:,} purchases"):

        def purchases():
            for i in range(n_purchases):
                if i % 5 == 0:
                    customer, store = r"\N", store_ids[i % STORES]
                else:
                    # Skewed: a few customers buy often (the Pareto the analysis finds).
                    k = int(n_customers * rng.random() ** 2)
                    customer, store = str(first_id + k), home[k]
                when = ts(rng.random() * span)
                total = f"{rng.randint(99, 4999)}.00"
                yield (
                    str(store),
                    customer,
                    str(rng.choice(clerks[store])),
                    f"P{i}",
                    when,
                    total,
                    total,
                    "t" if i % 100 == 0 else "f",
                    f"00000000-0000-4000-8000-{i:012x}",
                    when,
                )

        copy_rows(
            Purchase,
            purchases(),
            [
                "store_id",
                "customer_id",
                "clerk_id",
                "receipt_number",
                "purchased_at",
                "subtotal",
                "total",
                "is_imported",
                "idempotency_key",
                "created_at",
            ],
        )

    with step(f"{n_tasks:,} follow-up tasks"):
        first_day = today - dt.timedelta(days=DAYS)

        def tasks():
            for i in range(n_tasks):
                k = rng.randrange(n_customers)
                store = home[k]
                due = first_day + dt.timedelta(days=rng.randrange(DAYS + 30))
                roll = rng.random()
                if due > today:
                    status, completed = "pending", r"\N"
                elif roll < 0.72:
                    status = "done"
                    completed = dt.datetime.combine(
                        due + dt.timedelta(days=0 if roll < 0.6 else rng.randint(1, 5)), dt.time(15), tzinfo=tz
                    ).isoformat()
                elif roll < 0.9:
                    status, completed = "pending", r"\N"
                else:
                    status, completed = ("cancelled" if roll < 0.95 else "superseded"), r"\N"
                yield (
                    "plan",
                    str(first_id + k),
                    str(store),
                    str(rng.choice(clerks[store])),
                    "sms" if i % 3 == 0 else "call",
                    "回访",
                    due.isoformat(),
                    status,
                    completed,
                    ts(rng.random() * span),
                )

        copy_rows(
            FollowUpTask,
            tasks(),
            [
                "kind",
                "customer_id",
                "store_id",
                "assignee_id",
                "channel",
                "purpose",
                "due_date",
                "status",
                "completed_at",
                "created_at",
            ],
        )

    with step(f"{n_contacts:,} contacts, {n_apps:,} card applications, {n_complaints:,} complaints"):
        reasons = [
            "moved",
            "service",
            "merchandise",
            "competitor",
            "after_sales",
            "no_callback",
            "staff_turnover",
            "other",
        ]

        def contacts():
            for _i in range(n_contacts):
                k = rng.randrange(n_customers)
                store = home[k]
                yield (
                    str(first_id + k),
                    str(store),
                    str(rng.choice(clerks[store])),
                    "call",
                    ts(rng.random() * span),
                    "satisfied",
                    str(rng.randint(1, 5)) if rng.random() < 0.6 else r"\N",
                    rng.choice(reasons) if rng.random() < 0.05 else "",
                )

        copy_rows(
            ContactLog,
            contacts(),
            [
                "customer_id",
                "store_id",
                "staff_id",
                "channel",
                "occurred_at",
                "outcome",
                "satisfaction",
                "churn_reason",
            ],
        )
        rule = RuleVersion.objects.order_by("-number").first()
        statuses = [
            "created",
            "entered",
            "submitted",
            "approved",
            "notified",
            "notified_again",
            "collected",
            "rejected",
        ]

        def applications():
            for i in range(n_apps):
                k = (i * 7919) % n_customers  # distinct customers: one open application each
                status = statuses[i % len(statuses)]
                yield (
                    str(first_id + k),
                    str(home[k]),
                    "C",
                    "B",
                    status,
                    str(rule.pk),
                    ts(span - rng.random() * 60 * 86400),
                )

        copy_rows(
            CardApplication,
            applications(),
            ["customer_id", "store_id", "from_tier", "target_tier", "status", "rule_version_id", "created_at"],
        )
        category = Category.objects.order_by("pk").first()
        hq = users["head_office"].pk

        def complaints():
            for i in range(n_complaints):
                k = rng.randrange(n_customers)
                received = rng.random() * span
                closed = i % 3 != 0
                yield (
                    str(home[k]),
                    str(first_id + k),
                    str(category.pk),
                    "hotline",
                    "质量问题",
                    str(hq),
                    ts(received),
                    ts(received + 86400),
                    ts(received + 7 * 86400),
                    "closed" if closed else "new",
                    str(rng.randint(1, 5)) if closed else r"\N",
                    ts(received + 8 * 86400) if closed else r"\N",
                    f"00000000-0000-4000-9000-{i:012x}",
                    ts(received),
                    ts(received),
                )

        copy_rows(
            Complaint,
            complaints(),
            [
                "store_id",
                "customer_id",
                "category_id",
                "channel",
                "description",
                "received_by_id",
                "received_at",
                "first_response_due",
                "resolution_due",
                "status",
                "survey_score",
                "survey_answered_at",
                "idempotency_key",
                "created_at",
                "updated_at",
            ],
        )
    with step("analyze"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return users


# --- timing -------------------------------------------------------------------------------


def time_pages(users: dict, requests: int) -> list[tuple[str, float, float]]:
    from django.test import Client
    from django.urls import reverse

    from crm.models import StaffProfile

    manager = users["manager"]
    store = StaffProfile.objects.get(user=manager).store_id
    pages = [
        ("clerk", "home page (clerk)", reverse("home"), {}),
        ("manager", "home page (manager)", reverse("home"), {}),
        ("head_office", "home page (head office)", reverse("home"), {}),
        ("manager", "customer list (store)", reverse("customers:list"), {}),
        ("head_office", "customer list (chain, tier A)", reverse("customers:list"), {"tier": "A"}),
        ("head_office", "complaint analysis (chain)", reverse("complaints:analysis"), {}),
        ("manager", "complaint analysis (store)", reverse("complaints:analysis"), {}),
        ("manager", "store dashboard, this week", reverse("reports:store"), {}),
        ("manager", "store dashboard, this month", reverse("reports:store"), {"range": "month"}),
        ("clerk", "my figures, this week", reverse("reports:mine"), {}),
        ("supervisor", "region dashboard, this week", reverse("reports:chain"), {}),
        ("head_office", "head office dashboard, this week", reverse("reports:chain"), {}),
        ("head_office", "head office dashboard, this month", reverse("reports:chain"), {"range": "month"}),
        ("manager", "churn (store, quarter)", reverse("reports:churn"), {}),
        ("head_office", "churn (chain, quarter)", reverse("reports:churn"), {}),
        ("head_office", "spend / frequency / RFM (chain)", reverse("reports:classes"), {}),
        ("manager", "evaluation (store, quarter)", reverse("reports:evaluation"), {}),
        ("head_office", "evaluation (chain, quarter)", reverse("reports:evaluation"), {}),
        ("head_office", "evaluation (chain, year, important)", reverse("reports:evaluation"), {"abc": "important"}),
        ("head_office", "evaluation (chain, year, small)", reverse("reports:evaluation"), {"abc": "small"}),
        ("head_office", "evaluation (chain, year, at risk)", reverse("reports:evaluation"), {"segment": "at_risk"}),
        ("supervisor", "evaluation (region, year, important)", reverse("reports:evaluation"), {"abc": "important"}),
        (
            "manager",
            "callbacks list behind a figure",
            reverse("reports:callbacks"),
            {"store": store, "state": "missed"},
        ),
        ("manager", "purchases list behind a figure", reverse("reports:purchases"), {"store": store, "identified": 0}),
        ("manager", "new customers list behind a figure", reverse("reports:new_customers"), {"store": store}),
    ]
    clients = {}
    for role in {p[0] for p in pages}:
        clients[role] = Client()
        clients[role].force_login(users[role])
    results = []
    from reports.models import Period

    year = Period.objects.filter(kind="year").order_by("-start").values_list("key", flat=True).first()
    for role, label, url, params in pages:
        params = dict(params)
        if "year" in label and year:
            params["period"] = year
        if "list behind" in label:
            import datetime as dt

            from django.utils import timezone

            today = timezone.localdate()
            params.update({"from": (today - dt.timedelta(days=6)).isoformat(), "to": today.isoformat()})
        client = clients[role]
        response = client.get(url, params)  # warm-up (and check)
        assert response.status_code == 200, (label, response.status_code)
        times = []
        for _n in range(requests):
            began = time.perf_counter()
            client.get(url, params)
            times.append((time.perf_counter() - began) * 1000)
        results.append((label, statistics.median(times), max(times)))
        print(f"  {label:<42} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms", flush=True)
    return results


def time_home_panels(users: dict, requests: int) -> list[tuple[str, float, float]]:
    """The reports panel on the home page, alone (the home page itself belongs to crm)."""
    from django.test import RequestFactory

    from reports.panels import home_panel

    results = []
    for role in ("manager", "head_office"):
        request = RequestFactory().get("/")
        request.user = users[role]
        home_panel(request)
        times = []
        for _n in range(requests):
            began = time.perf_counter()
            home_panel(request)
            times.append((time.perf_counter() - began) * 1000)
        label = f"home panel ({role.replace('_', ' ')})"
        results.append((label, statistics.median(times), max(times)))
        print(f"  {label:<42} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms", flush=True)
    return results


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedang_bench")
    if not args.keep:
        recreate_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from crm.models import Role, StaffProfile
    from reports import summary

    today = timezone.localdate()
    print(
        f"{'reusing' if args.keep else f'scale {args.scale}'}: database {urlparse(url).path.lstrip('/')}, today {today}"
    )
    if args.keep:
        with step("migrate (new indexes on the loaded data)"):
            call_command("migrate", verbosity=0)
        by_role = {
            role: StaffProfile.objects.filter(role=role, user__username__startswith="bench_")
            .order_by("pk")
            .first()
            .user
            for role in (Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)
        }
        users = {"manager": by_role[Role.MANAGER], "supervisor": by_role[Role.SUPERVISOR]}
        users["head_office"] = by_role[Role.HEAD_OFFICE]
        manager_store = StaffProfile.objects.get(user=users["manager"]).store_id
        users["clerk"] = StaffProfile.objects.filter(role=Role.CLERK, store_id=manager_store).first().user
    else:
        with step("migrate"):
            call_command("migrate", verbosity=0)
        with step("load (total)"):
            users = load(args.scale, today)
        with step("summary job, first run (backfills two years)") as first:
            counts = summary.summarise(today)
        print(f"  {counts}")
        with step("summary job, a normal day (the next run)") as second:
            summary.summarise(today)
        with step("summary job, the same day again (changes nothing)") as third:
            summary.summarise(today)
        print(f"summary job: first {first.seconds:.1f} s, daily {second.seconds:.1f} s, again {third.seconds:.1f} s")
    print(f"page medians over {args.requests} requests (after one warm-up):")
    results = time_pages(users, args.requests)
    results += time_home_panels(users, args.requests)
    slow = [label for label, median, _max in results if median >= 300]
    print("all pages under 300 ms" if not slow else f"over 300 ms: {', '.join(slow)}")


if __name__ == "__main__":
    main()
