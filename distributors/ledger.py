"""Payments against the monthly plan, with overdue ageing, and the dealer's stock with
sell-through: plain functions on rows already scoped to the user (seed 004 回款及发货跟踪,
客户库存跟踪).

Received money settles the oldest planned months first (FIFO), whatever month the
payer named: what is left open of a month is what ages. A month is overdue from the day
after its due date.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from distributors.models import Payment, PaymentPlan, StockReport

ZERO = Decimal("0.00")
# (code, first day overdue, last day overdue or None)
AGE_BUCKETS = (("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


@dataclass
class PlanLine:
    plan: PaymentPlan
    paid: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.plan.amount - self.paid

    def days_overdue(self, today: dt.date) -> int:
        return max(0, (today - self.plan.due_on).days)


@dataclass
class Position:
    """One account's planned, received and open money on ``today``."""

    planned: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    received: Decimal = ZERO
    lines: list[PlanLine] = field(default_factory=list)
    ageing: dict[str, Decimal] = field(default_factory=lambda: {code: ZERO for code, *_ in AGE_BUCKETS})
    unallocated: Decimal = ZERO

    @property
    def overdue(self) -> Decimal:
        return sum(self.ageing.values(), ZERO)


def bucket(days: int) -> str | None:
    for code, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return code
    return None


def allocate(plans: list[PaymentPlan], received: Decimal, today: dt.date) -> Position:
    """Settle ``plans`` oldest-due first with ``received``; age what stays open past due."""
    position = Position(received=received)
    left = received
    for plan in sorted(plans, key=lambda p: (p.due_on, p.pk or 0)):
        paid = min(plan.amount, left)
        left -= paid
        line = PlanLine(plan=plan, paid=paid)
        position.lines.append(line)
        position.planned += plan.amount
        if plan.due_on <= today:
            position.planned_to_date += plan.amount
        code = bucket(line.days_overdue(today)) if line.open > 0 else None
        if code:
            position.ageing[code] += line.open
    position.unallocated = left
    return position


def positions(accounts, today: dt.date) -> dict[int, Position]:
    """Every account's position, in two queries whatever the number of accounts."""
    plans = defaultdict(list)
    for plan in PaymentPlan.objects.filter(account__in=accounts).order_by("due_on", "pk"):
        plans[plan.account_id].append(plan)
    received = dict(
        Payment.objects.filter(account__in=accounts, received_on__lte=today)
        .values_list("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    ids = set(plans) | set(received)
    return {pk: allocate(plans.get(pk, []), received.get(pk, ZERO), today) for pk in ids}


def open_lines(accounts, today: dt.date, *, state: str = "") -> list[PlanLine]:
    """Plan lines still open: ``overdue`` (past due), ``due`` (due within 30 days), or both."""
    lines = []
    horizon = today + dt.timedelta(days=30)
    for position in positions(accounts, today).values():
        for line in position.lines:
            if line.open <= 0 or line.plan.due_on > horizon:
                continue
            overdue = line.plan.due_on < today
            if state == "overdue" and not overdue or state == "due" and overdue:
                continue
            line.overdue_days = line.days_overdue(today)
            lines.append(line)
    return sorted(lines, key=lambda line: (line.plan.due_on, line.plan.pk))


def totals(accounts, today: dt.date) -> dict:
    """The dashboard's payment figures: due in the next 30 days, overdue, and by age."""
    due = overdue = ZERO
    ageing = {code: ZERO for code, *_ in AGE_BUCKETS}
    for position in positions(accounts, today).values():
        for code, amount in position.ageing.items():
            ageing[code] += amount
        overdue += position.overdue
        horizon = today + dt.timedelta(days=30)
        due += sum((ln.open for ln in position.lines if today <= ln.plan.due_on <= horizon and ln.open > 0), ZERO)
    return {"due": due, "overdue": overdue, "ageing": ageing}


@dataclass
class StockLine:
    product_line: str
    on: dt.date
    on_hand: int
    sold: int

    @property
    def sell_through(self) -> float | None:
        available = self.sold + self.on_hand
        return self.sold / available if available else None


def stock(account, *, since: dt.date | None = None) -> list[StockLine]:
    """Per product line: the latest stock, what sold in the reports since ``since`` (all
    reports if None), and the sell-through sold / (sold + latest stock)."""
    reports = StockReport.objects.filter(account=account)
    if since is not None:
        reports = reports.filter(on__gte=since)
    lines: dict[str, StockLine] = {}
    for report in reports.order_by("product_line", "on", "pk"):
        line = lines.get(report.product_line)
        if line is None:
            lines[report.product_line] = StockLine(report.product_line, report.on, report.on_hand, report.sold)
        else:
            line.on, line.on_hand, line.sold = report.on, report.on_hand, line.sold + report.sold
    return list(lines.values())
