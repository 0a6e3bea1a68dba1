import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from customers.models import Customer, Tier
from customers.tests.factories import buy
from loyalty import services
from loyalty.models import BenefitKind, CardApplication, TierBenefit, TierEvaluation

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 30)


def applications(customer):
    return list(CardApplication.objects.filter(customer=customer).values_list("target_tier", "status"))


def test_it_opens_a_silver_application_exactly_at_the_single_threshold(customer_a, clerk_a):
    buy(customer_a, "1500.00", clerk=clerk_a)
    assert applications(customer_a) == [("B", "created")]
    customer_a.refresh_from_db()
    assert customer_a.tier == Tier.C, "eligibility alone does not change the tier"


def test_it_opens_nothing_one_fen_below_the_single_threshold(customer_a, clerk_a):
    buy(customer_a, "1499.99", clerk=clerk_a)
    assert applications(customer_a) == []


def test_it_adds_up_several_purchases_to_the_cumulative_threshold(customer_a, clerk_a):
    for amount in ("1400", "1400", "1400", "799.99"):
        buy(customer_a, amount, clerk=clerk_a)
    assert applications(customer_a) == []
    buy(customer_a, "0.01", clerk=clerk_a)
    assert applications(customer_a) == [("B", "created")]


def test_a_gold_level_single_purchase_by_a_c_customer_applies_for_gold_directly(customer_a, clerk_a):
    buy(customer_a, "3000", clerk=clerk_a)
    assert applications(customer_a) == [("A", "created")]


def test_a_second_eligible_purchase_while_an_application_is_open_opens_no_other(customer_a, clerk_a):
    buy(customer_a, "1600", clerk=clerk_a)
    buy(customer_a, "1700", clerk=clerk_a)
    assert applications(customer_a) == [("B", "created")]


def test_a_purchase_while_the_application_is_open_writes_and_reads_no_application(customer_a, clerk_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buy(customer_a, "1600", clerk=clerk_a)
    with CaptureQueriesContext(connection) as ctx:
        buy(customer_a, "1700", clerk=clerk_a)
    assert not [q["sql"] for q in ctx.captured_queries if '"loyalty_cardapplication" (' in q["sql"]]
    assert not [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "loyalty_cardapplication"')]
    assert applications(customer_a) == [("B", "created")]


def test_a_purchase_after_a_rejection_opens_a_new_application(customer_a, clerk_a):
    buy(customer_a, "1600", clerk=clerk_a)
    CardApplication.objects.filter(customer=customer_a).update(status="rejected")
    buy(customer_a, "1700", clerk=clerk_a)
    assert sorted(applications(customer_a)) == [("B", "created"), ("B", "rejected")]


def test_a_gold_purchase_while_silver_is_open_raises_the_open_application(customer_a, clerk_a):
    buy(customer_a, "1600", clerk=clerk_a)
    buy(customer_a, "3200", clerk=clerk_a)
    assert applications(customer_a) == [("A", "created")]


def _silver(customer):
    TierBenefit.objects.filter(benefit=BenefitKind.DISCOUNT).update(enabled=False)
    Customer.objects.filter(pk=customer.pk).update(tier=Tier.B)
    customer.refresh_from_db()


def test_gold_counts_purchases_inside_the_182_day_window(customer_a, clerk_a):
    _silver(customer_a)
    buy(customer_a, "2500", clerk=clerk_a, when=at(DAY - dt.timedelta(days=181)))
    for days in (100, 50, 0):
        buy(customer_a, "2500", clerk=clerk_a, when=at(DAY - dt.timedelta(days=days)))
    assert applications(customer_a) == [("A", "created")]


def test_gold_ignores_purchases_outside_the_182_day_window(customer_a, clerk_a):
    _silver(customer_a)
    buy(customer_a, "2500", clerk=clerk_a, when=at(DAY - dt.timedelta(days=182)))
    for days in (100, 50, 0):
        buy(customer_a, "2500", clerk=clerk_a, when=at(DAY - dt.timedelta(days=days)))
    assert applications(customer_a) == []
    assert services.next_tier_gap(customer_a, DAY)["cumulative_needed"] == Decimal("2500.00")


def test_silver_counts_all_cumulative_spend(customer_a, clerk_a):
    buy(customer_a, "1000", clerk=clerk_a, when=at(DAY - dt.timedelta(days=700)))
    for amount in ("1400", "1400", "1200"):
        buy(customer_a, amount, clerk=clerk_a, when=at(DAY))
    assert applications(customer_a) == [("B", "created")]


def test_each_evaluation_records_the_rule_version_it_used(customer_a, clerk_a, head_office):
    buy(customer_a, "100", clerk=clerk_a)
    services.update_rules(
        {Tier.B: (Decimal("100"), Decimal("5000"), None), Tier.A: (Decimal("3000"), Decimal("10000"), 182)},
        by=head_office,
    )
    buy(customer_a, "100", clerk=clerk_a)
    versions = list(TierEvaluation.objects.order_by("at", "id").values_list("rule_version__number", flat=True))
    assert versions == [1, 2]
    application = CardApplication.objects.get(customer=customer_a)
    assert application.rule_version.number == 2


def test_the_daily_check_opens_applications_the_purchases_missed(customer_a, clerk_a, head_office):
    buy(customer_a, "1200", clerk=clerk_a, when=at(DAY))
    services.update_rules(
        {Tier.B: (Decimal("1000"), Decimal("5000"), None), Tier.A: (Decimal("3000"), Decimal("10000"), 182)},
        by=head_office,
    )
    call_command("run_daily_jobs", date=DAY.isoformat(), only=["loyalty.tier_check"])
    call_command("run_daily_jobs", date=DAY.isoformat(), only=["loyalty.tier_check"])
    assert applications(customer_a) == [("B", "created")]
    assert TierEvaluation.objects.filter(customer=customer_a, purchase=None).count() == 1


def test_the_daily_check_does_not_reopen_a_rejected_application(customer_a, clerk_a, manager_a, head_office):
    buy(customer_a, "1600", clerk=clerk_a, when=at(DAY))
    application = CardApplication.objects.get(customer=customer_a)
    services.enter_application(application, relative_name="王强", relative_phone="13900000000", by=clerk_a)
    services.submit_application(application, by=manager_a)
    services.reject_application(application, reason="资料不全", by=head_office)
    services.tier_check(DAY + dt.timedelta(days=1))
    assert applications(customer_a) == [("B", "rejected")]


def test_it_tells_the_gap_to_the_next_tier(customer_a, clerk_a):
    buy(customer_a, "1200", clerk=clerk_a)
    customer_a.refresh_from_db()
    gap = services.next_tier_gap(customer_a)
    assert gap["tier"] == "B"
    assert gap["single_needed"] == Decimal("1500.00")
    assert gap["cumulative_needed"] == Decimal("3800.00")
    Customer.objects.filter(pk=customer_a.pk).update(tier=Tier.A)
    customer_a.refresh_from_db()
    assert services.next_tier_gap(customer_a) is None
