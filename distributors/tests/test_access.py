"""Every distributors URL of someone else's account: another account manager gets 404,
store staff and supervisors get 403; the owner, their sales manager and head office get in."""

import datetime as dt

import pytest
from django.urls import reverse

from distributors.models import Contract, Shipment

OBJECT_URLS = [
    ("distributors:detail", {}),
    ("distributors:edit", {}),
    ("distributors:move", {}),
    ("distributors:reassign", {}),
    ("distributors:add", {"section": "person"}),
    ("distributors:add", {"section": "payment"}),
    ("distributors:contract_step", {"contract": "contract", "step": "submit"}),
    ("distributors:shipment_arrived", {"shipment": "shipment"}),
]
LIST_URLS = [
    "distributors:list",
    "distributors:create",
    "distributors:board",
    "distributors:dashboard",
    "distributors:payments",
    "distributors:pick_ups",
    "distributors:shipments",
    "distributors:export",
    "distributors:contracts",
]


@pytest.fixture
def urls(account_a, am_a):
    contract = Contract.objects.create(
        account=account_a, key_terms="独家代理", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    shipment = Shipment.objects.create(account=account_a, dispatched_on=dt.date(2026, 3, 1), carrier="顺丰")
    objects = {"contract": contract.pk, "shipment": shipment.pk}
    return [
        reverse(name, kwargs={"pk": account_a.pk, **{k: objects.get(v, v) for k, v in extra.items()}})
        for name, extra in OBJECT_URLS
    ]


def test_another_account_manager_gets_404_on_every_url_of_the_account(client_for, am_b, urls):
    client = client_for(am_b)
    for url in urls:
        # reassigning is for sales managers and head office: an account manager's 403 comes first
        refused = (403,) if url.endswith("/reassign/") else (404, 405)
        assert client.get(url).status_code in refused, url
        data = {"to": "intent:soon", "arrived_on": "2026-03-02", "account_manager": am_b.pk}
        assert client.post(url, data).status_code == refused[0], url


def test_another_teams_sales_manager_gets_404_on_every_url_of_the_account(client_for, urls, account_a):
    from crm.models import Role
    from crm.tests.factories import make_staff

    other = make_staff("sales_other", Role.SALES_MANAGER)
    client = client_for(other)
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"to": "intent:soon", "arrived_on": "2026-03-02"}).status_code == 404, url


@pytest.mark.parametrize("persona", ["clerk_a", "manager_a", "clerk_b", "supervisor"])
def test_store_staff_get_403_on_every_distributors_url(request, client_for, urls, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in urls + [reverse(name) for name in LIST_URLS] + [reverse("distributors:rhythm")]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_the_account_manager_their_sales_manager_and_head_office_open_the_file(
    client_for, account_a, am_a, sales_manager, head_office
):
    url = reverse("distributors:detail", args=[account_a.pk])
    for user in (am_a, sales_manager, head_office):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "苏州恒达服饰" in response.content.decode()


def test_lists_show_only_the_users_accounts(client_for, account_a, account_b, am_a, am_b, sales_manager, head_office):
    def names(user):
        return client_for(user).get(reverse("distributors:list")).content.decode()

    assert "苏州恒达服饰" in names(am_a) and "宁波海韵商贸" not in names(am_a)
    assert "宁波海韵商贸" in names(am_b) and "苏州恒达服饰" not in names(am_b)
    assert "苏州恒达服饰" in names(sales_manager) and "宁波海韵商贸" not in names(sales_manager)
    assert "苏州恒达服饰" in names(head_office) and "宁波海韵商贸" in names(head_office)


def test_only_head_office_edits_the_rhythm(client_for, am_a, sales_manager, head_office):
    assert client_for(am_a).get(reverse("distributors:rhythm")).status_code == 403
    assert client_for(sales_manager).get(reverse("distributors:rhythm")).status_code == 403
    assert client_for(head_office).get(reverse("distributors:rhythm")).status_code == 200


def test_the_dealers_customer_file_is_not_in_any_stores_customer_list(client_for, account_a, clerk_a, manager_a):
    from customers.models import Customer

    for user in (clerk_a, manager_a):
        assert not Customer.objects.visible_to(user).filter(pk=account_a.customer_id).exists()
        url = reverse("customers:detail", args=[account_a.customer_id])
        assert client_for(user).get(url).status_code == 404


def test_account_and_sales_managers_have_a_home_page_leading_to_their_accounts(client_for, am_a, sales_manager):
    for user in (am_a, sales_manager):
        page = client_for(user).get(reverse("home"))
        assert page.status_code == 200
        assert reverse("distributors:list") in page.content.decode()
        assert reverse("distributors:list") in client_for(user).get(reverse("followups:today")).content.decode()


def test_every_link_in_the_account_managers_navigation_opens(client_for, am_a, sales_manager):
    import re

    for user in (am_a, sales_manager):
        client = client_for(user)
        home = client.get(reverse("home")).content.decode()
        nav = home.split('id="nav"', 1)[1].split("</ul>", 1)[0]
        links = set(re.findall(r'href="(/[^"]*)"', nav))
        assert reverse("distributors:list") in links
        for url in links:
            assert client.get(url).status_code in (200, 302, 403), url
