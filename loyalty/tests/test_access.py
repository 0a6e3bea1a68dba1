"""Every loyalty URL about a customer answers 404 to a clerk of another store; only head
office approves, rejects or edits rules and benefits (others 403)."""

import pytest
from django.urls import reverse

from customers.tests.factories import buy
from loyalty import services
from loyalty.models import CardApplication

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(customer_a, clerk_a, manager_a):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    services.enter_application(application, relative_name="王强", relative_phone="13900000009", by=clerk_a)
    services.submit_application(application, by=manager_a)
    return application


def customer_urls(customer, application):
    urls = [
        reverse(name, args=[customer.pk])
        for name in ("loyalty:points", "loyalty:redeem", "loyalty:adjust", "loyalty:set_tier", "loyalty:check_now")
    ]
    urls += [
        reverse(name, args=[application.pk])
        for name in ("loyalty:application", "loyalty:application_form", "loyalty:application_reject")
    ]
    urls += [
        reverse("loyalty:application_step", args=[application.pk, step])
        for step in ("submit", "approve", "notified", "collected", "mailed")
    ]
    return urls


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_clerk_of_another_store_gets_404_on_every_customer_url(client_for, clerk_b, customer_a, application, method):
    client = client_for(clerk_b)
    for url in customer_urls(customer_a, application):
        assert getattr(client, method)(url).status_code == 404, url
    assert CardApplication.objects.get(pk=application.pk).status == "submitted"


def test_head_office_of_another_store_is_not_an_outsider(client_for, head_office, application):
    assert client_for(head_office).get(reverse("loyalty:application", args=[application.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["clerk_a", "manager_a", "supervisor"])
def test_only_head_office_approves_rejects_or_edits_rules(request, client_for, persona, application, customer_a):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(reverse("loyalty:application_step", args=[application.pk, "approve"])).status_code == 403
    assert client.post(reverse("loyalty:application_reject", args=[application.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("loyalty:approve_selected"), {"ids": [application.pk]}).status_code == 403
    assert client.get(reverse("loyalty:queue")).status_code == 403
    assert client.get(reverse("loyalty:rules")).status_code == 403
    assert client.post(reverse("loyalty:benefits"), {}).status_code == 403
    assert client.get(reverse("loyalty:gift_create")).status_code == 403
    assert client.get(reverse("loyalty:set_tier", args=[customer_a.pk])).status_code == 403
    assert CardApplication.objects.get(pk=application.pk).status == "submitted"


def test_a_supervisor_reads_but_does_not_write(client_for, supervisor, customer_a, application):
    client = client_for(supervisor)
    assert client.get(reverse("loyalty:points", args=[customer_a.pk])).status_code == 200
    assert client.get(reverse("loyalty:register")).status_code == 200
    assert client.get(reverse("loyalty:redeem", args=[customer_a.pk])).status_code == 403
    assert client.get(reverse("loyalty:application_form", args=[application.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, customer_a):
    response = client.get(reverse("loyalty:points", args=[customer_a.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
