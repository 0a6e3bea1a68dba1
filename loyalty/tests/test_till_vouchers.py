"""A voucher used at the till: in the live total, on the sale and its receipt, refused in
Chinese when it cannot be used (nothing recorded), and one sale per voucher when two tills
try at once."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.tests.concurrency import run_together
from customers.models import Customer, Purchase, Tier
from customers.services import LineData, checkout
from customers.tests.test_till import SALE, sale_post
from loyalty import vouchers
from loyalty.models import EntryKind, PointsEntry
from loyalty.voucher_models import Voucher, VoucherKind, VoucherSource, VoucherStatus, VoucherType

QUOTE = reverse("customers:sale_quote")
NOON = dt.datetime(2026, 11, 11, 4, tzinfo=dt.UTC)  # 12:00 in Shanghai


@pytest.fixture
def fifty_off(db):
    return VoucherType.objects.create(
        name="50元代金券", kind=VoucherKind.AMOUNT, amount=Decimal("50"), min_spend=Decimal("300")
    )


@pytest.fixture
def voucher(fifty_off, customer_a):
    return vouchers.issue(
        fifty_off,
        customer_a,
        source=VoucherSource.MANUAL,
        reason="顾客投诉补偿",
        day=dt.date(2026, 11, 1),
        until=dt.date(2026, 11, 30),
    )


@pytest.fixture
def silver(customer_a):
    Customer.objects.filter(pk=customer_a.pk).update(tier=Tier.B)  # 5 % off at the till
    customer_a.refresh_from_db()
    return customer_a


def sale_url(client, customer) -> str:
    return client.get(SALE, {"customer": customer.pk}).url


def post(client, url, **extra):
    return client.post(url, sale_post(key=url.split("t=")[1], lines=(("羊毛西装", "500.00", 1),), **extra))


@pytest.mark.django_db
def test_the_live_total_takes_the_voucher_off_after_the_member_discount(client_for, clerk_a, silver, voucher):
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": "羊毛西装",
        "lines-0-unit_price": "500",
        "lines-0-quantity": "1",
        "voucher_code": voucher.code.lower(),
    }
    with time_machine.travel(NOON):
        response = client_for(clerk_a).post(f"{QUOTE}?customer={silver.pk}", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="quote-discount">−¥25.00' in body and 'id="quote-voucher">−¥50.00' in body
    assert 'id="quote-total">¥425.00' in body
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.ISSUED  # the quote redeems nothing


@pytest.mark.django_db
def test_a_sale_with_a_voucher_charges_less_and_uses_the_voucher(client_for, clerk_a, silver, voucher):
    client = client_for(clerk_a)
    with time_machine.travel(NOON):
        response = post(client, sale_url(client, silver), voucher_code=voucher.code)
    purchase = Purchase.objects.get()
    assert response.status_code == 302
    assert (purchase.subtotal, purchase.discount_amount, purchase.voucher_discount, purchase.total) == (
        Decimal("500.00"),
        Decimal("25.00"),
        Decimal("50.00"),
        Decimal("425.00"),
    )
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED and voucher.purchase == purchase
    assert voucher.discount == Decimal("50.00")
    silver.refresh_from_db()
    assert silver.cumulative_spend == Decimal("425.00")
    assert PointsEntry.objects.get(purchase=purchase, kind=EntryKind.EARN).points == 425

    receipt = client.get(response.url).content.decode()
    assert 'id="receipt-voucher">−¥50.00' in receipt and voucher.code in receipt
    assert 'id="receipt-total">¥425.00' in receipt


@pytest.mark.django_db
def test_an_expired_voucher_is_refused_at_the_till_in_chinese(client_for, clerk_a, customer_a, voucher):
    with time_machine.travel(dt.datetime(2026, 12, 2, 4, tzinfo=dt.UTC)):
        client = client_for(clerk_a)
        response = post(client, sale_url(client, customer_a), voucher_code=voucher.code)
    assert response.status_code == 200
    assert "此券已于 2026-11-30 过期，不能使用。" in response.content.decode()
    assert not Purchase.objects.exists()
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.ISSUED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, says",
    [("NOSUCHCODE", "没有代金券的编码是"), ("OTHER", "属于其他顾客"), ("USED", "已经使用")],
)
def test_a_voucher_that_cannot_be_used_keeps_the_sale_unrecorded(
    client_for, clerk_a, customer_a, customer_b, fifty_off, voucher, code, says
):
    if code == "OTHER":
        code = vouchers.issue(fifty_off, customer_b, source=VoucherSource.MANUAL, reason="补偿").code
    elif code == "USED":
        Voucher.objects.filter(pk=voucher.pk).update(status=VoucherStatus.REDEEMED)
        code = voucher.code
    client = client_for(clerk_a)
    with time_machine.travel(NOON):
        response = post(client, sale_url(client, customer_a), voucher_code=code)
    assert response.status_code == 200 and says in response.content.decode()
    assert not Purchase.objects.exists()


@pytest.mark.django_db
def test_a_double_submit_with_a_voucher_records_one_sale(client_for, clerk_a, customer_a, voucher):
    client = client_for(clerk_a)
    url = sale_url(client, customer_a)
    with time_machine.travel(NOON):
        first = post(client, url, voucher_code=voucher.code)
        again = post(client, url, voucher_code=voucher.code)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert Purchase.objects.count() == 1
    assert Voucher.objects.get(pk=voucher.pk).purchase == Purchase.objects.get()


@pytest.mark.django_db
def test_the_till_offers_the_customers_vouchers_to_use(client_for, clerk_a, customer_a, voucher):
    with time_machine.travel(NOON):
        body = client_for(clerk_a).get(SALE, {"customer": customer_a.pk}, follow=True).content.decode()
    assert f'data-use-voucher="{voucher.code}"' in body and 'name="voucher_code"' in body


@pytest.mark.django_db
def test_another_stores_clerk_gets_no_voucher_discount_for_a_customer_they_cannot_see(
    client_for, clerk_b, customer_a, voucher
):
    with time_machine.travel(NOON):
        response = client_for(clerk_b).post(f"{QUOTE}?customer={customer_a.pk}", {"voucher_code": voucher.code})
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_manager_at_the_till_may_use_a_voucher_but_head_office_has_no_till(
    client_for, manager_a, head_office, customer_a, voucher
):
    with time_machine.travel(NOON):
        assert post(client_for(manager_a), sale_url(client_for(manager_a), customer_a), voucher_code=voucher.code)
        assert client_for(head_office).post(f"{QUOTE}?customer={customer_a.pk}").status_code == 403
    assert Voucher.objects.get(pk=voucher.pk).status == VoucherStatus.REDEEMED


@pytest.mark.django_db(transaction=True)
def test_a_voucher_costs_the_sale_three_queries(client_for, clerk_a, customer_a, fifty_off):
    from loyalty.benefits import ensure_matrix
    from loyalty.services import current_rules

    current_rules()
    ensure_matrix()
    client = client_for(clerk_a)
    counts = []
    with time_machine.travel(NOON):
        post(client, sale_url(client, customer_a))  # the day's first sale starts the receipt counter
        for code in ("", vouchers.issue(fifty_off, customer_a, source=VoucherSource.MANUAL, reason="补偿").code):
            url = sale_url(client, customer_a)
            with CaptureQueriesContext(connection) as ctx:
                assert post(client, url, voucher_code=code).status_code == 302
            counts.append(len(ctx.captured_queries))
    plain, with_voucher = counts
    # Find the voucher with its type, its stores, the conditional UPDATE.
    assert with_voucher <= plain + 3, counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tills_using_one_voucher_at_once_record_one_sale(store_a, clerk_a, clerk_a2, customer_a, fifty_off):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    code = vouchers.issue(
        fifty_off, customer_a, source=VoucherSource.MANUAL, reason="补偿", day=dt.date(2026, 11, 1)
    ).code
    clerks = [clerk_a, clerk_a2]

    def sell(i):
        customer = Customer.objects.get(pk=customer_a.pk)
        lines = [LineData(item="衬衫", unit_price=Decimal("400.00"))]
        return checkout(
            store=store_a,
            clerk=clerks[i],
            lines=lines,
            customer=customer,
            idempotency_key=uuid.uuid4(),
            voucher_code=code,
        )

    with time_machine.travel(NOON, tick=True):
        results = run_together(2, sell)
    assert sorted(type(r).__name__ for r in results) == ["ValidationError", "tuple"]
    assert Purchase.objects.count() == 1
    assert Voucher.objects.get(code=code).purchase == Purchase.objects.get()
    refused = next(r for r in results if isinstance(r, ValidationError))
    assert refused.code == "voucher"
