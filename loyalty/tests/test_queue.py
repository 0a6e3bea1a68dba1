import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Tier
from customers.tests.factories import CustomerFactory, buy
from loyalty import services
from loyalty.models import ApplicationStatus, CardApplication

pytestmark = pytest.mark.django_db


def pending(store, clerk, manager, count=1, **fields):
    made = []
    for _ in range(count):
        customer = CustomerFactory(home_store=store)
        made.append(
            CardApplication.objects.create(
                customer=customer,
                store=store,
                from_tier=Tier.C,
                target_tier=Tier.B,
                status=ApplicationStatus.SUBMITTED,
                rule_version=services.current_rules(),
                relative_name="亲属",
                relative_phone="13900000000",
                submitted_at=timezone.now(),
                **fields,
            )
        )
    return made


def test_it_lists_pending_applications_for_head_office(client_for, head_office, store_a, clerk_a, manager_a):
    pending(store_a, clerk_a, manager_a, 3)
    response = client_for(head_office).get(reverse("loyalty:queue"))
    assert response.status_code == 200
    assert len(response.context["applications"]) == 3
    assert "办卡审批" in response.content.decode()


def test_the_queue_of_200_renders_in_a_constant_number_of_queries(
    client_for, head_office, store_a, store_b, clerk_a, manager_a
):
    client = client_for(head_office)
    pending(store_a, clerk_a, manager_a, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("loyalty:queue"))
    pending(store_a, clerk_a, manager_a, 99)
    pending(store_b, clerk_a, manager_a, 99)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("loyalty:queue"))
    assert len(response.context["applications"]) == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
    assert response.content.decode().count('name="ids"') == 200


def test_it_filters_by_store_and_age(client_for, head_office, store_a, store_b, clerk_a, manager_a):
    old = pending(store_a, clerk_a, manager_a, 1, created_at=timezone.now() - dt.timedelta(days=10))
    pending(store_a, clerk_a, manager_a, 1)
    pending(store_b, clerk_a, manager_a, 2)
    client = client_for(head_office)
    by_store = client.get(reverse("loyalty:queue"), {"store": store_b.pk})
    assert len(by_store.context["applications"]) == 2
    by_age = client.get(reverse("loyalty:queue"), {"min_age": "5"})
    assert list(by_age.context["applications"]) == old


def test_head_office_approves_several_at_once(client_for, head_office, store_a, clerk_a, manager_a):
    chosen = pending(store_a, clerk_a, manager_a, 3)
    response = client_for(head_office).post(
        reverse("loyalty:approve_selected"), {"ids": [a.pk for a in chosen[:2]]}, follow=True
    )
    assert response.status_code == 200
    statuses = [CardApplication.objects.get(pk=a.pk).status for a in chosen]
    assert statuses == ["approved", "approved", "submitted"]
    assert chosen[0].customer.__class__.objects.get(pk=chosen[0].customer_id).tier == Tier.B


def test_head_office_rejects_with_a_reason(client_for, head_office, store_a, clerk_a, manager_a):
    (application,) = pending(store_a, clerk_a, manager_a)
    client = client_for(head_office)
    client.post(reverse("loyalty:application_reject", args=[application.pk]), {"reason": ""})
    assert CardApplication.objects.get(pk=application.pk).status == "submitted"
    client.post(reverse("loyalty:application_reject", args=[application.pk]), {"reason": "消费记录存疑"})
    application.refresh_from_db()
    assert (application.status, application.reject_reason) == ("rejected", "消费记录存疑")


def test_the_whole_register_flow_through_the_pages(client_for, customer_a, clerk_a, manager_a, head_office):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    clerk = client_for(clerk_a)
    page = clerk.get(reverse("loyalty:application_form", args=[application.pk]))
    assert customer_a.name in page.content.decode()
    clerk.post(
        reverse("loyalty:application_form", args=[application.pk]),
        {"relative_name": "王强", "relative_phone": "139 0000 0009"},
    )
    client_for(manager_a).post(reverse("loyalty:application_step", args=[application.pk, "submit"]))
    client_for(head_office).post(reverse("loyalty:application_step", args=[application.pk, "approve"]))
    clerk.post(reverse("loyalty:application_step", args=[application.pk, "notified"]))
    clerk.post(reverse("loyalty:application_step", args=[application.pk, "notified"]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOTIFIED_AGAIN
    assert application.relative_phone == "139 0000 0009"
    detail = clerk.get(reverse("loyalty:application", args=[application.pk])).content.decode()
    assert "mail the card" in detail or "寄出" in detail
