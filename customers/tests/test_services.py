import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from crm.tests.concurrency import run_together
from customers.models import Customer, Purchase
from customers.services import DuplicateCustomer, LineData, capture_customer, checkout, record_purchase

SHIRT = [LineData(item="衬衫", unit_price=Decimal("399.00"), quantity=2)]


def test_it_sums_lines_in_decimal_and_updates_the_customer(customer_a, clerk_a):
    lines = [LineData(item="a", unit_price=Decimal("0.10"), quantity=3), LineData(item="b", unit_price=Decimal("0.20"))]
    purchase, created = record_purchase(store=customer_a.home_store, clerk=clerk_a, customer=customer_a, lines=lines)
    assert created and purchase.total == Decimal("0.50")
    assert Customer.objects.get(pk=customer_a.pk).cumulative_spend == Decimal("0.50")


def test_it_numbers_receipts_per_store_and_day(customer_a, clerk_a):
    first, _ = record_purchase(store=customer_a.home_store, clerk=clerk_a, customer=customer_a, lines=SHIRT)
    second, _ = record_purchase(store=customer_a.home_store, clerk=clerk_a, customer=customer_a, lines=SHIRT)
    assert first.receipt_number.startswith("S001-") and first.receipt_number.endswith("-0001")
    assert second.receipt_number.endswith("-0002")


def test_it_returns_the_first_purchase_for_a_repeated_key(customer_a, clerk_a):
    key = uuid.uuid4()
    first, _ = record_purchase(
        store=customer_a.home_store, clerk=clerk_a, customer=customer_a, lines=SHIRT, idempotency_key=key
    )
    again, created = record_purchase(
        store=customer_a.home_store, clerk=clerk_a, customer=customer_a, lines=SHIRT, idempotency_key=key
    )
    assert again == first and not created
    assert Customer.objects.get(pk=customer_a.pk).cumulative_spend == Decimal("798.00")


def test_it_refuses_a_customer_without_consent(store_a, clerk_a):
    with pytest.raises(ValidationError):
        capture_customer(store=store_a, clerk=clerk_a, name="x", mobile="+8613800000000", data_consent=False)
    assert not Customer.objects.exists()


def test_a_failed_capture_at_checkout_records_no_sale(customer_a, store_a, clerk_a):
    with pytest.raises(DuplicateCustomer):
        checkout(
            store=store_a,
            clerk=clerk_a,
            lines=SHIRT,
            idempotency_key=uuid.uuid4(),
            new_customer={"name": "冒名", "mobile": customer_a.mobile, "data_consent": True},
        )
    assert not Purchase.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_capturing_one_mobile_at_once_make_one_customer(store_a, clerk_a, clerk_a2):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")

    def capture():
        return capture_customer(store=store_a, clerk=clerk_a, name="同时", mobile="+8613800000009", data_consent=True)

    outcomes = run_together(4, lambda i: capture())
    results = [o for o in outcomes if not isinstance(o, Exception)]
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert Customer.objects.filter(mobile="+8613800000009").count() == 1
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, DuplicateCustomer) for e in errors)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_arriving_at_once_records_one_sale(store_a, clerk_a):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    key = uuid.uuid4()

    def submit():
        return checkout(
            store=store_a,
            clerk=clerk_a,
            lines=SHIRT,
            idempotency_key=key,
            new_customer={"name": "双击", "mobile": "+8613800000010", "data_consent": True},
        )

    outcomes = run_together(3, lambda i: submit())
    results = [o for o in outcomes if not isinstance(o, Exception)]
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == []
    assert Purchase.objects.count() == 1 and Customer.objects.count() == 1
    assert sorted(created for _, created in results) == [False, False, True]


def test_it_prices_a_sale_at_the_tier_held_when_it_is_recorded(customer_a, clerk_a):
    """The till read the customer as C; a silver card was approved before the sale was saved."""
    from customers.services import member_discount

    before = Customer.objects.get(pk=customer_a.pk).cumulative_spend
    Customer.objects.filter(pk=customer_a.pk).update(tier="B")
    assert customer_a.tier == "C"
    purchase, _ = record_purchase(store=customer_a.home_store, clerk=clerk_a, customer=customer_a, lines=SHIRT)
    rate, discount = member_discount(Customer.objects.get(pk=customer_a.pk), Decimal("798.00"))
    assert discount > 0, "the silver card has a member discount"
    purchase.refresh_from_db()
    assert (purchase.discount_rate, purchase.total) == (rate, Decimal("798.00") - discount)
    assert Customer.objects.get(pk=customer_a.pk).cumulative_spend == before + purchase.total
