"""Analysis by category, store, channel and month, and repeat complainants."""

import datetime as dt

import time_machine
from django.urls import reverse

from complaints import analysis, services
from complaints.models import Category, Complaint
from complaints.tests.conftest import at


def handled(complaint, user, clock, respond_after, resolve_after, breached=False):
    clock.move_to(complaint.received_at + dt.timedelta(hours=respond_after))
    services.start_investigation(complaint, user)
    clock.move_to(complaint.received_at + dt.timedelta(hours=resolve_after))
    services.resolve(complaint, user, resolution_type="repair", amount=None)


def test_it_summarises_times_breaches_and_satisfaction_by_category(make_complaint, clerk_a):
    service = Category.objects.get(name="服务")
    with time_machine.travel(at(dt.date(2025, 3, 3), 9), tick=False) as clock:
        a = make_complaint()
        b = make_complaint()
        c = make_complaint(category=service)
        handled(a, clerk_a, clock, 2, 10)
        handled(b, clerk_a, clock, 30, 200)  # both deadlines missed
    services.record_agreement(a, clerk_a, agreed=True)
    services.close(a, clerk_a)
    services.record_survey(a, clerk_a, score=4, satisfied=True)

    rows = {row["label"]: row for row in analysis.by_dimension(Complaint.objects.all(), "category")}
    quality = rows["产品质量"]
    assert quality["count"] == 2
    assert quality["avg_first_response_hours"] == 16.0
    assert quality["avg_resolution_hours"] == 105.0
    assert quality["breach_rate"] == 0.5
    assert quality["avg_score"] == 4
    assert rows["服务"]["count"] == 1 and rows["服务"]["avg_resolution_hours"] is None
    assert c.pk


def test_it_groups_by_store_channel_and_month(make_complaint, store_b, clerk_b, customer_b):
    with time_machine.travel(at(dt.date(2025, 1, 31), 23, 30), tick=False):
        make_complaint(channel="hotline")
    with time_machine.travel(at(dt.date(2025, 2, 1), 0, 30), tick=False):
        make_complaint(store=store_b, received_by=clerk_b, customer=customer_b)
    qs = Complaint.objects.all()
    assert [(r["label"], r["count"]) for r in analysis.by_dimension(qs, "month")] == [("2025-01", 1), ("2025-02", 1)]
    assert {r["label"]: r["count"] for r in analysis.by_dimension(qs, "store")} == {"南京西路店": 1, "杭州湖滨店": 1}
    assert {r["label"]: r["count"] for r in analysis.by_dimension(qs, "channel")} == {"热线电话": 1, "到店": 1}


def test_it_finds_repeat_complainants(make_complaint, customer_b, store_b, clerk_b):
    make_complaint()
    make_complaint()
    make_complaint(store=store_b, received_by=clerk_b, customer=customer_b)
    (row,) = analysis.repeat_complainants(Complaint.objects.all())
    assert (row["name"], row["count"], row["open"]) == ("王芳", 2, 2)


def test_repeat_complainants_come_most_first_in_two_queries(
    make_complaint, customer_a, customer_b, store_b, clerk_b, django_assert_num_queries
):
    for _n in range(2):
        make_complaint(store=store_b, received_by=clerk_b, customer=customer_b)
    for _n in range(3):
        make_complaint()
    with django_assert_num_queries(2):  # the counts by customer, then their names by key
        rows = analysis.repeat_complainants(Complaint.objects.all())
    assert [(r["customer_id"], r["count"]) for r in rows] == [(customer_a.pk, 3), (customer_b.pk, 2)]


def test_the_analysis_page_is_scoped_to_the_viewer(make_complaint, store_b, clerk_b, customer_b, manager_a, client_for):
    make_complaint()
    make_complaint(store=store_b, received_by=clerk_b, customer=customer_b)
    page = client_for(manager_a).get(reverse("complaints:analysis")).content.decode()
    assert "南京西路店" in page and "杭州湖滨店" not in page
    assert "按类别" in page


def test_a_clerk_cannot_open_the_analysis(clerk_a, client_for):
    assert client_for(clerk_a).get(reverse("complaints:analysis")).status_code == 403
