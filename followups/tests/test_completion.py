"""The follow-up completion list and its export."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import AuditEvent
from customers.models import ContactOutcome
from followups.models import Channel, FollowUpTask, TaskKind, TaskStatus

from .conftest import at

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 20)
PAGE = reverse("followups:completion")
EXPORT = reverse("followups:completion_export")


@pytest.fixture(autouse=True)
def _on_the_20th():
    with time_machine.travel(at(TODAY, 15), tick=False):
        yield


def _task(customer, store, clerk, purpose, due, **fields):
    return FollowUpTask.objects.create(
        kind=TaskKind.ADHOC,
        customer=customer,
        store=store,
        assignee=clerk,
        channel=Channel.CALL,
        purpose=purpose,
        due_date=due,
        **fields,
    )


@pytest.fixture
def tasks(customer_a, customer_b, store_a, store_b, clerk_a, clerk_a2, clerk_b):
    day = dt.date(2025, 6, 10)
    done = dict(status=TaskStatus.DONE, outcome=ContactOutcome.SATISFIED, satisfaction=5)
    _task(customer_a, store_a, clerk_a, "准时回访", day, completed_at=at(day), completed_by=clerk_a, **done)
    _task(customer_a, store_a, clerk_a2, "迟到回访", day, completed_at=at(day + dt.timedelta(days=2)), **done)
    _task(customer_a, store_a, clerk_a, "漏打回访", day)
    _task(customer_a, store_a, clerk_a, "很久以前", dt.date(2025, 1, 5))
    _task(customer_b, store_b, clerk_b, "B店回访", day)


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_it_lists_the_stores_follow_ups_of_the_last_30_days_with_totals(client_for, manager_a, tasks):
    response = client_for(manager_a).get(PAGE)

    assert [t.purpose for t in response.context["page"]] == ["准时回访", "迟到回访", "漏打回访"]
    assert response.context["counts"] == {"total": 3, "done": 2, "on_time": 1}
    page = response.content.decode()
    assert "回访完成情况" in page and 'id="export-completion"' in page


def test_it_exports_the_managers_store_with_chinese_headers(client_for, manager_a, tasks):
    rows = _rows(client_for(manager_a).get(EXPORT, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    headers = rows[0]
    assert (headers[0], headers[1], headers[5], headers[8]) == ("到期", "顾客", "目的", "是否按时")
    assert [r[5] for r in rows[1:]] == ["准时回访", "迟到回访", "漏打回访"]  # not store B's, not January's
    on_time = {r[5]: r[8] for r in rows[1:]}
    assert on_time == {"准时回访": "是", "迟到回访": "否，逾期完成", "漏打回访": "逾期"}
    assert rows[1][0] == dt.datetime(2025, 6, 10)
    assert rows[1][11] == dt.datetime(2025, 6, 10, 14)  # completed, store-local time


def test_the_export_applies_the_lists_filters(client_for, manager_a, clerk_a, tasks):
    since_january = {"since": "2025-01-01", "until": "2025-06-30", "clerk": clerk_a.pk}
    assert [r[5] for r in _rows(client_for(manager_a).get(EXPORT, since_january))[1:]] == [
        "很久以前",
        "准时回访",
        "漏打回访",
    ]
    assert [r[5] for r in _rows(client_for(manager_a).get(EXPORT, {"status": "late"}))[1:]] == ["迟到回访"]
    assert [r[5] for r in _rows(client_for(manager_a).get(EXPORT, {"status": "overdue"}))[1:]] == ["漏打回访"]


def test_it_records_the_export_with_its_filters_and_row_count(client_for, manager_a, tasks):
    _rows(client_for(manager_a).get(EXPORT, {"status": "done"}))

    event = AuditEvent.objects.get(action="export")
    assert event.actor == manager_a
    assert event.detail == {
        "what": "followups.completion",
        "filters": {"since": "2025-05-21", "until": "2025-06-20", "status": "done"},
        "rows": 2,
    }


def test_a_manager_of_another_store_gets_none_of_store_as_rows(client_for, manager_b, store_a, clerk_a, tasks):
    assert [r[5] for r in _rows(client_for(manager_b).get(EXPORT))[1:]] == ["B店回访"]
    assert client_for(manager_b).get(EXPORT, {"store": store_a.pk}).status_code == 404
    assert client_for(manager_b).get(EXPORT, {"clerk": clerk_a.pk}).status_code == 404


def test_a_supervisor_sees_the_list_but_cannot_export(client_for, supervisor, tasks):
    response = client_for(supervisor).get(PAGE)

    assert response.status_code == 200
    assert 'id="export-completion"' not in response.content.decode()
    assert client_for(supervisor).get(EXPORT).status_code == 403


def test_a_clerk_can_neither_see_the_list_nor_export(client_for, clerk_a, tasks):
    assert client_for(clerk_a).get(PAGE).status_code == 403
    assert client_for(clerk_a).get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
