import datetime as dt

from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory, buy

LIST = reverse("customers:list")


def names(response) -> set[str]:
    return {c.name for c in response.context["page"]}


def test_it_lists_only_the_clerks_store(client_for, clerk_a, customer_a, customer_b):
    assert names(client_for(clerk_a).get(LIST)) == {"王芳"}


def test_it_lists_the_region_for_a_supervisor_and_everything_for_head_office(
    client_for, supervisor, head_office, customer_a, customer_b, store_c
):
    CustomerFactory(name="北京顾客", home_store=store_c)
    assert names(client_for(supervisor).get(LIST)) == {"王芳", "李强"}
    assert names(client_for(head_office).get(LIST)) == {"王芳", "李强", "北京顾客"}


def test_it_searches_by_name_mobile_and_card_number(client_for, head_office, customer_a, customer_b):
    client = client_for(head_office)
    customer_b.card_number = "B000123"
    customer_b.save()
    assert names(client.get(LIST, {"q": "王芳"})) == {"王芳"}
    assert names(client.get(LIST, {"q": "139 0000 0002"})) == {"李强"}
    assert names(client.get(LIST, {"q": "B000123"})) == {"李强"}


def test_it_filters_by_store_tier_and_last_purchase(client_for, head_office, customer_a, customer_b, store_b):
    client = client_for(head_office)
    buy(customer_a, "100", when=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
    buy(customer_b, "100", when=dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC))
    Customer.objects.filter(pk=customer_b.pk).update(tier="B")
    assert names(client.get(LIST, {"store": store_b.pk})) == {"李强"}
    assert names(client.get(LIST, {"tier": "B"})) == {"李强"}
    assert names(client.get(LIST, {"last_from": "2026-08-01"})) == {"李强"}
    assert names(client.get(LIST, {"last_to": "2026-04-01"})) == {"王芳"}


def test_it_paginates_by_25(client_for, clerk_a, store_a):
    CustomerFactory.create_batch(30, home_store=store_a)
    client = client_for(clerk_a)
    assert len(client.get(LIST).context["page"]) == 25
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page"]) == 5 and "第 2 页" in second.content.decode()


def test_it_masks_mobiles_in_the_list(client_for, clerk_a, customer_a):
    body = client_for(clerk_a).get(LIST).content.decode()
    assert "139****0001" in body and "13900000001" not in body


def test_it_does_not_offer_another_stores_filter_to_a_clerk(client_for, clerk_a, store_b):
    response = client_for(clerk_a).get(LIST, {"store": store_b.pk})
    assert response.status_code == 200 and not response.context["filters"].is_valid()


def test_managers_get_export_and_import_buttons_that_keep_the_filters(client_for, manager_a, clerk_a):
    body = client_for(manager_a).get(LIST, {"tier": "B"}).content.decode()
    assert "导出" in body and "tier=B" in body and reverse("spreadsheets:import_start") in body
    assert "export-customers" not in client_for(clerk_a).get(LIST).content.decode()
