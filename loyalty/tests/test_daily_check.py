"""The set-based daily tier check writes what the customer-at-a-time check writes."""

import datetime as dt
import random
import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from customers.models import Customer, Purchase, Tier
from customers.tests.factories import CustomerFactory
from loyalty import daily_check, tiers
from loyalty.models import ApplicationEvent, ApplicationStatus, CardApplication, TierEvaluation

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 30)
AMOUNTS = ["80", "900", "1499.99", "1500", "2999.99", "3000", "4200", "6000"]


def snapshot() -> dict:
    applications = CardApplication.objects.order_by("customer_id", "id")
    return {
        "applications": list(
            applications.values_list(
                "customer_id", "store_id", "from_tier", "target_tier", "status", "rule_version_id", "created_by_id"
            )
        ),
        "events": sorted(
            ApplicationEvent.objects.values_list("application__customer_id", "status", "note", "by_id"), key=str
        ),
        "evaluations": list(
            TierEvaluation.objects.order_by("customer_id", "on").values_list(
                "customer_id",
                "on",
                "current_tier",
                "eligible_tier",
                "max_single",
                "cumulative",
                "window_cumulative",
                "rule_version_id",
            )
        ),
    }


def a_chain_of_customers(store, clerk, count: int, seed: int) -> None:
    """Customers of every kind the check meets: purchases inside and outside the gold
    window, after the day, imported; opening balances; open, rejected and approved
    applications; an evaluation already recorded that day."""
    rng = random.Random(seed)
    version = tiers.current_rules()
    purchases = []
    for _n in range(count):
        customer = CustomerFactory(
            home_store=store, clerk=clerk, tier=rng.choice([Tier.C, Tier.C, Tier.B, Tier.A]), mobile=None
        )
        spend = Decimal(0)
        last = None
        for _ in range(rng.randint(0, 4)):
            when = at(DAY - dt.timedelta(days=rng.choice([0, 1, 100, 181, 182, 300, 700, -1])))
            total = Decimal(rng.choice(AMOUNTS))
            imported = rng.random() < 0.15
            purchases.append(
                Purchase(
                    store=store,
                    customer=customer,
                    clerk=clerk,
                    receipt_number=f"R{uuid.uuid4().hex[:12]}",
                    purchased_at=when,
                    subtotal=total,
                    total=total,
                    is_imported=imported,
                )
            )
            spend += total
            last = max(last or when, when)
        if rng.random() < 0.2:
            spend += Decimal(rng.choice(["3000", "5000", "12000"]))  # an opening balance
        Customer.objects.filter(pk=customer.pk).update(cumulative_spend=spend, last_purchase_at=last)
        kind = rng.random()
        if kind < 0.15:
            CardApplication.objects.create(
                customer=customer,
                store=store,
                from_tier=customer.tier,
                target_tier=rng.choice([Tier.B, Tier.A]),
                status=rng.choice([ApplicationStatus.CREATED, ApplicationStatus.ENTERED, ApplicationStatus.SUBMITTED]),
                rule_version=version,
            )
        elif kind < 0.3:
            decided = at(DAY - dt.timedelta(days=rng.choice([0, 50, 400])))
            CardApplication.objects.create(
                customer=customer,
                store=store,
                from_tier=customer.tier,
                target_tier=rng.choice([Tier.B, Tier.A]),
                status=ApplicationStatus.REJECTED,
                decided_at=decided,
                rule_version=version,
            )
        elif kind < 0.35:
            TierEvaluation.objects.create(
                customer=customer,
                on=DAY,
                rule_version=version,
                current_tier=customer.tier,
                eligible_tier=customer.tier,
            )
    Purchase.objects.bulk_create(purchases)


def one_by_one_then_set_based(day: dt.date) -> tuple[dict, dict]:
    version = tiers.current_rules()
    with transaction.atomic():
        reference = tiers._tier_check_one_by_one(day, version)
        expected = snapshot()
        transaction.set_rollback(True)
    counts = daily_check.tier_check(day, version)
    assert counts["checked"] == reference["checked"]
    assert counts["applications_opened"] == reference["applications_opened"]
    return expected, snapshot()


@pytest.mark.parametrize("seed", [1, 2])
def test_it_opens_raises_and_evaluates_exactly_what_the_one_by_one_check_does(store_a, clerk_a, seed):
    a_chain_of_customers(store_a, clerk_a, 120, seed)
    expected, found = one_by_one_then_set_based(DAY)
    assert found == expected
    assert len(expected["applications"]) > 20, "the chain has work for the check"


def test_it_agrees_with_the_one_by_one_check_under_edited_rules(store_a, clerk_a, head_office):
    tiers.update_rules(
        {Tier.B: (Decimal("900"), Decimal("4000"), 90), Tier.A: (Decimal("2500"), Decimal("9000"), None)},
        by=head_office,
    )
    a_chain_of_customers(store_a, clerk_a, 100, seed=3)
    expected, found = one_by_one_then_set_based(DAY)
    assert found == expected


def test_a_second_run_of_the_day_opens_nothing_and_keeps_one_evaluation_each(store_a, clerk_a):
    a_chain_of_customers(store_a, clerk_a, 60, seed=4)
    first = tiers.tier_check(DAY)
    before = snapshot()
    again = tiers.tier_check(DAY)
    assert first["applications_opened"] > 0
    assert again["applications_opened"] == 0
    assert again["applications_raised"] == 0
    after = snapshot()
    assert after["applications"] == before["applications"]
    assert after["events"] == before["events"]
    assert len(after["evaluations"]) == len(before["evaluations"])
