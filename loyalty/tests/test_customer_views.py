import uuid

import pytest
from django.urls import reverse

from customers.models import Customer, Tier
from customers.tests.factories import buy
from loyalty import services
from loyalty.models import CardApplication, PointsEntry

pytestmark = pytest.mark.django_db


def test_it_shows_the_points_history(client_for, customer_a, clerk_a):
    buy(customer_a, "800", clerk=clerk_a)
    page = client_for(clerk_a).get(reverse("loyalty:points", args=[customer_a.pk]))
    assert page.status_code == 200
    assert page.context["balance"] == 800
    assert "+800" in page.content.decode()


def test_a_clerk_redeems_a_gift_once_despite_a_double_submit(client_for, customer_a, clerk_a, gift):
    services.earn_points(customer_a, 1500, reason="t", by=clerk_a, key="k")
    client = client_for(clerk_a)
    data = {"gift": gift.pk, "quantity": 1, "key": str(uuid.uuid4())}
    first = client.post(reverse("loyalty:redeem", args=[customer_a.pk]), data)
    client.post(reverse("loyalty:redeem", args=[customer_a.pk]), data)
    assert first.status_code == 302
    assert services.points_balance(customer_a) == 500
    gift.refresh_from_db()
    assert gift.stock == 9


def test_it_explains_a_refused_redemption(client_for, customer_a, clerk_a, gift):
    services.earn_points(customer_a, 10, reason="t", by=clerk_a, key="k")
    page = client_for(clerk_a).post(
        reverse("loyalty:redeem", args=[customer_a.pk]), {"gift": gift.pk, "quantity": 1, "key": str(uuid.uuid4())}
    )
    assert page.status_code == 200
    assert "积分不足" in page.content.decode()


def test_a_manager_adjusts_points_with_a_reason(client_for, customer_a, manager_a):
    client = client_for(manager_a)
    client.post(reverse("loyalty:adjust", args=[customer_a.pk]), {"points": 50, "reason": "补录", "key": uuid.uuid4()})
    entry = PointsEntry.objects.get(customer=customer_a)
    assert (entry.points, entry.reason, entry.by) == (50, "补录", manager_a)


def test_a_clerk_cannot_adjust_points(client_for, customer_a, clerk_a):
    assert client_for(clerk_a).get(reverse("loyalty:adjust", args=[customer_a.pk])).status_code == 403


def test_head_office_sets_a_tier_by_hand(client_for, customer_a, head_office):
    client_for(head_office).post(reverse("loyalty:set_tier", args=[customer_a.pk]), {"tier": "A", "reason": "VIP"})
    assert Customer.objects.get(pk=customer_a.pk).tier == Tier.A


def test_check_now_opens_the_application_and_goes_to_its_form(client_for, customer_a, clerk_a, head_office):
    buy(customer_a, "1200", clerk=clerk_a)
    services.update_rules(
        {"B": (1000, 5000, None), "A": (3000, 10000, 182)},
        by=head_office,
    )
    response = client_for(clerk_a).post(reverse("loyalty:check_now", args=[customer_a.pk]))
    application = CardApplication.objects.get(customer=customer_a)
    assert response["Location"] == reverse("loyalty:application_form", args=[application.pk])
