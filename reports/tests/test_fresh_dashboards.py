"""Fresh, honest dashboards: late work counts in the week it was done and completes its
due week; the figures say when they were computed and can be refreshed on demand."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups.models import TaskStatus
from reports import summary
from reports.models import SummaryRun
from reports.tests.conftest import MON, TODAY, TUE, at, callback, customer, sale

pytestmark = pytest.mark.django_db
STORE = "/reports/store/"
MINE = "/reports/mine/"
LAST_WEEK = {"range": "custom", "from": "2025-03-03", "to": "2025-03-09"}
THIS_WEEK = {"range": "week"}
LAST_WED = dt.date(2025, 3, 5)


def _clerk_row(response, name="小王"):
    table = response.context["tables"][0] if "tables" in response.context else response.context["table"]
    return {row[0]: row for row in table.rows}[name]


def _values(row) -> dict:
    """The manager's columns by header, as a dict: what the cells read."""
    return {
        "due": row[1].value,
        "on_time": row[2].value,
        "late": row[3].value,
        "missed": row[4].value,
        "caught_up": row[6].value,
        "completion": row[7].value,
    }


@pytest.fixture
def late_call(store_a, clerk_a):
    """A call due last Wednesday, still to do when the week ended."""
    return callback(store_a, clerk_a, customer(store_a, clerk_a), LAST_WED)


def test_a_call_done_late_completes_its_due_week_and_counts_in_the_week_it_was_done(late_call, client_for, manager_a):
    summary.summarise(TODAY)
    client = client_for(manager_a)
    before = _values(_clerk_row(client.get(STORE, LAST_WEEK)))
    assert (before["due"], before["missed"], before["completion"]) == (1, 1, 0.0)

    late_call.status, late_call.completed_at = TaskStatus.DONE, at(TUE, 15)
    late_call.save()
    summary.summarise(TODAY)

    last_week = client.get(STORE, LAST_WEEK)
    assert _values(_clerk_row(last_week)) | {"caught_up": None} == {
        "due": 1,
        "on_time": 0,
        "late": 1,
        "missed": 0,
        "caught_up": None,
        "completion": 1.0,
    }
    assert "1 条已完成（按时 0 条），共 1 条" in last_week.content.decode()
    this_week = client.get(STORE, THIS_WEEK)
    assert _values(_clerk_row(this_week))["caught_up"] == 1
    assert "本期完成逾期回访 1 条" in this_week.content.decode()


def test_the_clerk_sees_the_late_work_in_their_own_week(late_call, client_for, clerk_a):
    late_call.status, late_call.completed_at = TaskStatus.DONE, at(MON, 16)
    late_call.save()
    summary.summarise(TODAY)

    page = client_for(clerk_a).get(MINE, THIS_WEEK)

    assert page.context["mine"].calls_caught_up == 1
    assert "本期完成逾期回访 1 条" in page.content.decode()
    listed = client_for(clerk_a).get(_clerk_row(page)[6].url)
    assert [row[1].value for row in listed.context["table"].rows] == [late_call.customer.name]


def test_the_late_work_list_is_the_managers_own_store_only(late_call, client_for, manager_b, store_a):
    late_call.status, late_call.completed_at = TaskStatus.DONE, at(TUE, 15)
    late_call.save()
    query = {"from": "2025-03-10", "to": "2025-03-12", "state": "caught_up"}

    assert client_for(manager_b).get("/reports/callbacks/", query | {"store": store_a.pk}).status_code == 404
    assert client_for(manager_b).get("/reports/callbacks/", query).context["table"].rows == []


def test_the_figures_say_when_they_were_computed(client_for, manager_a):
    client = client_for(manager_a)
    assert "数据尚未汇总" in client.get(STORE).content.decode()

    summary.summarise(TODAY)  # at 10:00
    page = client.get(STORE).content.decode()
    assert "数据更新于 10:00" in page and "已超过一小时" not in page and "立即刷新" in page

    SummaryRun.objects.update(finished_at=at(TODAY, 8))  # the hourly refresh has not run since 08:00
    later = client.get(STORE).content.decode()
    assert "数据更新于 08:00" in later and "已超过一小时" in later


def test_refresh_now_brings_in_the_sale_just_made(client_for, manager_a, store_a, clerk_a):
    summary.summarise(TODAY)
    client = client_for(manager_a)
    with time_machine.travel(at(TODAY, 10, 30), tick=False):
        sale(store_a, clerk_a, None, TODAY, hour=10)
        assert client.get(STORE).context["total"].purchases == 0  # the summary of 10:00

        response = client.post("/reports/refresh/", {"next": STORE})

        assert response.status_code == 302 and response["Location"] == STORE
        page = client.get(STORE)
    assert page.context["total"].purchases == 1 and _clerk_row(page)[8].value == 1
    assert "数据更新于 10:30" in page.content.decode()


def test_refresh_runs_at_most_once_a_minute(client_for, manager_a):
    client = client_for(manager_a)
    client.post("/reports/refresh/", {"next": STORE})
    first = SummaryRun.objects.get(name="days").finished_at

    response = client.post("/reports/refresh/", {"next": STORE}, follow=True)

    assert SummaryRun.objects.get(name="days").finished_at == first
    assert "一分钟内刚刷新过" in response.content.decode()


def test_refresh_goes_back_only_to_a_page_of_this_site(client_for, clerk_a):
    response = client_for(clerk_a).post("/reports/refresh/", {"next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/reports/"


def test_refresh_is_for_staff_and_only_by_post(client, client_for, manager_a, sysadmin):
    assert client.post("/reports/refresh/").status_code == 302  # to the login
    assert not SummaryRun.objects.exists()
    assert client_for(manager_a).get("/reports/refresh/").status_code == 405
    assert client_for(sysadmin).post("/reports/refresh/").status_code == 403
    assert not SummaryRun.objects.exists()


def test_the_dashboard_costs_the_same_queries_with_more_late_work(client_for, manager_a, store_a, clerk_a):
    def queries(n: int) -> int:
        for _ in range(n):
            callback(store_a, clerk_a, customer(store_a, clerk_a), LAST_WED, TaskStatus.DONE, done_on=TUE)
        summary.summarise(TODAY)
        client = client_for(manager_a)
        client.get(STORE)
        with CaptureQueriesContext(connection) as captured:
            client.get(STORE)
        return len(captured)

    assert queries(1) == queries(5)
