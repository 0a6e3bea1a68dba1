"""Two clerks at once: real concurrent transactions on PostgreSQL, one thread each."""

from decimal import Decimal

import pytest
from django.db import connection

from crm.tests.concurrency import run_together
from customers.tests.factories import buy
from loyalty import services
from loyalty.models import CardApplication, Gift, PointsEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    services.current_rules()


def test_fifty_concurrent_earns_lose_none(customer_a, clerk_a):
    results = run_together(
        50, lambda i: services.earn_points(customer_a, 10, reason="test", by=clerk_a, key=f"earn-{i}")
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert services.points_balance(customer_a) == 500
    assert services.ledger_sum(customer_a) == 500
    assert PointsEntry.objects.filter(customer=customer_a).count() == 50


def test_twenty_redemptions_against_a_balance_for_five(customer_a, clerk_a):
    gift = Gift.objects.create(name="领带", points_price=100, stock=100)
    services.earn_points(customer_a, 500, reason="test", by=clerk_a, key="seed")
    results = run_together(20, lambda i: services.redeem_gift(customer_a, gift, by=clerk_a, key=f"redeem-{i}"))
    refusals = [r for r in results if isinstance(r, services.PointsError)]
    others = [r for r in results if isinstance(r, Exception) and not isinstance(r, services.PointsError)]
    assert others == []
    assert len(refusals) == 15 and len(results) - len(refusals) == 5
    assert all(r.code == "insufficient_points" for r in refusals)
    assert services.points_balance(customer_a) == 0 == services.ledger_sum(customer_a)
    gift.refresh_from_db()
    assert gift.stock == 95


def test_the_same_earn_key_at_once_earns_once(customer_a, clerk_a):
    run_together(10, lambda i: services.earn_points(customer_a, 10, reason="test", by=clerk_a, key="same"))
    assert services.points_balance(customer_a) == 10


def test_two_simultaneous_purchases_crossing_silver_open_one_application(customer_a, clerk_a, clerk_a2):
    clerks = [clerk_a, clerk_a2]
    results = run_together(2, lambda i: buy(customer_a, Decimal("1600"), clerk=clerks[i]))
    assert not [r for r in results if isinstance(r, Exception)]
    assert CardApplication.objects.filter(customer=customer_a).count() == 1
    assert services.points_balance(customer_a) == 3200
