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
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports_load import load, step  # noqa: E402  (bench/ is on the path: the script's own folder)


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
