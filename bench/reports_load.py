"""Loading the reports benchmark's chain with COPY (used by ``reports_bench.py``): 50
stores, 1,000,000 customers, 5,000,000 purchases and 10,000,000 follow-up tasks times
the scale, plus contacts, card applications and complaints."""

import io
import random
import time

STORES, REGIONS, CLERKS_PER_STORE = 50, 5, 8
DAYS = 730
CHUNK = 200_000


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


def open_loaded_chain():
    """Django set up on the chain ``reports_bench.py`` loaded (``DATABASE_URL``), with
    any new migrations applied; returns the day after the data's last purchase."""
    import datetime as dt
    import os
    import sys

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to the chain reports_bench.py loaded")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from customers.models import Purchase

    call_command("migrate", verbosity=0)
    last = Purchase.objects.order_by("-purchased_at").values_list("purchased_at", flat=True).first()
    return timezone.localdate(last) + dt.timedelta(days=1)


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
    from crm.models import Role, Store
    from crm.tests.factories import make_staff
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
                channel, outcome, overdue = "sms" if i % 3 == 0 else "call", "", "f"
                if due > today:
                    status, completed = "pending", r"\N"
                elif roll < 0.72:
                    status = "done"
                    completed = dt.datetime.combine(
                        due + dt.timedelta(days=0 if roll < 0.6 else rng.randint(1, 5)), dt.time(15), tzinfo=tz
                    ).isoformat()
                elif roll < 0.9:
                    # What the daily jobs of the days up to today left: an SMS due by today
                    # was sent, a call whose day has passed is marked overdue. (Pending
                    # SMS two years old would make the bench's first run send two years
                    # of SMS in one morning, which no running chain ever has to.)
                    status, completed = "pending", r"\N"
                    if channel == "sms":
                        status, outcome = "done", "sent"
                        completed = dt.datetime.combine(due, dt.time(10), tzinfo=tz).isoformat()
                    elif due < today:
                        overdue = "t"
                else:
                    status, completed = ("cancelled" if roll < 0.95 else "superseded"), r"\N"
                yield (
                    "plan",
                    str(first_id + k),
                    str(store),
                    str(rng.choice(clerks[store])),
                    channel,
                    "回访",
                    due.isoformat(),
                    status,
                    completed,
                    ts(rng.random() * span),
                    outcome,
                    overdue,
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
                "outcome",
                "overdue",
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
