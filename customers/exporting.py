"""The customer file as a workbook: the seed's columns, so it opens like the sheet stores know.

``customer_rows`` streams the rows of a queryset (in chunks, never the whole list); the
web export filters it with the customer list's own ``CustomerFilterForm``. The columns
are those the importer reads, so an export imports again unchanged (a round trip).
"""

from collections.abc import Iterator
from itertools import islice

from django.utils.translation import gettext as _

from crm import hooks
from crm.models import staff_name
from customers.importing.columns import CUSTOMER_COLUMNS
from customers.models import Customer

EXPORT_FIELDS = (
    # The seed's columns, in its order: 姓名-性别-电话-VIP号码-身份证号码-地址-生日-积分-累计消费-消费次数.
    "name",
    "gender",
    "mobile",
    "card_number",
    "id_number",
    "address",
    "birthday",
    "points",
    "cumulative_spend",
    "visit_count",
    # Then what Kedang keeps beside them.
    "tier",
    "messaging",
    "wedding_anniversary",
    "member_since",
    "last_purchase",
    "store",
    "clerk",
    "data_consent",
)
CHUNK = 1000


def export_headers() -> list:
    return [CUSTOMER_COLUMNS[field][0] for field in EXPORT_FIELDS]


def _messaging(customer: Customer) -> str:
    if customer.marketing_opt_out_at:
        return _("Opted out")
    return _("On") if customer.marketing_consent else _("Off")


def customer_rows(queryset, *, full_id_numbers: bool = False) -> Iterator[list]:
    """One row per customer, in ``EXPORT_FIELDS`` order.

    Points come from whichever app keeps them, through the ``points_balances`` hook
    (``fn(customer_ids) -> {id: points}``), a chunk at a time. ID numbers are masked
    unless ``full_id_numbers`` (the operator's command-line export for a migration).
    """
    customers = queryset.select_related("home_store", "clerk", "clerk__staff").order_by("pk").iterator(CHUNK)
    while chunk := list(islice(customers, CHUNK)):
        points = hooks.first("points_balances", [c.pk for c in chunk], default=None) or {}
        for c in chunk:
            id_number = c.id_number if full_id_numbers else c.masked_id_number()
            yield [
                c.name,
                c.get_gender_display() if c.gender else "",
                c.mobile_display,
                c.card_number or "",
                id_number,
                c.address,
                c.birthday,
                points.get(c.pk, 0),
                c.cumulative_spend,
                c.visit_count,
                c.get_tier_display(),
                _messaging(c),
                c.wedding_anniversary,
                c.member_since,
                c.last_purchase_at.replace(microsecond=0) if c.last_purchase_at else None,
                f"{c.home_store.code} {c.home_store.name}",
                staff_name(c.clerk),
                _("Yes") if c.data_consent_at and not c.consent_pending else "",
            ]
