"""Vouchers: values, the checks at the till, one redemption, give-back on return, issuance by
the benefits matrix once a year, the figures per store."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import translation

from crm.tests.concurrency import run_together
from customers.tests.factories import CustomerFactory, buy
from loyalty import benefits, vouchers
from loyalty.models import BenefitKind, TierBenefit
from loyalty.voucher_models import Voucher, VoucherKind, VoucherRule, VoucherSource, VoucherStatus, VoucherType

DAY = dt.date(2026, 11, 10)


@pytest.fixture
def fifty_off(db):
    return VoucherType.objects.create(
        name="50元代金券", kind=VoucherKind.AMOUNT, amount=Decimal("50"), min_spend=Decimal("300")
    )


@pytest.fixture
def birthday_type(db):
    benefits.ensure_matrix()
    return VoucherType.objects.get(rule=VoucherRule.BIRTHDAY)  # made by the data migration


def manual(vtype, customer, **kwargs):
    return vouchers.issue(vtype, customer, source=VoucherSource.MANUAL, reason="顾客投诉补偿", day=DAY, **kwargs)


@pytest.mark.django_db
def test_a_voucher_by_hand_needs_a_reason(fifty_off, customer_a):
    with pytest.raises(vouchers.VoucherRefused):
        vouchers.issue(fifty_off, customer_a, source=VoucherSource.MANUAL, reason=" ")
    voucher = manual(fifty_off, customer_a)
    assert voucher.valid_from == DAY and voucher.valid_until == DAY + dt.timedelta(days=29)
    assert len(voucher.code) == 10 and voucher.store == customer_a.home_store


@pytest.mark.django_db
def test_amount_percent_with_a_cap_and_gift_take_off_what_they_say(customer_a):
    amount = VoucherType.objects.create(name="a", kind=VoucherKind.AMOUNT, amount=Decimal("50"))
    percent = VoucherType.objects.create(name="p", kind=VoucherKind.PERCENT, percent=Decimal("15"), cap=Decimal("100"))
    gift = VoucherType.objects.create(name="g", kind=VoucherKind.GIFT, gift="真丝领带")
    assert vouchers.discount_for(manual(amount, customer_a), Decimal("30.00")) == Decimal(
        "30.00"
    )  # never more than the sale
    assert vouchers.discount_for(manual(amount, customer_a), Decimal("300.00")) == Decimal("50.00")
    assert vouchers.discount_for(manual(percent, customer_a), Decimal("333.33")) == Decimal("50.00")
    assert vouchers.discount_for(manual(percent, customer_a), Decimal("2000.00")) == Decimal("100.00")
    assert vouchers.discount_for(manual(gift, customer_a), Decimal("2000.00")) == Decimal("0.00")


@pytest.mark.django_db
def test_the_till_is_told_in_chinese_why_a_voucher_cannot_be_used(fifty_off, customer_a, customer_b, store_a, store_b):
    voucher = manual(fifty_off, customer_a)
    with translation.override("zh-hans"):
        cases = [
            (
                dict(customer=customer_a, store=store_a, subtotal=Decimal("500"), day=DAY + dt.timedelta(days=30)),
                "已于 2026-12-09 过期",
            ),
            (dict(customer=customer_b, store=store_a, subtotal=Decimal("500"), day=DAY), "属于其他顾客"),
            (dict(customer=customer_a, store=store_a, subtotal=Decimal("299.99"), day=DAY), "满 ¥300"),
        ]
        for kwargs, words in cases:
            with pytest.raises(vouchers.VoucherRefused) as refused:
                vouchers.check(voucher, **kwargs)
            assert words in str(refused.value)
        fifty_off.stores.set([store_b])
        with pytest.raises(vouchers.VoucherRefused, match="本店不能使用"):
            vouchers.check(voucher, customer=customer_a, store=store_a, subtotal=Decimal("500"), day=DAY)
    assert vouchers.check(voucher, customer=customer_a, store=store_b, subtotal=Decimal("500"), day=DAY) == Decimal(
        "50.00"
    )


@pytest.mark.django_db
def test_a_voucher_is_redeemed_once(fifty_off, customer_a):
    voucher = manual(fifty_off, customer_a)
    with time_machine.travel(dt.datetime(2026, 11, 11, 12, tzinfo=dt.UTC)):
        first = buy(customer_a, 500)
        second = buy(customer_a, 500)
        assert vouchers.redeem(voucher, first, subtotal=Decimal("500")) == Decimal("50.00")
        with pytest.raises(vouchers.VoucherRefused):
            vouchers.redeem(Voucher.objects.get(pk=voucher.pk), second, subtotal=Decimal("500"))
    voucher.refresh_from_db()
    assert (
        voucher.status == VoucherStatus.REDEEMED and voucher.purchase == first and voucher.discount == Decimal("50.00")
    )


@pytest.mark.django_db
def test_an_expired_voucher_cannot_be_redeemed(fifty_off, customer_a):
    voucher = manual(fifty_off, customer_a)
    with time_machine.travel(dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC)):
        purchase = buy(customer_a, 500)
        with pytest.raises(vouchers.VoucherRefused):
            vouchers.redeem(voucher, purchase, subtotal=Decimal("500"))
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.ISSUED


@pytest.mark.django_db
@pytest.mark.parametrize("returned_on, restored", [(dt.date(2026, 11, 20), True), (dt.date(2026, 12, 15), False)])
def test_returning_the_whole_sale_gives_the_voucher_back_while_it_is_valid(
    fifty_off, customer_a, clerk_a, returned_on, restored
):
    from complaints.returns import ReturnItem, record_return

    voucher = manual(fifty_off, customer_a)
    with time_machine.travel(dt.datetime(2026, 11, 11, 12, tzinfo=dt.UTC)):
        purchase = buy(customer_a, 500)
        vouchers.redeem(voucher, purchase, subtotal=Decimal("500"))
    line = purchase.lines.get()
    with time_machine.travel(dt.datetime.combine(returned_on, dt.time(4), tzinfo=dt.UTC)):
        record_return(purchase=purchase, items=[ReturnItem(line=line, quantity=1)], by=clerk_a, key=uuid.uuid4())
    voucher.refresh_from_db()
    assert (voucher.status == VoucherStatus.ISSUED) is restored
    assert (voucher.purchase_id is None) is restored


@pytest.mark.django_db
def test_birthday_vouchers_go_to_the_tiers_the_matrix_gives_them_once_a_year(birthday_type, store_a):
    gold = CustomerFactory(home_store=store_a, tier="A", birthday=dt.date(1990, 11, 30))
    silver = CustomerFactory(home_store=store_a, tier="B", birthday=dt.date(1985, 11, 1))
    temporary = CustomerFactory(home_store=store_a, tier="C", birthday=dt.date(1985, 11, 2))
    CustomerFactory(home_store=store_a, tier="A", birthday=dt.date(1990, 12, 1))  # next month
    assert vouchers.issue_by_rules(DAY)["vouchers_birthday_voucher"] == 2
    assert vouchers.issue_by_rules(DAY)["vouchers_birthday_voucher"] == 0
    assert vouchers.issue_by_rules(DAY + dt.timedelta(days=5))["vouchers_birthday_voucher"] == 0
    issued = Voucher.objects.filter(type=birthday_type)
    assert set(issued.values_list("customer_id", flat=True)) == {gold.pk, silver.pk}
    assert set(issued.values_list("valid_until", flat=True)) == {dt.date(2026, 11, 30)}
    # Head office gives the birthday voucher to C as well: the C customer gets one now.
    TierBenefit.objects.filter(benefit=BenefitKind.BIRTHDAY_VOUCHER, tier="C").update(enabled=True)
    assert vouchers.issue_by_rules(DAY)["vouchers_birthday_voucher"] == 1
    assert issued.filter(customer=temporary).count() == 1
    # A year later, again.
    assert vouchers.issue_by_rules(dt.date(2027, 11, 3))["vouchers_birthday_voucher"] == 3


@pytest.mark.django_db
def test_issuing_by_rule_takes_the_same_queries_for_3_or_60_customers(
    birthday_type, store_a, django_assert_max_num_queries
):
    for i in range(60):
        CustomerFactory(home_store=store_a, tier="A", birthday=dt.date(1990, 11, 1 + i % 28))
    with django_assert_max_num_queries(6):
        assert vouchers.issue_by_rules(DAY)["vouchers_birthday_voucher"] == 60


@pytest.mark.django_db
def test_the_figures_per_store(fifty_off, customer_a, customer_b):
    used, _valid, old = (manual(fifty_off, customer_a) for _ in range(3))
    Voucher.objects.filter(pk=old.pk).update(
        valid_until=DAY - dt.timedelta(days=1), valid_from=DAY - dt.timedelta(days=30)
    )
    Voucher.objects.filter(pk=used.pk).update(status=VoucherStatus.REDEEMED, discount=Decimal("50.00"))
    manual(fifty_off, customer_b)
    rows = {r["store__code"]: r for r in vouchers.figures_by_store(Voucher.objects.all(), day=DAY)}
    assert rows["S001"] | {} == rows["S001"]
    assert (rows["S001"]["issued"], rows["S001"]["redeemed"], rows["S001"]["expired"], rows["S001"]["outstanding"]) == (
        3,
        1,
        1,
        1,
    )
    assert rows["S001"]["redeemed_value"] == Decimal("50.00") and rows["S001"]["outstanding_value"] == Decimal("50.00")
    assert rows["S002"]["outstanding"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tills_redeeming_one_voucher_at_once_give_one_success(fifty_off, customer_a, clerk_a, clerk_a2):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    voucher = manual(fifty_off, customer_a)
    purchases = [buy(customer_a, 500, clerk=clerk) for clerk in (clerk_a, clerk_a2)]

    def redeem(i):
        with transaction.atomic():
            return vouchers.redeem(
                Voucher.objects.select_related("type").get(pk=voucher.pk), purchases[i], subtotal=Decimal("500")
            )

    with time_machine.travel(dt.datetime(2026, 11, 11, 12, tzinfo=dt.UTC), tick=True):
        results = run_together(2, redeem)
    assert sorted(type(r).__name__ for r in results) == ["Decimal", "VoucherRefused"]
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.REDEEMED
