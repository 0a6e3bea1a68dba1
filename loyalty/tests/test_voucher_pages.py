"""Voucher pages: who reaches them, issuing by hand once, the figures, the till panel."""

from decimal import Decimal

import pytest
from django.urls import reverse

from crm.models import AuditEvent
from loyalty.voucher_models import Voucher, VoucherKind, VoucherType

pytestmark = pytest.mark.django_db


@pytest.fixture
def fifty_off(db):
    return VoucherType.objects.create(name="50元代金券", kind=VoucherKind.AMOUNT, amount=Decimal("50"))


def test_only_head_office_edits_voucher_types(client_for, manager_a, clerk_a, supervisor, head_office, fifty_off):
    urls = [reverse("loyalty:voucher_type_create"), reverse("loyalty:voucher_type_edit", args=[fifty_off.pk])]
    for user in (manager_a, clerk_a, supervisor):
        for url in urls:
            assert client_for(user).get(url).status_code == 403, (user, url)
    hq = client_for(head_office)
    response = hq.post(
        urls[0],
        {
            "name": "九折券",
            "kind": "percent",
            "percent": "10",
            "cap": "100",
            "min_spend": "0",
            "valid_days": 30,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert VoucherType.objects.get(name="九折券").cap == Decimal("100.00")


def test_a_percent_type_needs_its_percentage(client_for, head_office):
    response = client_for(head_office).post(
        reverse("loyalty:voucher_type_create"), {"name": "x", "kind": "percent", "min_spend": "0", "valid_days": 30}
    )
    assert response.status_code == 200 and "此类代金券必须填写" in response.content.decode()


def test_a_manager_issues_a_voucher_by_hand_once_with_a_reason(client_for, manager_a, customer_a, fifty_off):
    client = client_for(manager_a)
    url = reverse("loyalty:voucher_issue", args=[customer_a.pk])
    data = {"type": fifty_off.pk, "reason": "投诉补偿", "key": "6f1c3a1e-0a6b-4d7e-9d4a-2f1b6c7d8e9f"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again: nothing more
    voucher = Voucher.objects.get()
    assert voucher.customer == customer_a and voucher.reason == "投诉补偿" and voucher.issued_by == manager_a
    assert AuditEvent.objects.filter(action="loyalty.voucher.issue", actor=manager_a).count() == 1
    assert client.post(url, {"type": fifty_off.pk, "reason": "", "key": data["key"]}).status_code == 200


def test_issuing_is_refused_to_clerks_and_to_another_store(client_for, clerk_a, manager_b, customer_a, fifty_off):
    url = reverse("loyalty:voucher_issue", args=[customer_a.pk])
    assert client_for(clerk_a).get(url).status_code == 403
    assert client_for(manager_b).get(url).status_code == 404
    assert client_for(manager_b).post(url, {"type": fifty_off.pk, "reason": "x"}).status_code == 404
    assert not Voucher.objects.exists()


def test_the_figures_page_shows_each_role_its_stores(
    client_for, manager_a, head_office, clerk_a, customer_a, customer_b, fifty_off
):
    from loyalty import vouchers

    for customer in (customer_a, customer_b):
        vouchers.issue(fifty_off, customer, source="manual", reason="测试")
    assert client_for(clerk_a).get(reverse("loyalty:vouchers")).status_code == 403
    mine = client_for(manager_a).get(reverse("loyalty:vouchers")).content.decode()
    assert "南京西路店" in mine and "杭州湖滨店" not in mine
    everyone = client_for(head_office).get(reverse("loyalty:vouchers")).content.decode()
    assert "南京西路店" in everyone and "杭州湖滨店" in everyone and "代金券" in everyone


def test_the_figures_page_takes_a_constant_number_of_queries(
    client_for, head_office, store_a, fifty_off, django_assert_max_num_queries
):
    from customers.tests.factories import CustomerFactory
    from loyalty import vouchers

    client = client_for(head_office)
    for n in (2, 20):
        for _ in range(n):
            vouchers.issue(fifty_off, CustomerFactory(home_store=store_a), source="rule")
        VoucherType.objects.create(name=f"类型{n}", kind=VoucherKind.GIFT, gift="领带")
        with django_assert_max_num_queries(10):
            assert client.get(reverse("loyalty:vouchers")).status_code == 200


def test_the_till_and_profile_show_the_customers_valid_vouchers(client_for, clerk_a, customer_a, fifty_off):
    from loyalty import vouchers

    voucher = vouchers.issue(fifty_off, customer_a, source="manual", reason="测试")
    page = client_for(clerk_a).get(reverse("customers:detail", args=[customer_a.pk])).content.decode()
    assert voucher.code in page and "有效期至" in page
