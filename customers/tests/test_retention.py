"""Retention: customers without a purchase for five years are listed, and erased only
once head office turns that on."""

import datetime as dt

import time_machine
from django.core.management import call_command
from django.urls import reverse

from crm.models import AuditEvent
from customers.models import Customer
from customers.tests.factories import CustomerFactory, buy

OLD = dt.datetime(2020, 6, 1, 12, tzinfo=dt.UTC)
RECENT = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
TODAY = "2026-11-20"


def make(store, name, mobile, bought_at=None, created_at=OLD):
    with time_machine.travel(created_at, tick=False):
        customer = CustomerFactory(name=name, mobile=mobile, home_store=store)
        if bought_at:
            buy(customer, "500", when=bought_at)
    return customer


def run():
    call_command("run_daily_jobs", "--date", TODAY, "--only", "customers.retention")


def test_it_lists_customers_without_a_purchase_for_five_years(client_for, head_office, store_a):
    old = make(store_a, "老顾客", "+8613900000011", bought_at=OLD)
    never = make(store_a, "从未消费", "+8613900000012")
    recent = make(store_a, "常客", "+8613900000013", bought_at=RECENT)
    with time_machine.travel("2026-11-20 10:00 +0800"):
        page = client_for(head_office).get(reverse("customers:retention"))
    assert set(page.context["page"].object_list) == {old, never}
    assert recent not in page.context["page"].object_list
    run()
    assert Customer.objects.filter(erased_at__isnull=False).count() == 0  # only listed by default


def test_it_erases_them_once_head_office_turns_it_on(client_for, head_office, store_a):
    old = make(store_a, "老顾客", "+8613900000011", bought_at=OLD)
    recent = make(store_a, "常客", "+8613900000013", bought_at=RECENT)
    client_for(head_office).post(reverse("customers:retention"), {"auto_erase": "on"})
    assert AuditEvent.objects.filter(action="customer.retention.auto_erase", actor=head_office).exists()
    run()
    run()  # idempotent
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.erased_at is not None and old.name == "已注销顾客" and old.mobile is None
    assert recent.erased_at is None and recent.name == "常客"
    assert old.purchases.count() == 1
    assert AuditEvent.objects.filter(action="customer.erasure.approved", detail__reason="retention").count() == 1


def test_the_page_is_for_head_office_only(client_for, clerk_a, manager_a, supervisor):
    for user in (clerk_a, manager_a, supervisor):
        client = client_for(user)
        assert client.get(reverse("customers:retention")).status_code == 403
        assert client.post(reverse("customers:retention"), {"auto_erase": "on"}).status_code == 403
