"""A second tier check of the same day looks only at the customers whose standing may
have changed since (noted by triggers, PostgreSQL only), and writes what a whole check
would write."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection, models, transaction

from customers.models import Customer, Purchase, Tier
from customers.tests.factories import CustomerFactory
from loyalty import daily_check, tiers
from loyalty.check_models import StandingChange, TierCheckMark
from loyalty.models import OPEN_STATUSES, ApplicationStatus, CardApplication, TierEvaluation

from .conftest import at
from .test_daily_check import DAY, a_chain_of_customers, snapshot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the changes are noted by PostgreSQL triggers"),
]


def check(day=DAY) -> dict:
    return daily_check.tier_check(day, tiers.current_rules())


def whole_check_of_now(day=DAY) -> dict:
    """What a whole check would leave now (rolled back)."""
    with transaction.atomic():
        TierCheckMark.objects.all().delete()
        assert check(day)["whole"]
        found = snapshot()
        transaction.set_rollback(True)
    return found


def a_purchase(customer, store, clerk, total: str, when=None) -> Purchase:
    return Purchase(
        store=store,
        customer=customer,
        clerk=clerk,
        receipt_number=f"R{uuid.uuid4().hex[:12]}",
        purchased_at=when or at(DAY),
        subtotal=Decimal(total),
        total=Decimal(total),
    )


def test_a_second_run_after_changes_of_every_kind_writes_what_a_whole_check_writes(store_a, clerk_a):
    a_chain_of_customers(store_a, clerk_a, 80, seed=5)
    before = set(CardApplication.objects.values_list("pk", flat=True))
    assert check()["whole"]
    assert not StandingChange.objects.exists(), "the whole check took the changes noted before it"
    never_applied = Customer.objects.filter(tier=Tier.C, cumulative_spend__lt=100, card_applications=None)
    below = list(never_applied.order_by("pk")[:3])
    # An import's opening balance, written by raw SQL.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customer SET cumulative_spend = 6000 WHERE id = %s", [below[0].pk])
    # A purchase written directly (no update of the customer), and one moved to another customer.
    Purchase.objects.bulk_create([a_purchase(below[1], store_a, clerk_a, "1600")])
    moved = a_purchase(below[2], store_a, clerk_a, "40")
    moved.save()
    Purchase.objects.filter(pk=moved.pk).update(total=Decimal("5200"))
    # A new customer who brought a spend from the paper register.
    brought = CustomerFactory(home_store=store_a, clerk=clerk_a, tier=Tier.C, mobile=None)
    Customer.objects.filter(pk=brought.pk).update(cumulative_spend=Decimal("5500"))
    # An application the check opened, withdrawn; a rejection that kept a qualifying
    # customer from applying, removed: both customers may apply again.
    evaluated = TierEvaluation.objects.filter(on=DAY, purchase=None).exclude(eligible_tier=models.F("current_tier"))
    unopened = evaluated.exclude(customer__card_applications__status__in=OPEN_STATUSES)
    blocked = unopened.filter(customer__card_applications__status=ApplicationStatus.REJECTED).first().customer
    withdrawn = CardApplication.objects.exclude(pk__in=before).first()
    CardApplication.objects.filter(pk=withdrawn.pk).update(status=ApplicationStatus.WITHDRAWN)
    CardApplication.objects.filter(customer=blocked, status=ApplicationStatus.REJECTED).delete()

    expected = whole_check_of_now()
    counts = check()
    assert not counts["whole"]
    assert snapshot() == expected
    applying = set(CardApplication.objects.open().values_list("customer_id", flat=True))
    changed = {below[0].pk, below[1].pk, below[2].pk, brought.pk, withdrawn.customer_id, blocked.pk}
    assert len(changed) == 6 and changed <= applying, "each change of this test lets its customer apply"
    assert counts["applications_opened"] == 6
    assert counts["checked"] < 20, "only the customers noted since the whole check"
    assert not StandingChange.objects.exists()


def test_a_second_run_with_nothing_changed_looks_at_nobody_and_writes_nothing(store_a, clerk_a):
    a_chain_of_customers(store_a, clerk_a, 60, seed=6)
    check()
    stamps = list(TierEvaluation.objects.order_by("pk").values_list("pk", "at"))
    counts = check()
    assert counts == {"checked": 0, "applications_opened": 0, "applications_raised": 0, "whole": False}
    assert list(TierEvaluation.objects.order_by("pk").values_list("pk", "at")) == stamps


def test_a_sale_at_the_till_is_noted_and_checked_again(store_a, clerk_a):
    customer = CustomerFactory(home_store=store_a, clerk=clerk_a, tier=Tier.C, mobile=None)
    check()
    with connection.cursor() as cursor:  # the sale's own check has been bypassed: only the daily one is left
        cursor.execute(
            "UPDATE customers_customer SET cumulative_spend = 5000, last_purchase_at = %s WHERE id = %s",
            [at(DAY), customer.pk],
        )
    assert list(StandingChange.objects.values_list("customer_id", flat=True)) == [customer.pk]
    counts = check()
    assert counts["checked"] == 1 and counts["applications_opened"] == 1
    assert CardApplication.objects.get(customer=customer).target_tier == Tier.B


def test_new_rules_and_a_new_day_check_everyone_again(store_a, clerk_a, head_office):
    a_chain_of_customers(store_a, clerk_a, 40, seed=7)
    assert check()["whole"]
    assert not check()["whole"]
    tiers.update_rules(
        {Tier.B: (Decimal("900"), Decimal("4000"), 90), Tier.A: (Decimal("2500"), Decimal("9000"), None)},
        by=head_office,
    )
    assert check()["whole"], "new rules"
    assert not check()["whole"]
    assert check(DAY + dt.timedelta(days=1))["whole"], "a new day"
    assert check(DAY)["whole"], "an earlier day after a later one"


def test_the_check_does_not_note_its_own_writes(store_a, clerk_a):
    a_chain_of_customers(store_a, clerk_a, 60, seed=8)
    counts = check()
    assert counts["applications_opened"] > 0
    assert not StandingChange.objects.exists()
