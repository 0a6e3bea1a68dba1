"""Greetings, with no selling: birthdays, wedding and membership anniversaries, holidays.

Spring Festival and Mid-Autumn move with the lunar calendar (``lunardate``); National
Day is 1 October; head office adds its own dates as ``Holiday`` rows. A greeting is an
SMS task due that day, unique per (customer, greeting, date), so generating a day twice
creates nothing the second time.
"""

import calendar
import datetime as dt

from django.db.models import Q
from lunardate import LunarDate

from customers.models import Customer
from followups.models import Channel, FollowUpTask, Holiday, MessageTemplate, TaskKind

BATCH = 1000

# greeting code -> (template code, purpose shown in the lists)
PERSONAL = {
    "birthday": "birthday",
    "wedding": "wedding",
    "membership": "membership",
}
PURPOSES = {
    "birthday": "生日祝福",
    "wedding": "结婚纪念日祝福",
    "membership": "入会周年祝福",
    "spring_festival": "春节祝福",
    "mid_autumn": "中秋祝福",
    "national_day": "国庆祝福",
}


def spring_festival(year: int) -> dt.date:
    return LunarDate(year, 1, 1).to_solar_date()


def mid_autumn(year: int) -> dt.date:
    return LunarDate(year, 8, 15).to_solar_date()


def holidays_on(day: dt.date) -> list[tuple[str, str, str]]:
    """The holidays on ``day`` as (greeting code, purpose, message body)."""
    found = []
    builtin = {
        "spring_festival": spring_festival(day.year),
        "mid_autumn": mid_autumn(day.year),
        "national_day": dt.date(day.year, 10, 1),
    }
    codes = [code for code, date in builtin.items() if date == day]
    templates = {t.code: t for t in MessageTemplate.objects.filter(code__in=codes, is_active=True)}
    for code in codes:
        if code in templates:
            found.append((code, PURPOSES[code], templates[code].body))
    for holiday in Holiday.objects.filter(date=day, is_active=True):
        found.append((f"holiday:{holiday.pk}", holiday.name[:100], holiday.body))
    return found


def anniversary_q(field: str, day: dt.date) -> Q:
    """Same month and day in an earlier year; those born on 29 February are greeted on
    28 February in years without one."""
    q = Q(**{f"{field}__month": day.month, f"{field}__day": day.day})
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        q |= Q(**{f"{field}__month": 2, f"{field}__day": 29})
    return q & Q(**{f"{field}__year__lt": day.year})


def reachable_by_sms():
    return Customer.objects.filter(
        marketing_consent=True,
        marketing_opt_out_at__isnull=True,
        mobile_invalid=False,
        mobile__isnull=False,
        consent_pending=False,
    ).exclude(mobile="")


def generate_greetings(day: dt.date) -> dict:
    counts = {}
    templates = {t.code: t for t in MessageTemplate.objects.filter(code__in=PERSONAL.values(), is_active=True)}
    fields = {"birthday": "birthday", "wedding": "wedding_anniversary", "membership": "member_since"}
    for greeting, field in fields.items():
        template = templates.get(PERSONAL[greeting])
        if template is None:
            continue
        customers = reachable_by_sms().filter(anniversary_q(field, day))
        counts[greeting] = _create(customers, day, greeting, PURPOSES[greeting], template=template)
    for greeting, purpose, body in holidays_on(day):
        counts[greeting] = _create(reachable_by_sms(), day, greeting, purpose, script=body)
    return counts


def _create(customers, day, greeting, purpose, *, template=None, script="") -> int:
    rows = customers.order_by("id").values_list("id", "home_store_id", "clerk_id")
    made = 0
    last_id = 0
    while True:
        batch = list(rows.filter(id__gt=last_id)[:BATCH])
        if not batch:
            return made
        last_id = batch[-1][0]
        FollowUpTask.objects.bulk_create(
            [
                FollowUpTask(
                    kind=TaskKind.GREETING,
                    customer_id=customer_id,
                    store_id=store_id,
                    assignee_id=clerk_id,
                    greeting=greeting,
                    channel=Channel.SMS,
                    purpose=purpose,
                    script=script,
                    template=template,
                    due_date=day,
                )
                for customer_id, store_id, clerk_id in batch
            ],
            ignore_conflicts=True,
        )
        made += len(batch)
