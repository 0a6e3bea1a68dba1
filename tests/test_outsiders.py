"""Every URL that names one of store A's objects, asked for by store B's clerk and
manager: nothing is shown and nothing is done (404, or 403/405 before the lookup)."""

import pytest
from django.urls import reverse

from complaints import services as complaints
from complaints.models import Category
from customers.tests.factories import buy
from followups.models import FollowUpTask
from loyalty.models import CardApplication

REFUSED = {403, 404, 405}

BY_CUSTOMER = [
    "customers:detail",
    "customers:edit",
    "customers:contact_create",
    "customers:consent",
    "customers:id_number",
    "customers:share",
    "customers:rights_request",
    "customers:rights_export",
    "loyalty:points",
    "loyalty:redeem",
    "loyalty:adjust",
    "loyalty:set_tier",
    "loyalty:check_now",
    "followups:plan",
    "followups:add_task",
    "followups:opt_out",
]
BY_PURCHASE = ["customers:purchase", "complaints:return_create"]
BY_APPLICATION = ["loyalty:application", "loyalty:application_form", "loyalty:application_reject"]
BY_TASK = [
    "followups:task",
    "followups:outcome",
    "followups:propose",
    "followups:reschedule",
    "followups:cancel",
    "followups:reassign",
]
BY_COMPLAINT = [
    "complaints:detail",
    "complaints:assign",
    "complaints:event",
    "complaints:status",
    "complaints:resolve",
    "complaints:agreement",
    "complaints:survey",
]


@pytest.fixture
def store_a_objects(customer_a, clerk_a, store_a):
    purchase = buy(customer_a, "1600", clerk=clerk_a)  # opens a silver application and a follow-up plan
    complaint, _ = complaints.log_complaint(
        store=store_a,
        received_by=clerk_a,
        category=Category.objects.get_or_create(name="产品质量")[0],
        channel="in_store",
        description="领口开线",
        customer=customer_a,
        purchase=purchase,
    )
    return {
        "customer": customer_a.pk,
        "purchase": purchase.pk,
        "application": CardApplication.objects.get(customer=customer_a).pk,
        "task": FollowUpTask.objects.filter(customer=customer_a).first().pk,
        "complaint": complaint.pk,
    }


def urls(objects):
    for names, key in (
        (BY_CUSTOMER, "customer"),
        (BY_PURCHASE, "purchase"),
        (BY_APPLICATION, "application"),
        (BY_TASK, "task"),
        (BY_COMPLAINT, "complaint"),
    ):
        for name in names:
            yield name, reverse(name, args=[objects[key]])
    yield "loyalty:application_step", reverse("loyalty:application_step", args=[objects["application"], "submit"])


@pytest.mark.parametrize("persona", ["clerk_b", "manager_b"])
def test_another_stores_staff_can_neither_see_nor_touch_store_a(request, client_for, store_a_objects, persona):
    client = client_for(request.getfixturevalue(persona))
    answered = {}
    for name, url in urls(store_a_objects):
        answered[name] = (client.get(url).status_code, client.post(url, {}).status_code)
    leaks = {name: codes for name, codes in answered.items() if not set(codes) <= REFUSED}
    assert leaks == {}
    assert len(answered) == 35


def test_store_a_itself_reaches_the_same_objects(client_for, manager_a, store_a_objects):
    client = client_for(manager_a)
    for name, key in [
        ("customers:detail", "customer"),
        ("customers:purchase", "purchase"),
        ("loyalty:application", "application"),
        ("followups:task", "task"),
        ("complaints:detail", "complaint"),
    ]:
        assert client.get(reverse(name, args=[store_a_objects[key]])).status_code == 200, name
