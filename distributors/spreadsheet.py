"""The dealer list as a workbook: the export, and the import of an existing list.

The columns are the same both ways (an exported file imports again) and are recognised
by their Chinese or English names in any order, like the customer import's
(``customers.importing.columns``). The file is checked by the customer import's safety
rules before openpyxl reads it; every row is checked before anything is written, and
rejected rows come back in a report workbook with the reason, as for customers.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.importing import safety
from customers.importing.columns import header_key
from customers.importing.reading import Workbook
from customers.importing.values import CellError, parse_decimal, text
from distributors.models import Grade, LeadSource, Status

MAX_ROWS = 5000

# field -> (header as exported, aliases)
COLUMNS = {
    "company": (gettext_lazy("Company"), ("公司", "公司名称", "客户名称", "经销商", "經銷商", "company")),
    "contact_name": (gettext_lazy("Main contact"), ("联系人", "負責人", "负责人", "老板", "contact")),
    "account_manager": (gettext_lazy("Account manager login"), ("业务员", "業務員", "account manager")),
    "status": (gettext_lazy("Status"), ("状态", "狀態", "客户状态", "status")),
    "grade": (gettext_lazy("Class"), ("分类", "類別", "客户分类", "class")),
    "lead_source": (gettext_lazy("Lead source"), ("来源", "客户来源", "lead source", "source")),
    "address": (gettext_lazy("Address"), ("地址", "address")),
    "business_lines": (gettext_lazy("Business lines"), ("经营范围", "經營範圍", "business lines")),
    "product_categories": (gettext_lazy("Product categories"), ("经营品类", "产品种类", "product categories")),
    "main_direction": (gettext_lazy("Main direction"), ("主营方向", "main direction")),
    "yearly_revenue": (gettext_lazy("Yearly revenue"), ("年营业额", "年度营业额", "年營業額", "yearly revenue")),
    "brands_carried": (gettext_lazy("Brands carried"), ("经营品牌", "代理品牌", "brands", "brands carried")),
    "logistics_partner": (gettext_lazy("Main logistics partner"), ("物流公司", "物流", "logistics partner")),
}
REASON_HEADER = gettext_lazy("Reason not imported")
ROW_HEADER = gettext_lazy("Row in the file")


def headers() -> list[str]:
    return [str(header) for header, _aliases in COLUMNS.values()]


def export_rows(accounts):
    rows = accounts.select_related("customer", "account_manager").order_by("customer__company", "pk")
    for account in rows.iterator(chunk_size=500):
        customer = account.customer
        yield [
            customer.company,
            customer.name,
            account.account_manager.username,
            account.get_status_display(),
            account.get_grade_display() if account.grade else "",
            account.get_lead_source_display() if account.lead_source else "",
            customer.address,
            customer.business_lines,
            account.product_categories,
            account.main_direction,
            customer.yearly_revenue,
            customer.brands_carried,
            customer.logistics_partner,
        ]


# The seed's own words for the statuses (004 客户分类), besides the labels.
STATUS_WORDS = {
    "潜在": Status.POTENTIAL,
    "意向": Status.INTENT,
    "现有": Status.EXISTING,
    "已终止": Status.ENDED,
    "终止": Status.ENDED,
    "已终止合作客户": Status.ENDED,
    "已终止合作": Status.ENDED,
}


def _choice(value, choices, words: dict | None = None) -> str:
    """A code from its code or its label (in Chinese or English)."""
    from django.utils import translation

    raw = header_key(text(value))
    if not raw:
        return ""
    if words and raw in words:
        return words[raw]
    for code, label in choices:
        names = {header_key(code), header_key(label)}
        with translation.override("en"):
            names.add(header_key(str(label)))
        with translation.override("zh-hans"):
            names.add(header_key(str(label)))
        if raw in names:
            return code
    raise CellError(_("“%(value)s” is not one of the choices.") % {"value": text(value)})


def read(path) -> tuple[list[str], list[list]]:
    """The first sheet's headers and rows; FileRefused for a file we will not read."""
    safety.check_workbook(path)
    with Workbook(path) as workbook:
        rows = workbook.rows(workbook.sheetnames[0])
        head = next(rows, ())
        body = []
        for row in rows:
            if len(body) >= MAX_ROWS:
                raise safety.FileRefused(_("The list has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
            body.append([*row, *[None] * (len(head) - len(row))])  # trailing blanks dropped by the reader
    return [text(cell) for cell in head], body


def match(head: list[str]) -> dict[int, str]:
    aliases = {}
    for field, (exported, names) in COLUMNS.items():
        for name in (*names, field, str(exported)):
            aliases.setdefault(header_key(name), field)
    positions = {}
    for index, cell in enumerate(head):
        field = aliases.get(header_key(cell))
        if field and field not in positions.values():
            positions[index] = field
    return positions


def check(head: list[str], body: list[list], *, user) -> tuple[list[dict], list[dict]]:
    """(valid rows as service arguments, rejected rows with their reason): nothing written."""
    from distributors.forms import managers_for

    positions = match(head)
    if "company" not in positions.values():
        raise safety.FileRefused(_("The first sheet has no company column."))
    managers = {u.username: u.pk for u in managers_for(user)}
    valid, rejected, seen = [], [], set()
    for number, row in enumerate(body, start=2):
        if not any(text(cell) for cell in row):
            continue
        values = {field: row[i] if i < len(row) else None for i, field in positions.items()}
        try:
            valid.append(_checked(values, managers, seen, user))
        except CellError as error:
            rejected.append({"row": number, "cells": [text(cell) for cell in row], "reason": str(error)})
    return valid, rejected


def _checked(values: dict, managers: dict, seen: set, user) -> dict:
    company = text(values.get("company"))[:200]
    if not company:
        raise CellError(_("The company is missing."))
    if company in seen:
        raise CellError(_("The company appears twice in the file."))
    seen.add(company)
    login = text(values.get("account_manager"))
    if login and login not in managers:
        raise CellError(_("“%(login)s” is not an account manager you may give accounts to.") % {"login": login})
    if not login and user.pk not in managers.values():
        raise CellError(_("Name the account manager."))
    status = _choice(values.get("status"), Status.choices, STATUS_WORDS) or Status.POTENTIAL
    grade = _choice(values.get("grade"), Grade.choices[1:])
    from distributors.models.accounts import GRADES_BY_STATUS

    allowed = GRADES_BY_STATUS[Status(status)]
    if grade not in allowed:
        if len(allowed) > 1 and grade:
            raise CellError(_("This class does not belong to the status."))
        grade = allowed[0] if len(allowed) == 1 else (Grade.NEEDS_TIME if status == Status.INTENT else Grade.QUALIFIED)
    return {
        "company": company,
        "contact_name": text(values.get("contact_name"))[:100],
        "account_manager_id": managers.get(login, user.pk),
        "status": status,
        "grade": grade,
        "lead_source": _choice(values.get("lead_source"), LeadSource.choices),
        "address": text(values.get("address"))[:200],
        "business_lines": text(values.get("business_lines"))[:200],
        "product_categories": text(values.get("product_categories"))[:200],
        "main_direction": text(values.get("main_direction"))[:200],
        "yearly_revenue": str(parse_decimal(values.get("yearly_revenue")) or "") or None,
        "brands_carried": text(values.get("brands_carried"))[:200],
        "logistics_partner": text(values.get("logistics_partner"))[:100],
    }


def report_sheet(dealer_import):
    """The rejected rows with their reason, as the customer import's report."""
    from crm.xlsx import Sheet

    rows = ([*r["cells"], r["reason"], r["row"]] for r in dealer_import.rejected_rows)
    return Sheet(_("Not imported"), [*dealer_import.headers, str(REASON_HEADER), str(ROW_HEADER)], rows)


User = get_user_model()
