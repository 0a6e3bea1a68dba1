"""Access to the complaint pages: the store sees its own, head office all, supervisors read their region."""

import uuid

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Category, Channel, Complaint, Status


@pytest.fixture
def complaint_urls(complaint_a):
    pk = complaint_a.pk
    gets = [
        reverse("complaints:detail", args=[pk]),
        reverse("complaints:survey", args=[pk]),
    ]
    posts = [
        (reverse("complaints:assign", args=[pk]), {"owner": "1"}),
        (reverse("complaints:event", args=[pk]), {"kind": "note", "text": "x"}),
        (reverse("complaints:status", args=[pk]), {"action": "start"}),
        (reverse("complaints:resolve", args=[pk]), {"resolution_type": "explanation"}),
        (reverse("complaints:agreement", args=[pk]), {"agreed": "yes"}),
        (reverse("complaints:survey", args=[pk]), {"score": "1", "satisfied": "no"}),
    ]
    return gets, posts


def test_a_clerk_of_another_store_gets_404_on_every_complaint_url(complaint_urls, clerk_b, manager_b, client_for):
    gets, posts = complaint_urls
    for user in (clerk_b, manager_b):
        client = client_for(user)
        for url in gets:
            assert client.get(url).status_code == 404, url
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
    complaint = Complaint.objects.get()
    assert complaint.status == Status.NEW and complaint.events.count() == 1


def test_a_clerk_of_another_store_does_not_see_it_in_lists(complaint_a, clerk_b, client_for):
    client = client_for(clerk_b)
    for scope in ("mine", "store", "surveys"):
        assert f"#{complaint_a.pk}<" not in client.get(reverse("complaints:list") + f"?scope={scope}").content.decode()


def test_head_office_sees_every_store(make_complaint, customer_b, clerk_b, store_b, head_office, clerk_a, client_for):
    a = make_complaint()
    b = make_complaint(store=store_b, received_by=clerk_b, customer=customer_b)
    page = client_for(head_office).get(reverse("complaints:list") + "?scope=store").content.decode()
    assert f"#{a.pk}<" in page and f"#{b.pk}<" in page
    assert "所有投诉" in page
    store_page = client_for(clerk_a).get(reverse("complaints:list") + "?scope=store").content.decode()
    assert f"#{a.pk}<" in store_page and f"#{b.pk}<" not in store_page


def test_a_supervisor_reads_the_region_but_cannot_write(complaint_a, supervisor, client_for):
    client = client_for(supervisor)
    assert client.get(reverse("complaints:detail", args=[complaint_a.pk])).status_code == 200
    assert client.post(reverse("complaints:status", args=[complaint_a.pk]), {"action": "start"}).status_code == 403
    assert client.get(reverse("complaints:create")).status_code == 403
    assert Complaint.objects.get().status == Status.NEW


def test_a_supervisor_of_another_region_gets_404(complaint_a, store_c, client_for):
    from crm.models import Role
    from crm.tests.factories import make_staff

    north = make_staff("north", Role.SUPERVISOR, region="华北")
    assert client_for(north).get(reverse("complaints:detail", args=[complaint_a.pk])).status_code == 404


def test_my_open_complaints_lists_what_i_own(make_complaint, clerk_a, clerk_a2, client_for):
    mine = make_complaint()
    theirs = make_complaint(owner=clerk_a2)
    page = client_for(clerk_a).get(reverse("complaints:list")).content.decode()
    assert f"#{mine.pk}<" in page and f"#{theirs.pk}<" not in page
    assert "我的未结投诉" in page


def test_the_list_filters_by_category_and_overdue(make_complaint, clerk_a, client_for):
    service = Category.objects.get(name="服务")
    quality_one = make_complaint()
    service_one = make_complaint(category=service)
    page = (
        client_for(clerk_a).get(reverse("complaints:list"), {"scope": "store", "category": service.pk}).content.decode()
    )
    assert f"#{service_one.pk}<" in page and f"#{quality_one.pk}<" not in page
    page = client_for(clerk_a).get(reverse("complaints:list"), {"scope": "store", "overdue": "on"}).content.decode()
    assert f"#{service_one.pk}<" not in page


def test_the_intake_form_is_prefilled_from_a_callback(customer_a, clerk_a, client_for):
    client = client_for(clerk_a)
    url = reverse("complaints:create") + f"?customer={customer_a.pk}&source=callback&task=77"
    page = client.get(url).content.decode()
    assert customer_a.name in page and 'value="callback" selected' in page and 'value="77"' in page
    category = Category.objects.get(name="产品质量")
    response = client.post(
        url,
        {
            "customer": customer_a.pk,
            "store": customer_a.home_store_id,
            "channel": Channel.CALLBACK,
            "category": category.pk,
            "severity": "high",
            "description": "回访时顾客说衣服起球",
            "source_task": "77",
            "key": str(uuid.uuid4()),
        },
    )
    complaint = Complaint.objects.get()
    assert response.url == complaint.get_absolute_url()
    assert (complaint.customer, complaint.channel, complaint.source_task_id) == (customer_a, "callback", 77)
    assert complaint.received_by == clerk_a


def test_the_intake_form_refuses_a_customer_the_clerk_cannot_see(customer_b, clerk_a, client_for):
    assert client_for(clerk_a).get(reverse("complaints:create") + f"?customer={customer_b.pk}").status_code == 404


def test_the_intake_finds_the_customer_by_mobile(customer_a, clerk_a, client_for):
    client_for(clerk_a).post(
        reverse("complaints:create"),
        {
            "customer_lookup": "139 0000 0001",
            "store": customer_a.home_store_id,
            "channel": Channel.HOTLINE,
            "category": Category.objects.get(name="价格").pk,
            "severity": "low",
            "description": "价格与标签不符",
            "key": str(uuid.uuid4()),
        },
    )
    assert Complaint.objects.get().customer == customer_a


def test_the_complaint_page_shows_the_timeline_in_chinese(complaint_a, clerk_a, client_for):
    services.start_investigation(complaint_a, clerk_a)
    page = client_for(clerk_a).get(reverse("complaints:detail", args=[complaint_a.pk])).content.decode()
    assert "处理经过" in page and "处理中" in page and "衬衫洗后缩水" in page


def test_status_buttons_move_the_complaint(complaint_a, clerk_a, client_for):
    client = client_for(clerk_a)
    client.post(reverse("complaints:status", args=[complaint_a.pk]), {"action": "wait", "text": "等照片"})
    assert Complaint.objects.get().status == Status.WAITING
    response = client.post(reverse("complaints:status", args=[complaint_a.pk]), {"action": "close"}, follow=True)
    assert Complaint.objects.get().status == Status.WAITING
    assert "alert-danger" in response.content.decode()
