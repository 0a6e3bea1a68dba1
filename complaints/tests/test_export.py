"""The export button of the complaints list."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import Category, Severity
from crm.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("complaints:export")


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


@pytest.fixture
def complaints(make_complaint, store_b, clerk_b, customer_b):
    return [
        make_complaint(description="衬衫洗后缩水"),
        make_complaint(description='=HYPERLINK("http://x")', severity=Severity.HIGH),
        make_complaint(store=store_b, received_by=clerk_b, customer=customer_b, description="B店投诉"),
    ]


def test_it_exports_the_managers_store_with_chinese_headers(client_for, manager_a, complaints):
    rows = _rows(client_for(manager_a).get(URL, {"scope": "store"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    headers = rows[0]
    assert headers[:4] == ("投诉编号", "受理时间", "顾客", "门店")
    assert {"类别", "严重程度", "状态", "负责人", "解决期限", "投诉内容"} <= set(headers)
    described = headers.index("投诉内容")
    assert sorted(r[described] for r in rows[1:]) == ['\'=HYPERLINK("http://x")', "衬衫洗后缩水"]  # not store B's
    assert {r[2] for r in rows[1:]} == {"王芳"}


def test_it_applies_the_lists_filters(client_for, manager_a, complaints):
    rows = _rows(client_for(manager_a).get(URL, {"scope": "store", "severity": "high"}))

    assert [r[0] for r in rows[1:]] == [complaints[1].pk]


def test_it_records_the_export_with_its_filters_and_row_count(client_for, manager_a, complaints):
    _rows(client_for(manager_a).get(URL, {"scope": "store", "severity": "high", "q": ""}))

    event = AuditEvent.objects.get(action="export")
    assert event.actor == manager_a
    assert event.detail == {"what": "complaints", "filters": {"scope": "store", "severity": "high"}, "rows": 1}


def test_head_office_exports_every_store(client_for, head_office, complaints):
    rows = _rows(client_for(head_office).get(URL, {"category": Category.objects.get(name="产品质量").pk}))

    assert len(rows) == 4


def test_a_manager_of_another_store_gets_none_of_store_as_rows(client_for, manager_b, store_a, complaints):
    rows = _rows(client_for(manager_b).get(URL, {"scope": "store"}))

    assert [r[0] for r in rows[1:]] == [complaints[2].pk]
    assert client_for(manager_b).get(URL, {"scope": "store", "store": store_a.pk}).status_code == 404


def test_a_clerk_or_supervisor_cannot_export(client_for, clerk_a, supervisor, complaints):
    assert client_for(clerk_a).get(URL).status_code == 403
    assert client_for(supervisor).get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_button_shows_only_to_those_who_may_export(client_for, manager_a, clerk_a, complaints):
    list_url = reverse("complaints:list")
    assert 'id="export-complaints"' in client_for(manager_a).get(list_url).content.decode()
    assert 'id="export-complaints"' not in client_for(clerk_a).get(list_url).content.decode()
