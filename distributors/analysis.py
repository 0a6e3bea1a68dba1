"""The pipeline board, the funnel and the service dashboards: plain functions over an
account queryset already scoped to the user, each in a fixed number of queries.

Stage times come from the status history (``AccountChange`` rows of kind status): a
stint in a stage runs from the change into it to the next change of status (or to now).
"""

import datetime as dt
import math
import statistics
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone

from customers.models import ContactOutcome
from distributors.models import (
    AccountChange,
    ChangeKind,
    DealerAccount,
    Grade,
    PickUp,
    ServiceRhythm,
    Shipment,
    Status,
    ValueClass,
)
from distributors.models.accounts import PIPELINE
from distributors.services.accounts import allowed_moves

COMPLIANCE_DAYS = 90
# Worklist outcomes that count as a contact made.
REACHED = (ContactOutcome.SATISFIED, ContactOutcome.PROBLEM)


def board(accounts) -> list[dict]:
    """One column per status, each account with the moves it can make (one click)."""
    columns = {status: [] for status in Status.values}
    rows = accounts.select_related("customer", "account_manager__staff").order_by("status_since", "pk")
    for account in rows:
        account.moves = [(s, g, Status(s).label, Grade(g).label if g else "") for s, g in allowed_moves(account)]
        columns[account.status].append(account)
    return [{"status": Status(code), "accounts": items} for code, items in columns.items()]


def _stints(accounts, now: dt.datetime) -> dict[int, list[tuple[str, float]]]:
    """Per account, (status, days) of each stint in a status, in order."""
    changes = (
        AccountChange.objects.filter(account__in=accounts, kind=ChangeKind.STATUS)
        .order_by("account_id", "at", "pk")
        .values_list("account_id", "old_status", "new_status", "at")
    )
    stints: dict[int, list] = defaultdict(list)
    open_since: dict[int, tuple[str, dt.datetime]] = {}
    for account_id, old, new, at in changes:
        if old == new:
            continue  # a change of class only
        if account_id in open_since:
            status, since = open_since[account_id]
            stints[account_id].append((status, (at - since).total_seconds() / 86400))
        open_since[account_id] = (new, at)
    for account_id, (status, since) in open_since.items():
        stints[account_id].append((status, (now - since).total_seconds() / 86400))
    return stints


def funnel(accounts, now: dt.datetime | None = None) -> dict:
    """Accounts that reached each stage, the conversion to the next, and the median days
    spent in each stage (finished and ongoing stints)."""
    stints = _stints(accounts, now or timezone.now())
    reached = {status: set() for status in Status.values}
    days = defaultdict(list)
    for account_id, items in stints.items():
        for status, length in items:
            reached[status].add(account_id)
            days[status].append(length)
    stages = []
    for index, status in enumerate(PIPELINE):
        here = reached[status]
        following = reached[PIPELINE[index + 1]] if index + 1 < len(PIPELINE) else None
        stages.append(
            {
                "status": status,
                "reached": len(here),
                "conversion": (len(here & following) / len(here) if here else None) if following is not None else None,
                "median_days": round(statistics.median(days[status]), 1) if days[status] else None,
            }
        )
    ended = reached[Status.ENDED]
    return {
        "stages": stages,
        "ended": len(ended),
        "ended_median_days": round(statistics.median(days[Status.ENDED]), 1) if days[Status.ENDED] else None,
    }


def stage_days(account: DealerAccount, now: dt.datetime | None = None) -> list[tuple[str, float]]:
    """(status label, days) of each stint of one account, for its file."""
    stints = _stints(DealerAccount.objects.filter(pk=account.pk), now or timezone.now())
    return [(Status(status).label, round(days, 1)) for status, days in stints.get(account.pk, [])]


def by_class(accounts) -> list[dict]:
    """Existing accounts per value class, with their yearly purchases."""
    rows = {
        r["value_class"]: r
        for r in accounts.filter(status=Status.EXISTING)
        .values("value_class")
        .annotate(n=Count("pk"), purchases=Sum("yearly_purchases"))
    }
    return [
        {"value_class": vc, "n": rows.get(vc, {}).get("n", 0), "purchases": rows.get(vc, {}).get("purchases")}
        for vc in ValueClass
    ]


def compliance(accounts, today: dt.date, days: int = COMPLIANCE_DAYS) -> list[dict]:
    """Per account manager: contacts in the last ``days`` days (communications recorded on
    the file, and worklist calls that reached the dealer) against those the rhythm of each
    existing account's class asks for (one per contact period)."""
    rhythms = {r.value_class: r.contact_every_days for r in ServiceRhythm.objects.all()}
    since = today - dt.timedelta(days=days - 1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tz)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tz)
    rows = (
        accounts.filter(status=Status.EXISTING)
        .exclude(value_class="")
        .select_related("account_manager__staff")
        .annotate(
            recorded=Count(
                "communication", distinct=True, filter=Q(communication__at__gte=start, communication__at__lt=end)
            ),
            called=Count(
                "customer__contacts",
                distinct=True,
                filter=Q(
                    customer__contacts__occurred_at__gte=start,
                    customer__contacts__occurred_at__lt=end,
                    customer__contacts__outcome__in=REACHED,
                ),
            ),
        )
    )
    managers: dict[int, dict] = {}
    for account in rows:
        account.made = account.recorded + account.called
        expected = math.ceil(days / rhythms.get(account.value_class, days))
        entry = managers.setdefault(
            account.account_manager_id,
            {"manager": account.account_manager, "accounts": 0, "expected": 0, "made": 0, "met": 0},
        )
        entry["accounts"] += 1
        entry["expected"] += expected
        entry["made"] += min(account.made, expected)
        entry["met"] += account.made >= expected
    for entry in managers.values():
        entry["rate"] = entry["made"] / entry["expected"] if entry["expected"] else None
    return sorted(managers.values(), key=lambda e: (e["rate"] is None, e["rate"] or 0))


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def month_activity(accounts, day: dt.date) -> dict:
    """Pick-ups (count, quantity, amount) and shipments (dispatched, arrived, on the way)
    of the month of ``day``."""
    first, last = month_bounds(day)
    pick_ups = PickUp.objects.filter(account__in=accounts, on__gte=first, on__lte=last).aggregate(
        n=Count("pk"), quantity=Sum("quantity"), amount=Sum("amount")
    )
    shipments = Shipment.objects.filter(
        account__in=accounts, dispatched_on__gte=first, dispatched_on__lte=last
    ).aggregate(n=Count("pk"), arrived=Count("pk", filter=Q(arrived_on__isnull=False)))
    shipments["on_the_way"] = shipments["n"] - shipments["arrived"]
    return {"first": first, "last": last, "pick_ups": pick_ups, "shipments": shipments}


RENEWAL_DAYS = 90


def contract_figures(accounts, today: dt.date) -> dict:
    """Contracts waiting for head office's review, and signed ones ending within 90 days."""
    from distributors.models import Contract, ContractStatus

    return Contract.objects.filter(account__in=accounts).aggregate(
        in_review=Count("pk", filter=Q(status=ContractStatus.IN_REVIEW)),
        ending=Count(
            "pk",
            filter=Q(
                status=ContractStatus.SIGNED, ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=RENEWAL_DAYS)
            ),
        ),
    )
