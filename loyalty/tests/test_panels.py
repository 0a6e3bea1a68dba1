import pytest
from django.urls import reverse

from customers.tests.factories import buy
from loyalty import services
from loyalty.models import CardApplication, Gift

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_loyalty_hooks")]


def test_the_profile_shows_points_gap_next_gift_and_benefits(client_for, customer_a, clerk_a):
    Gift.objects.create(name="真丝领带", points_price=1000, stock=3)
    buy(customer_a, "800", clerk=clerk_a)
    html = client_for(clerk_a).get(reverse("customers:detail", args=[customer_a.pk])).content.decode()
    assert 'id="loyalty-profile"' in html
    assert 'id="loyalty-balance">800<' in html
    assert "真丝领带" in html and "200" in html
    assert "4200" in html  # cumulative still needed for silver


def test_the_till_tells_the_clerk_the_customer_is_eligible(client_for, customer_a, clerk_a):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    page = client_for(clerk_a).get(reverse("customers:sale"), {"customer": customer_a.pk}, follow=True)
    html = page.content.decode()
    assert 'id="loyalty-eligible"' in html
    assert reverse("loyalty:application_form", args=[application.pk]) in html


def test_the_receipt_shows_points_earned_discount_and_eligibility(client_for, customer_a, clerk_a, head_office):
    services.set_tier_by_hand(customer_a, "B", by=head_office, reason="老客户")
    purchase = buy(customer_a, "4000", clerk=clerk_a)
    html = client_for(clerk_a).get(reverse("customers:purchase", args=[purchase.pk])).content.decode()
    assert 'id="loyalty-earned">3800<' in html
    assert "5%" in html and "200.00" in html
    assert 'id="loyalty-eligible"' in html


def test_head_office_home_counts_pending_approvals(client_for, customer_a, clerk_a, manager_a, head_office):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    services.enter_application(application, relative_name="王强", relative_phone="13900000009", by=clerk_a)
    services.submit_application(application, by=manager_a)
    html = client_for(head_office).get(reverse("home")).content.decode()
    assert 'id="loyalty-home"' in html and reverse("loyalty:queue") in html


def test_the_navigation_matches_the_role(client_for, clerk_a, head_office):
    clerk_html = client_for(clerk_a).get(reverse("home")).content.decode()
    assert reverse("loyalty:register") in clerk_html and reverse("loyalty:queue") not in clerk_html
    hq_html = client_for(head_office).get(reverse("home")).content.decode()
    assert reverse("loyalty:queue") in hq_html and reverse("loyalty:rules") in hq_html


def test_the_customer_panel_is_hidden_from_another_stores_clerk(rf, customer_a, clerk_b):
    from loyalty.panels import customer_panel

    request = rf.get("/")
    request.user = clerk_b
    assert customer_panel(request, customer_a) is None
