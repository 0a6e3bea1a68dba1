"""Greetings, with no selling: birthdays, wedding and membership anniversaries, holidays.

Spring Festival and Mid-Autumn move with the lunar calendar (``lunardate``); National
Day is 1 October; head office adds its own dates as ``Holiday`` rows. A greeting is an
SMS task due that day, unique per (customer, greeting, date), so generating a day twice
creates nothing the second time.
"""

import calendar
import datetime as dt

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from lunardate import LunarDate

from customers.models import Customer
from followups.models import Channel, FollowUpTask, Holiday, MessageTemplate, TaskKind, TaskStatus

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
    """One greeting task per customer in ``customers``, with one INSERT … SELECT; those
    already greeted that day (the unique index) are skipped. Returns the tasks created."""
    source, source_params = customers.order_by().values_list("id", "home_store_id", "clerk_id").query.sql_with_params()
    constants = {
        "kind": TaskKind.GREETING,
        "greeting": greeting,
        "channel": Channel.SMS,
        "purpose": purpose[:100],
        "script": script,
        "template": template.pk if template is not None else None,
        "due_date": day,
        "status": TaskStatus.PENDING,
        "overdue": False,
        "attempts": 0,
        "outcome": "",
        "note": "",
        "proposal_note": "",
        "created_at": timezone.now(),
    }
    fields = [FollowUpTask._meta.get_field(name) for name in constants]
    columns = ["customer_id", "store_id", "assignee_id", *(field.column for field in fields)]
    values = [field.get_db_prep_save(constants[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {FollowUpTask._meta.db_table} ({", ".join(connection.ops.quote_name(c) for c in columns)})
            SELECT source.id, source.home_store_id, source.clerk_id, {", ".join(["%s"] * len(values))}
            FROM ({source}) AS source WHERE 1 = 1
            ON CONFLICT DO NOTHING""",
            [*values, *source_params],
        )
        return cursor.rowcount
