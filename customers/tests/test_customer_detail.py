import pytest
from django.urls import reverse

from customers.models import ContactLog, Customer
from customers.tests.factories import buy


def test_it_shows_the_file_with_purchases_and_contacts(client_for, clerk_a, customer_a):
    buy(customer_a, "2980", clerk=clerk_a, item="羊毛西装")
    ContactLog.objects.create(
        customer=customer_a,
        store=customer_a.home_store,
        staff=clerk_a,
        channel="call",
        outcome="satisfied",
        note="很满意",
    )
    body = client_for(clerk_a).get(customer_a.get_absolute_url()).content.decode()
    assert "王芳" in body and "羊毛西装" in body and "很满意" in body and "¥2980.00" in body


def test_it_records_a_contact(client_for, clerk_a, customer_a):
    url = reverse("customers:contact_create", args=[customer_a.pk])
    client_for(clerk_a).post(url, {"channel": "call", "outcome": "not_reached", "note": "无人接听"})
    contact = customer_a.contacts.get()
    assert contact.staff == clerk_a and contact.outcome == "not_reached" and contact.store == customer_a.home_store


def test_it_edits_the_file_and_keeps_mobiles_unique(client_for, manager_a, customer_a, store_a):
    other = Customer.objects.create(name="另一位", mobile="+8613700000000", home_store=store_a)
    client = client_for(manager_a)
    url = reverse("customers:edit", args=[customer_a.pk])
    data = {"kind": "person", "name": "王芳芳", "gender": "F", "mobile": "13700000000", "home_store": store_a.pk}
    data["marketing_consent"] = "on"
    response = client.post(url, data)
    assert "已属于另一位顾客" in response.content.decode()
    data["mobile"] = "139-0000-0001"
    client.post(url, data)
    customer_a.refresh_from_db()
    assert customer_a.name == "王芳芳" and customer_a.mobile == "+8613900000001"
    assert other.mobile == "+8613700000000"


def test_it_creates_a_customer_outside_the_till_only_with_consent(client_for, clerk_a, store_a):
    url = reverse("customers:create")
    data = {"kind": "person", "name": "赵敏", "mobile": "13612345678", "home_store": store_a.pk}
    client = client_for(clerk_a)
    assert "未经顾客同意" in client.post(url, data).content.decode()
    response = client.post(url, {**data, "data_consent": "on"})
    customer = Customer.objects.get(name="赵敏")
    assert response.url == customer.get_absolute_url() and customer.data_consent_by == clerk_a


def test_supervisors_read_but_do_not_edit(client_for, supervisor, customer_a):
    client = client_for(supervisor)
    assert client.get(customer_a.get_absolute_url()).status_code == 200
    assert client.get(reverse("customers:edit", args=[customer_a.pk])).status_code == 403


@pytest.mark.parametrize("name", ["customers:detail", "customers:edit", "customers:contact_create"])
def test_a_clerk_of_another_store_gets_404(client_for, clerk_b, customer_a, name):
    client = client_for(clerk_b)
    url = reverse(name, args=[customer_a.pk])
    response = client.post(url, {"channel": "call", "outcome": "note"}) if "contact" in name else client.get(url)
    assert response.status_code == 404
    assert not customer_a.contacts.exists()


def test_a_purchase_page_is_404_for_a_clerk_of_another_store(client_for, clerk_a, clerk_b, customer_a, store_a):
    purchase = buy(customer_a, "399", clerk=clerk_a)
    anonymous = buy(None, "199", store=store_a, clerk=clerk_a)
    for p in (purchase, anonymous):
        assert client_for(clerk_a).get(p.get_absolute_url()).status_code == 200
        assert client_for(clerk_b).get(p.get_absolute_url()).status_code == 404


def test_a_clerk_cannot_file_a_customer_under_another_store(client_for, clerk_b, store_a):
    data = {"kind": "person", "name": "越权", "mobile": "13612345679", "home_store": store_a.pk, "data_consent": "on"}
    response = client_for(clerk_b).post(reverse("customers:create"), data)
    assert response.status_code == 200 and not Customer.objects.filter(name="越权").exists()
