import pytest
from django.urls import reverse

from customers.tests.factories import buy


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("clerk_a", "打开收银台"), ("manager_a", "店长"), ("supervisor", "督导 · 华东"), ("head_office", "总部")],
)
def test_each_role_has_its_home_page_in_chinese(request, client_for, persona, expected):
    response = client_for(request.getfixturevalue(persona)).get(reverse("home"))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_a_clerk_sees_their_own_sales_today_only(client_for, clerk_a, clerk_a2, clerk_b, customer_a, customer_b):
    buy(customer_a, "399", clerk=clerk_a)
    buy(customer_a, "1299", clerk=clerk_a2)
    buy(customer_b, "888", clerk=clerk_b)
    body = client_for(clerk_a).get(reverse("home")).content.decode()
    assert "¥399.00" in body and "¥1299.00" not in body and "¥888.00" not in body


def test_a_supervisor_sees_only_stores_of_their_region(client_for, supervisor):
    stores = client_for(supervisor).get(reverse("home")).context["stores"]
    assert {s.code for s in stores} == {"S001", "S002"}


def test_a_login_without_a_staff_profile_is_refused(client_for, db):
    from crm.tests.factories import UserFactory

    assert client_for(UserFactory(username="stranger")).get(reverse("home")).status_code == 403


def test_the_login_page_is_in_chinese_by_default(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录客档" in body and 'lang="zh-hans"' in body


def test_english_can_be_chosen(client_for, clerk_a):
    client = client_for(clerk_a)
    client.post(reverse("set_language"), {"language": "en"})
    assert "Open the till" in client.get(reverse("home")).content.decode()


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client_for, clerk_a):
    client = client_for(clerk_a)
    assert "打开收银台" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()


def test_the_home_page_counts_card_applications_of_the_users_stores_only(
    client_for, manager_a, manager_b, head_office, clerk_a, customer_a
):
    buy(customer_a, "1600", clerk=clerk_a)  # eligible for silver: an application opens
    assert "1 份申请待提交" in client_for(manager_a).get(reverse("home")).content.decode()
    assert "份申请待提交" not in client_for(manager_b).get(reverse("home")).content.decode()
    assert "份申请待提交" in client_for(head_office).get(reverse("home")).content.decode()
