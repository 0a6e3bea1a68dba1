"""The export button of the card register."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import AuditEvent
from customers.tests.factories import CustomerFactory, buy
from loyalty import services
from loyalty.models import CardApplication, MembershipCard

pytestmark = pytest.mark.django_db

URL = reverse("loyalty:register_export")


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


@pytest.fixture
def applications(customer_a, customer_b, clerk_a, clerk_b, manager_a, head_office):
    """An approved application (card issued) in store A, an open one in A, an open one in B."""
    buy(customer_a, "1600", clerk=clerk_a)
    approved = CardApplication.objects.get(customer=customer_a)
    services.enter_application(approved, relative_name="王强", relative_phone="13900000009", by=clerk_a)
    services.submit_application(approved, by=manager_a)
    services.approve_application(approved, by=head_office)
    other_a = CustomerFactory(name="赵敏", mobile="+8613900000031", home_store=customer_a.home_store, clerk=clerk_a)
    buy(other_a, "1600", clerk=clerk_a)
    buy(customer_b, "1600", clerk=clerk_b)
    return approved


def test_it_exports_the_managers_store_with_chinese_headers(client_for, manager_a, applications):
    rows = _rows(client_for(manager_a).get(URL, {"show": "all"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    headers = rows[0]
    assert (headers[0], headers[1], headers[3], headers[5]) == ("创建", "顾客", "门店", "申请级别")
    assert {"卡号", "亲属姓名", "状态", "审批时间", "已寄卡或已领卡"} <= set(headers)
    assert sorted(r[1] for r in rows[1:]) == ["王芳", "赵敏"]  # not store B's 李强
    approved = next(r for r in rows[1:] if r[1] == "王芳")
    card = MembershipCard.objects.get(application=applications)
    assert approved[headers.index("卡号")] == card.number
    assert approved[headers.index("亲属姓名")] == "王强"


def test_it_applies_the_registers_filter(client_for, manager_a, applications):
    rows = _rows(client_for(manager_a).get(URL, {"show": "awaiting_card"}))

    assert [r[1] for r in rows[1:]] == ["王芳"]


def test_it_records_the_export_with_its_filter_and_row_count(client_for, manager_a, applications):
    _rows(client_for(manager_a).get(URL, {"show": "open"}))

    event = AuditEvent.objects.get(action="export")
    assert event.actor == manager_a
    assert event.detail == {"what": "loyalty.card_register", "filters": {"show": "open"}, "rows": 1}


def test_head_office_exports_one_store_when_asked(client_for, head_office, store_b, applications):
    rows = _rows(client_for(head_office).get(URL, {"show": "all", "store": store_b.pk}))

    assert [r[1] for r in rows[1:]] == ["李强"]


def test_a_manager_of_another_store_gets_none_of_store_as_rows(client_for, manager_b, store_a, applications):
    rows = _rows(client_for(manager_b).get(URL, {"show": "all"}))

    assert [r[1] for r in rows[1:]] == ["李强"]
    assert client_for(manager_b).get(URL, {"store": store_a.pk}).status_code == 404


def test_a_clerk_or_supervisor_cannot_export(client_for, clerk_a, supervisor, applications):
    assert client_for(clerk_a).get(URL).status_code == 403
    assert client_for(supervisor).get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_button_shows_only_to_those_who_may_export(client_for, manager_a, clerk_a, applications):
    assert 'id="export-register"' in client_for(manager_a).get(reverse("loyalty:register")).content.decode()
    assert 'id="export-register"' not in client_for(clerk_a).get(reverse("loyalty:register")).content.decode()
