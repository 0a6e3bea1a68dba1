"""The export button of the customer list, and the export_customers command."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import AuditEvent
from customers.tests.factories import CustomerFactory


def _rows(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_it_exports_the_managers_store_with_the_seeds_columns(client_for, manager_a, customer_a, customer_b):
    response = client_for(manager_a).get(reverse("spreadsheets:customer_export"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    rows = _rows(response)
    assert list(rows[0][:10]) == [
        "姓名",
        "性别",
        "电话",
        "VIP号码",
        "身份证号码",
        "地址",
        "生日",
        "积分",
        "累计消费",
        "消费次数",
    ]
    assert [r[0] for r in rows[1:]] == ["王芳"]  # not store B's customer
    assert rows[1][2] == "139 0000 0001"


def test_it_applies_the_lists_filters_and_records_them(client_for, head_office, store_a, store_b):
    CustomerFactory(name="王一", home_store=store_a, tier="A")
    CustomerFactory(name="王二", home_store=store_b, tier="A")
    CustomerFactory(name="李三", home_store=store_a, tier="A")
    CustomerFactory(name="王四", home_store=store_a, tier="C")

    response = client_for(head_office).get(
        reverse("spreadsheets:customer_export"), {"q": "王", "tier": "A", "store": store_a.pk}
    )

    assert [r[0] for r in _rows(response)[1:]] == ["王一"]
    event = AuditEvent.objects.get(action="export")
    assert event.actor == head_office
    assert event.detail == {
        "what": "customers",
        "filters": {"q": "王", "tier": "A", "store": str(store_a.pk)},
        "rows": 1,
    }


def test_it_masks_id_numbers_in_the_web_export(client_for, manager_a, customer_a):
    customer_a.set_id_number("11010519491231002X")
    customer_a.save()

    rows = _rows(client_for(manager_a).get(reverse("spreadsheets:customer_export")))

    assert rows[1][4] == "110***********002X"


def test_it_escapes_formula_like_names(client_for, manager_a, store_a):
    CustomerFactory(name="=cmd|' /C calc'!A0", home_store=store_a)

    rows = _rows(client_for(manager_a).get(reverse("spreadsheets:customer_export")))

    assert rows[1][0] == "'=cmd|' /C calc'!A0"


def test_a_clerk_or_supervisor_cannot_export(client_for, clerk_a, supervisor, customer_a):
    assert client_for(clerk_a).get(reverse("spreadsheets:customer_export")).status_code == 403
    assert client_for(supervisor).get(reverse("spreadsheets:customer_export")).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_command_exports_one_store_with_id_numbers_masked(tmp_path, customer_a, customer_b):
    customer_a.set_id_number("11010519491231002X")
    customer_a.save()
    path = tmp_path / "out.xlsx"

    call_command("export_customers", str(path), "--store", "S001", stdout=io.StringIO())

    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["王芳"] and rows[1][4] == "110***********002X"
    event = AuditEvent.objects.get(action="export")
    assert event.detail["rows"] == 1 and event.detail["filters"]["os_user"]


def test_the_command_writes_full_id_numbers_only_with_a_reason_and_audits_it(tmp_path, customer_a):
    import getpass

    from django.core.management.base import CommandError

    customer_a.set_id_number("11010519491231002X")
    customer_a.save()
    path = tmp_path / "out.xlsx"
    with pytest.raises(CommandError):
        call_command("export_customers", str(path), "--full-id-numbers", stdout=io.StringIO())
    assert not path.exists()

    call_command("export_customers", str(path), "--full-id-numbers", "--reason", "迁移到新系统", stdout=io.StringIO())

    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1][4] == "11010519491231002X"
    event = AuditEvent.objects.get(action="customer.disclosed.id_numbers")
    assert event.detail["reason"] == "迁移到新系统" and event.detail["os_user"] == getpass.getuser()
    assert event.detail["rows"] == 1
