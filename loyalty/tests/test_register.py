import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from customers.tests.factories import buy
from loyalty import services
from loyalty.models import CardApplication

pytestmark = pytest.mark.django_db


def test_it_highlights_applications_not_submitted_within_3_days(client_for, customer_a, clerk_a, manager_a):
    with time_machine.travel(dt.datetime(2025, 5, 1, 4, tzinfo=dt.UTC)):
        buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    with time_machine.travel(dt.datetime(2025, 5, 4, 4, tzinfo=dt.UTC)):
        page = client_for(manager_a).get(reverse("loyalty:register"))
        assert not page.context["page"][0].is_submission_overdue()
    with time_machine.travel(dt.datetime(2025, 5, 5, 4, tzinfo=dt.UTC)):
        page = client_for(manager_a).get(reverse("loyalty:register"))
        assert page.context["page"][0] == application
        assert page.context["page"][0].is_submission_overdue()
        assert "badge bg-danger" in page.content.decode()


def test_it_highlights_cards_to_mail_after_two_calls(client_for, customer_a, clerk_a, manager_a, head_office):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    services.enter_application(application, relative_name="王强", relative_phone="13900000009", by=clerk_a)
    services.submit_application(application, by=manager_a)
    services.approve_application(application, by=head_office)
    services.record_notified(application, by=clerk_a)
    services.record_notified(application, by=clerk_a)
    page = client_for(manager_a).get(reverse("loyalty:register"), {"show": "awaiting_card"})
    assert 'class="table-warning"' in page.content.decode()


def test_a_manager_sees_only_their_stores_applications(client_for, customer_a, customer_b, clerk_a, clerk_b, manager_a):
    buy(customer_a, "1600", clerk=clerk_a)
    buy(customer_b, "1600", clerk=clerk_b)
    page = client_for(manager_a).get(reverse("loyalty:register"))
    assert [a.customer for a in page.context["page"]] == [customer_a]


def test_the_register_shows_each_applications_history(client_for, customer_a, clerk_a, manager_a):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    services.enter_application(application, relative_name="王强", relative_phone="13900000009", by=clerk_a)
    page = client_for(manager_a).get(reverse("loyalty:application", args=[application.pk]))
    assert len(page.context["events"]) == 2
