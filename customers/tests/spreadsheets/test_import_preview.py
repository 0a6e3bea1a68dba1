"""The preview a manager reads before confirming: every row left out, with its row number
and its reason in Chinese; counters that add up; the badge of a finished import."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.importing.models import ImportJob, ImportStatus
from customers.models import Customer
from customers.tests.spreadsheets.workbooks import mobile, workbook

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _odd_rows(good: int = 3) -> list[list]:
    """A store's sheet as it comes: good rows, then the ones people really send."""
    rows = [[f"顾客{n}", "女", mobile(n), "", "", "", "", 0, 0, 0] for n in range(good)]
    rows += [
        ["短号", "女", "12345", "", "", "", "", 0, 0, 0],  # not a mobile
        ["", "男", mobile(900), "", "", "", "", 0, 0, 0],  # no name
        ["没电话", "男", "", "", "", "", "", 0, 0, 0],  # neither mobile nor VIP number
        ["重复", "女", mobile(0), "", "", "", "", 0, 0, 0],  # the same mobile as the first row
        ["坏日期", "女", mobile(901), "", "", "", "2023-02-30", 0, 0, 0],  # no such day
        ["=1+1", "外星", mobile(902), "", "", "", "", "很多", 0, 0],  # a gender and points nobody can read
    ]
    return rows


@pytest.fixture
def odd_file(tmp_path):
    purchases = [
        [mobile(0), "2026-10-01 10:00", "衬衫", 1, 399, ""],
        [mobile(777), "2026-10-01 11:00", "领带", 1, 99, ""],
    ]
    return workbook(tmp_path / "门店旧表.xlsx", _odd_rows(), purchases=purchases)


@pytest.fixture
def checked(client_for, manager_a, store_a, django_capture_on_commit_callbacks):
    """Upload ``path`` as manager A and run the check the upload queues; the job."""

    def upload(path):
        with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
            client_for(manager_a).post(reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": handle})
        return ImportJob.objects.get()

    return upload


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Confirm as ``client`` and run the write the confirmation queues."""

    def post(client, job):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("spreadsheets:import_confirm", args=[job.pk]))

    return post


def _rows_listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-row="(\d+)"', html)]


def test_it_lists_each_rejected_row_and_its_reason_before_the_import(client_for, manager_a, checked, odd_file):
    job = checked(odd_file)

    page = client_for(manager_a).get(reverse("spreadsheets:import_detail", args=[job.pk]), **ZH).content.decode()

    assert job.status == ImportStatus.CHECKED and not Customer.objects.exists()
    # rows 5 to 10 of the customer sheet (the header is row 1), then row 3 of the purchases
    assert _rows_listed(page) == [5, 6, 7, 8, 9, 10, 3]
    assert "将不导入的行及原因" in page
    for reason in (
        "<td>电话: “12345”不是有效的手机号",
        "<td>缺少姓名。</td>",
        "<td>顾客至少需要手机号或VIP号码。</td>",
        "<td>手机号与第 2 行重复。</td>",
        "“2023-02-30”不是真实存在的日期",
        "“外星”不是性别",
        "<td>本次导入和本店档案中都没有该手机号或VIP号码的顾客。</td>",
    ):
        assert reason in page, reason
    assert "导入 4 行有效数据" in page  # 3 customers and the purchase of the first
    assert "下载未导入行的报告" in page  # the full list, before confirming


def test_the_counters_add_up_before_and_after_the_import(client_for, manager_a, checked, confirm, odd_file):
    job = checked(odd_file)
    client = client_for(manager_a)
    before = client.get(reverse("spreadsheets:import_detail", args=[job.pk]), **ZH).content.decode()

    assert "有效行，将导入</th><td>4<" in before
    assert "有问题的行，将不导入</th><td>7<" in before
    assert job.customer_rows + job.purchase_rows == 4 + 7

    confirm(client, job)
    after = client.get(reverse("spreadsheets:import_detail", args=[job.pk]), **ZH).content.decode()

    assert '<span class="badge text-bg-success" data-status="done">已导入</span>' in after
    assert "未导入的行</th><td>7<" in after
    assert "被拒绝的行" not in after  # one count of rows left out, not two that disagree
    assert _rows_listed(after) == [5, 6, 7, 8, 9, 10, 3]
    assert Customer.objects.count() == 3


def test_the_list_of_imports_says_imported(client_for, manager_a, checked, confirm, odd_file):
    job = checked(odd_file)
    client = client_for(manager_a)
    confirm(client, job)

    page = client.get(reverse("spreadsheets:import_start"), **ZH).content.decode()

    assert "<td>已导入</td>" in page


def test_the_preview_costs_the_same_queries_for_many_rejected_rows(client_for, manager_a, checked, tmp_path):
    def queries(rows) -> tuple[int, str]:
        ImportJob.objects.all().delete()
        job = checked(workbook(tmp_path / f"{len(rows)}.xlsx", rows))
        client = client_for(manager_a)
        client.get(reverse("spreadsheets:import_detail", args=[job.pk]))  # session, caches
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("spreadsheets:import_detail", args=[job.pk]), **ZH).content.decode()
        return len(captured), html

    bad = ["短号", "女", "12345", "", "", "", "", 0, 0, 0]
    few, _html = queries(_odd_rows() + [bad] * 2)
    many, html = queries(_odd_rows() + [bad] * 300)

    assert few == many
    assert len(_rows_listed(html)) == 200 and "列出前 200 行，共 306 行" in html


def test_a_clean_file_lists_nothing_left_out(client_for, manager_a, checked, tmp_path):
    job = checked(
        workbook(tmp_path / "ok.xlsx", [[f"顾客{n}", "女", mobile(n), "", "", "", "", 0, 0, 0] for n in range(3)])
    )

    page = client_for(manager_a).get(reverse("spreadsheets:import_detail", args=[job.pk]), **ZH).content.decode()

    assert 'id="rows-left-out"' not in page and "有问题的行，将不导入</th><td>0<" in page


def test_another_stores_manager_sees_no_rejected_rows(client_for, manager_b, checked, odd_file):
    job = checked(odd_file)
    outsider = client_for(manager_b)

    assert outsider.get(reverse("spreadsheets:import_detail", args=[job.pk])).status_code == 404
    assert outsider.get(reverse("spreadsheets:import_status", args=[job.pk])).status_code == 404


def test_a_clerk_sees_no_rejected_rows(client_for, clerk_a, checked, odd_file):
    job = checked(odd_file)
    clerk = client_for(clerk_a)

    assert clerk.get(reverse("spreadsheets:import_detail", args=[job.pk])).status_code == 403
    assert clerk.get(reverse("spreadsheets:import_status", args=[job.pk])).status_code == 403
    assert clerk.get(reverse("spreadsheets:import_report", args=[job.pk])).status_code == 403


def test_cancelling_drops_the_report_of_the_preview(client_for, manager_a, checked, odd_file):
    job = checked(odd_file)
    assert job.report

    client_for(manager_a).post(reverse("spreadsheets:import_cancel", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and not job.report
