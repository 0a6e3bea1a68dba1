"""Payments against the plan with ageing, and stock with sell-through, on hand-made numbers."""

import datetime as dt
from decimal import Decimal as D

from distributors import ledger
from distributors.models import Payment, PaymentPlan, StockReport


def _plan(account, month, amount, due):
    return PaymentPlan.objects.create(account=account, month=month, amount=D(amount), due_on=due)


def test_it_settles_the_oldest_months_first_and_ages_what_stays_open(account_a):
    _plan(account_a, dt.date(2026, 1, 1), "10000", dt.date(2026, 1, 31))
    _plan(account_a, dt.date(2026, 2, 1), "10000", dt.date(2026, 2, 28))
    _plan(account_a, dt.date(2026, 3, 1), "10000", dt.date(2026, 3, 31))
    _plan(account_a, dt.date(2026, 4, 1), "10000", dt.date(2026, 4, 30))
    _plan(account_a, dt.date(2026, 5, 1), "8000", dt.date(2026, 5, 31))
    Payment.objects.create(account=account_a, received_on=dt.date(2026, 2, 10), amount=D("10000"))
    Payment.objects.create(account=account_a, received_on=dt.date(2026, 4, 2), amount=D("4000"))
    Payment.objects.create(account=account_a, received_on=dt.date(2026, 6, 1), amount=D("99999"))  # after today

    today = dt.date(2026, 5, 15)
    position = ledger.positions([account_a.pk], today)[account_a.pk]
    assert position.planned == D("48000")
    assert position.planned_to_date == D("40000")
    assert position.received == D("14000")
    assert [line.paid for line in position.lines] == [D("10000"), D("4000"), 0, 0, 0]
    # Feb: 6,000 open, 76 days late; Mar: 10,000, 45 days; Apr: 10,000, 15 days; May not yet due
    assert position.ageing == {"1-30": D("10000"), "31-60": D("10000"), "61-90": D("6000"), "90+": D("0")}
    assert position.overdue == D("26000")

    later = ledger.positions([account_a.pk], dt.date(2026, 6, 10))[account_a.pk]
    assert later.overdue == 0 and later.unallocated == D("99999") + D("14000") - D("48000")


def test_the_open_lines_split_into_due_and_overdue(account_a):
    _plan(account_a, dt.date(2026, 4, 1), "5000", dt.date(2026, 4, 30))
    _plan(account_a, dt.date(2026, 5, 1), "5000", dt.date(2026, 5, 31))
    _plan(account_a, dt.date(2026, 8, 1), "5000", dt.date(2026, 8, 31))
    Payment.objects.create(account=account_a, received_on=dt.date(2026, 5, 2), amount=D("1000"))
    today = dt.date(2026, 5, 15)
    overdue = ledger.open_lines([account_a.pk], today, state="overdue")
    due = ledger.open_lines([account_a.pk], today, state="due")
    assert [(line.plan.month.month, line.open, line.overdue_days) for line in overdue] == [(4, D("4000"), 15)]
    assert [(line.plan.month.month, line.open) for line in due] == [(5, D("5000"))]
    assert ledger.totals([account_a.pk], today) == {
        "due": D("5000"),
        "overdue": D("4000"),
        "ageing": {"1-30": D("4000"), "31-60": 0, "61-90": 0, "90+": 0},
    }


def test_it_reports_stock_and_sell_through_per_product_line(account_a):
    StockReport.objects.create(account=account_a, on=dt.date(2026, 3, 1), product_line="西装", on_hand=100, sold=0)
    StockReport.objects.create(account=account_a, on=dt.date(2026, 3, 15), product_line="西装", on_hand=70, sold=30)
    StockReport.objects.create(account=account_a, on=dt.date(2026, 3, 31), product_line="西装", on_hand=40, sold=20)
    StockReport.objects.create(account=account_a, on=dt.date(2026, 3, 31), product_line="衬衫", on_hand=0, sold=0)
    lines = {line.product_line: line for line in ledger.stock(account_a)}
    assert (lines["西装"].on, lines["西装"].on_hand, lines["西装"].sold) == (dt.date(2026, 3, 31), 40, 50)
    assert lines["西装"].sell_through == 50 / 90
    assert lines["衬衫"].sell_through is None
    since = {line.product_line: line for line in ledger.stock(account_a, since=dt.date(2026, 3, 20))}
    assert since["西装"].sell_through == 20 / 60
    report = StockReport.objects.get(on=dt.date(2026, 3, 15))
    assert report.sell_through == 0.3
