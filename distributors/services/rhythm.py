"""Service by class (seed 002): each existing account's value class from its yearly
purchases (Pareto, as the reports rank shoppers), and the contact rhythm of its class
put on the account manager's worklist by the daily jobs.

Idempotent by construction: a task's key names the account and the period (a contact
period of ``contact_every_days`` counted from a fixed Monday, a review period of
``review_every_months`` calendar months, a holiday of a year), and the follow-ups'
unique key index skips a task already there. Changing a rhythm starts new periods.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from lunardate import LunarDate

from crm import hooks
from crm.pareto import pareto_class
from distributors.models import AccountChange, ChangeKind, DealerAccount, PickUp, ServiceRhythm, Status, ValueClass

EPOCH = dt.date(2024, 1, 1)  # a Monday: weekly contact periods start on Mondays
ZERO = Decimal("0.00")


def value_class_for(rank: int, n: int) -> str:
    """Rank 1 = the biggest buyer: the Pareto classes of crm.pareto, as the reports rank shoppers."""
    return ValueClass(pareto_class(rank, n))


def classify(day: dt.date) -> dict:
    """Daily job: yearly purchases (pick-ups of the 365 days to ``day``) and value class of
    every existing account; accounts in other statuses have none. Changes are recorded."""
    since = day - dt.timedelta(days=364)
    sums = dict(
        PickUp.objects.filter(on__gte=since, on__lte=day, account__status=Status.EXISTING)
        .values_list("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    accounts = list(DealerAccount.objects.only("pk", "status", "value_class", "yearly_purchases"))
    existing = sorted((a for a in accounts if a.status == Status.EXISTING), key=lambda a: (-sums.get(a.pk, ZERO), a.pk))
    wanted = {a.pk: ("", ZERO) for a in accounts}
    buyers = [a for a in existing if sums.get(a.pk, ZERO) > 0]
    for rank, account in enumerate(buyers, start=1):
        wanted[account.pk] = (value_class_for(rank, len(buyers)), sums[account.pk])
    for account in existing[len(buyers) :]:
        wanted[account.pk] = (ValueClass.SMALL, ZERO)
    changed, changes, now = [], [], timezone.now()
    for account in accounts:
        value_class, total = wanted[account.pk]
        if (account.value_class, account.yearly_purchases) == (value_class, total):
            continue
        if account.value_class != value_class:
            changes.append(
                AccountChange(
                    account=account,
                    kind=ChangeKind.VALUE_CLASS,
                    old_value=account.value_class,
                    new_value=value_class,
                    at=now,
                    reason="yearly_purchases",
                )
            )
        account.value_class, account.yearly_purchases = value_class, total
        changed.append(account)
    with transaction.atomic():
        DealerAccount.objects.bulk_update(changed, ["value_class", "yearly_purchases"])
        AccountChange.objects.bulk_create(changes)
    return {"accounts": len(accounts), "reclassified": len(changes)}


def contact_period_start(day: dt.date, every_days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=(day - EPOCH).days // every_days * every_days)


def review_period_start(day: dt.date, every_months: int) -> dt.date:
    index = day.year * 12 + day.month - 1
    index -= index % every_months
    return dt.date(index // 12, index % 12 + 1, 1)


def review_purpose(months: int) -> str:
    if months == 1:
        return _("Monthly review visit or call")
    if months == 3:
        return _("Quarterly in-depth meeting")
    if months == 6:
        return _("Half-yearly care action")
    return _("Review every %(months)s months") % {"months": months}


def holidays_near(day: dt.date, days_before: int) -> list[tuple[str, dt.date]]:
    """(code, date) of Spring Festival, Mid-Autumn and National Day from ``day`` to
    ``days_before`` days ahead."""
    found = []
    for year in (day.year, day.year + 1):
        for code, date in (
            ("spring_festival", LunarDate(year, 1, 1).to_solar_date()),
            ("mid_autumn", LunarDate(year, 8, 15).to_solar_date()),
            ("national_day", dt.date(year, 10, 1)),
        ):
            if day <= date <= day + dt.timedelta(days=days_before):
                found.append((code, date))
    return found


HOLIDAY_NAMES = {
    "spring_festival": "春节",
    "mid_autumn": "中秋",
    "national_day": "国庆",
}


def generate(day: dt.date) -> dict:
    """Daily job: the rhythm's calls, reviews and holiday greetings due in the current
    period of each existing account with a value class, on its account manager's worklist."""
    rhythms = {r.value_class: r for r in ServiceRhythm.objects.all()}
    accounts = (
        DealerAccount.objects.filter(status=Status.EXISTING)
        .exclude(value_class="")
        .select_related("customer__home_store", "account_manager")
    )
    holidays = holidays_near(day, settings.KEDANG_DISTRIBUTORS_GIFT_DAYS_BEFORE)
    calls = []
    for account in accounts:
        rhythm = rhythms.get(account.value_class)
        if rhythm is None:
            continue
        base = {
            "customer": account.customer,
            "assignee": account.account_manager,
            "store": account.customer.home_store,
            "due_date": day,
        }
        start = contact_period_start(day, rhythm.contact_every_days)
        calls.append(
            {
                **base,
                "purpose": _("Regular contact (every %(days)s days)") % {"days": rhythm.contact_every_days},
                "key": f"dist:{account.pk}:contact:{rhythm.contact_every_days}:{start}",
            }
        )
        if rhythm.review_every_months:
            start = review_period_start(day, rhythm.review_every_months)
            calls.append(
                {
                    **base,
                    "purpose": review_purpose(rhythm.review_every_months),
                    "channel": "visit",
                    "key": f"dist:{account.pk}:review:{rhythm.review_every_months}:{start}",
                }
            )
        if rhythm.holiday_greetings:
            for code, date in holidays:
                calls.append(
                    {
                        **base,
                        "purpose": _("%(holiday)s greeting and gift (%(date)s)")
                        % {"holiday": HOLIDAY_NAMES[code], "date": date},
                        "key": f"dist:{account.pk}:holiday:{code}:{date}",
                    }
                )
    added = sum(fn(calls) for fn in hooks.functions("schedule_callbacks"))
    return {"rhythm_tasks": added}
