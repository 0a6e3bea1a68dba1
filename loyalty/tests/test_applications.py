import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from customers.models import Customer, Tier
from customers.tests.factories import CustomerFactory, buy
from loyalty import services
from loyalty.models import ApplicationStatus, CardApplication, MembershipCard, TierChange

pytestmark = pytest.mark.django_db


def submitted(customer, clerk, manager, amount="1600"):
    buy(customer, amount, clerk=clerk)
    application = CardApplication.objects.get(customer=customer, status=ApplicationStatus.CREATED)
    services.enter_application(application, relative_name="王强", relative_phone="13900000009", by=clerk)
    services.submit_application(application, by=manager)
    return application


def test_it_records_who_took_each_step_and_when(customer_a, clerk_a, manager_a, head_office):
    application = submitted(customer_a, clerk_a, manager_a)
    services.approve_application(application, by=head_office)
    services.record_notified(application, by=clerk_a)
    services.record_notified(application, by=clerk_a)
    services.record_mailed(application, by=manager_a)
    steps = list(application.events.values_list("status", "by__username"))
    assert steps == [
        ("created", "clerk_a"),
        ("entered", "clerk_a"),
        ("submitted", "manager_a"),
        ("approved", "hq"),
        ("notified", "clerk_a"),
        ("notified_again", "clerk_a"),
        ("mailed", "manager_a"),
    ]


def test_approval_changes_the_tier_and_issues_a_card(customer_a, clerk_a, manager_a, head_office):
    application = submitted(customer_a, clerk_a, manager_a)
    with time_machine.travel(dt.datetime(2025, 3, 1, 4, tzinfo=dt.UTC)):
        services.approve_application(application, by=head_office)
    customer_a.refresh_from_db()
    assert customer_a.tier == Tier.B
    assert customer_a.card_number == "B2025000001"
    change = TierChange.objects.get(customer=customer_a)
    assert (change.from_tier, change.to_tier, change.application) == ("C", "B", application)


def test_the_card_number_format_is_configurable(customer_a, clerk_a, manager_a, head_office, settings):
    settings.LOYALTY_CARD_NUMBER_FORMAT = "KD-{store}-{tier}{seq:05d}"
    services.approve_application(submitted(customer_a, clerk_a, manager_a), by=head_office)
    customer_a.refresh_from_db()
    assert customer_a.card_number == "KD-S001-B00001"


def test_it_skips_card_numbers_already_in_use(customer_a, clerk_a, manager_a, head_office, store_a):
    CustomerFactory(home_store=store_a, card_number="B2025000001")
    with time_machine.travel(dt.datetime(2025, 3, 1, 4, tzinfo=dt.UTC)):
        services.approve_application(submitted(customer_a, clerk_a, manager_a), by=head_office)
    customer_a.refresh_from_db()
    assert customer_a.card_number == "B2025000002"


def test_the_points_card_skips_numbers_held_by_a_customer_or_a_card(customer_a, clerk_a, store_a):
    """The number is checked in the card's own INSERT: taken numbers are passed over, the
    card and the customer's number still agree."""
    CustomerFactory(home_store=store_a, card_number="C2025000001")  # from the paper register
    other = CustomerFactory(home_store=store_a)
    MembershipCard.objects.create(customer=other, number="C2025000002", tier=Tier.C, voided_at="2025-01-01T00:00Z")
    with time_machine.travel(dt.datetime(2025, 3, 1, 4, tzinfo=dt.UTC)):
        buy(customer_a, "300", clerk=clerk_a)
    customer_a.refresh_from_db()
    assert customer_a.card_number == "C2025000003"
    assert MembershipCard.objects.get(customer=customer_a, voided_at__isnull=True).number == "C2025000003"


def test_a_points_card_for_a_customer_who_holds_a_valid_card_fails_rather_than_loops(customer_a, clerk_a):
    from django.db import IntegrityError

    MembershipCard.objects.create(customer=customer_a, number="X1", tier=Tier.C)  # card_number left empty
    with pytest.raises(IntegrityError, match="valid card"):
        services.issue_points_card(customer_a, by=clerk_a)
    assert MembershipCard.objects.filter(customer=customer_a).count() == 1


def test_silver_to_gold_voids_the_silver_card(customer_a, clerk_a, manager_a, head_office):
    services.approve_application(submitted(customer_a, clerk_a, manager_a), by=head_office)
    customer_a.refresh_from_db()
    silver = customer_a.card_number
    services.approve_application(submitted(customer_a, clerk_a, manager_a, amount="3500"), by=head_office)
    customer_a.refresh_from_db()
    assert customer_a.tier == Tier.A and customer_a.card_number != silver
    assert MembershipCard.objects.get(number=silver).voided_at is not None
    assert MembershipCard.objects.get(number=customer_a.card_number).is_valid


def test_a_card_from_before_kedang_is_kept_as_voided(customer_a, clerk_a, manager_a, head_office):
    Customer.objects.filter(pk=customer_a.pk).update(card_number="OLD123")
    customer_a.refresh_from_db()
    services.approve_application(submitted(customer_a, clerk_a, manager_a), by=head_office)
    assert MembershipCard.objects.get(number="OLD123").voided_at is not None


def test_an_application_is_approved_only_once(customer_a, clerk_a, manager_a, head_office):
    application = submitted(customer_a, clerk_a, manager_a)
    services.approve_application(application, by=head_office)
    stale = CardApplication.objects.get(pk=application.pk)
    stale.status = ApplicationStatus.SUBMITTED
    with pytest.raises(services.ApplicationError):
        services.approve_application(stale, by=head_office)
    assert MembershipCard.objects.filter(customer=customer_a, tier="B").count() == 1


def test_it_cannot_submit_before_the_form_is_entered(customer_a, clerk_a, manager_a):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    with pytest.raises(services.ApplicationError):
        services.submit_application(application, by=manager_a)


def test_rejection_needs_a_reason(customer_a, clerk_a, manager_a, head_office):
    application = submitted(customer_a, clerk_a, manager_a)
    with pytest.raises(services.ApplicationError):
        services.reject_application(application, reason=" ", by=head_office)
    services.reject_application(application, reason="资料不全", by=head_office)
    application.refresh_from_db()
    assert application.reject_reason == "资料不全" and application.decided_by == head_office


def test_bulk_approval_approves_each_and_reports_refusals(store_a, clerk_a, manager_a, head_office):
    customers = [CustomerFactory(home_store=store_a) for _ in range(3)]
    apps = [submitted(c, clerk_a, manager_a) for c in customers]
    services.set_tier_by_hand(customers[2], Tier.A, by=head_office, reason="VIP")
    done, refused = services.approve_applications(apps, by=head_office)
    assert len(done) == 2
    assert [application for application, _message in refused] == [apps[2]]
    assert CardApplication.objects.get(pk=apps[2].pk).status == ApplicationStatus.WITHDRAWN


def test_a_tier_set_by_hand_is_logged_and_is_no_floor(customer_a, clerk_a, head_office):
    services.set_tier_by_hand(customer_a, Tier.B, by=head_office, reason="老客户补办")
    customer_a.refresh_from_db()
    assert customer_a.tier == Tier.B and customer_a.card_number
    change = TierChange.objects.get(customer=customer_a)
    assert (change.source, change.reason, change.by) == ("by_hand", "老客户补办", head_office)
    services.set_tier_by_hand(customer_a, Tier.C, by=head_office, reason="更正")
    customer_a.refresh_from_db()
    assert customer_a.tier == Tier.C and customer_a.card_number is None
    buy(customer_a, "1500", clerk=clerk_a)
    assert CardApplication.objects.filter(customer=customer_a, target_tier="B").exists()


def test_the_till_applies_the_tier_discount(customer_a, clerk_a, head_office):
    services.set_tier_by_hand(customer_a, Tier.A, by=head_office, reason="VIP")
    purchase = buy(customer_a, "1000", clerk=clerk_a)
    assert purchase.discount_rate == Decimal("0.1000")
    assert purchase.total == Decimal("900.00")
    assert services.points_balance(customer_a) == 900


def test_the_first_identified_purchase_gives_a_temporary_points_card(customer_a, clerk_a, manager_a, head_office):
    buy(customer_a, "300", clerk=clerk_a)
    customer_a.refresh_from_db()
    temporary = MembershipCard.objects.get(customer=customer_a)
    assert customer_a.card_number == temporary.number and temporary.tier == Tier.C
    buy(customer_a, "300", clerk=clerk_a)
    assert MembershipCard.objects.filter(customer=customer_a).count() == 1
    services.approve_application(submitted(customer_a, clerk_a, manager_a), by=head_office)
    customer_a.refresh_from_db()
    assert customer_a.card_number.startswith("B")
    assert MembershipCard.objects.get(number=temporary.number).voided_at is not None


def test_an_anonymous_or_imported_card_number_is_kept(customer_a, clerk_a):
    Customer.objects.filter(pk=customer_a.pk).update(card_number="VIP0001")
    customer_a.refresh_from_db()
    buy(customer_a, "300", clerk=clerk_a)
    customer_a.refresh_from_db()
    assert customer_a.card_number == "VIP0001" and not MembershipCard.objects.filter(customer=customer_a).exists()
