"""What complaints adds to other pages: customer profile, receipt, home and the navbar."""

import datetime as dt

import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from complaints import panels
from complaints.escalation import escalate
from complaints.models import Notification
from complaints.tests.conftest import at
from customers.tests.factories import buy


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_customer_panel_lists_the_customers_complaints(complaint_a, customer_a, clerk_a, clerk_b):
    template, ctx = panels.customer_panel(request_for(clerk_a), customer_a)
    html = render_to_string(template, {"panel": ctx})
    assert f"#{complaint_a.pk}" in html and "登记投诉" in html
    _, outsider = panels.customer_panel(request_for(clerk_b), customer_a)
    assert list(outsider["complaints"]) == []


def test_the_receipt_panel_offers_a_return(customer_a, clerk_a):
    purchase = buy(customer_a, "800.00", clerk=clerk_a)
    template, ctx = panels.receipt_panel(request_for(clerk_a), purchase)
    html = render_to_string(template, {"panel": ctx})
    assert reverse("complaints:return_create", args=[purchase.pk]) in html


def test_the_home_panel_and_navbar_show_unread_notifications(make_complaint, clerk_a, manager_a, client_for):
    with time_machine.travel(at(dt.date(2025, 3, 3), 10), tick=False) as clock:
        make_complaint()
        clock.move_to(at(dt.date(2025, 3, 4), 11))
        escalate()
    template, ctx = panels.home_panel(request_for(manager_a))
    assert len(ctx["notifications"]) == 1
    assert dict((label, url) for url, label in panels.nav_links(request_for(manager_a)))["通知 (1)"]
    client = client_for(manager_a)
    page = client.get(reverse("complaints:notifications")).content.decode()
    assert "首次响应" in page
    client.post(reverse("complaints:notifications_read"))
    assert not Notification.objects.for_user(manager_a).unread().exists()


def test_notifications_are_private(make_complaint, clerk_a, clerk_a2, client_for):
    with time_machine.travel(at(dt.date(2025, 3, 3), 10), tick=False) as clock:
        make_complaint()
        clock.move_to(at(dt.date(2025, 3, 4), 11))
        escalate()
    client_for(clerk_a2).post(reverse("complaints:notifications_read"))
    assert Notification.objects.for_user(clerk_a).unread().count() == 1
    assert "首次响应" not in client_for(clerk_a2).get(reverse("complaints:notifications")).content.decode()
