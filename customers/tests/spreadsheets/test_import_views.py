"""Upload, preview, confirm: the web import, for managers and head office only."""

import pytest
from django.urls import reverse

from customers.importing.models import ImportJob, ImportStatus
from customers.models import Customer
from customers.tests.spreadsheets.workbooks import mobile, workbook


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST, then run the tasks the request queued on commit (eagerly, as a worker would)."""

    def send(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return send


@pytest.fixture
def upload(tmp_path):
    rows = [[f"顾客{n}", "女", mobile(n), "", "", "", "", 0, 0, 0] for n in range(5)]
    rows.append(["坏行", "女", "12345", "", "", "", "", 0, 0, 0])
    path = workbook(tmp_path / "南京西路.xlsx", rows)

    def make():
        return open(path, "rb")

    return make


def test_it_checks_then_imports_only_after_the_manager_confirms(client_for, manager_a, store_a, upload, post):
    client = client_for(manager_a)

    response = post(client, reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": upload()})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("spreadsheets:import_detail", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert job.status == ImportStatus.CHECKED and (job.new_customers, job.rejected_rows) == (5, 1)
    assert "导入 5 行有效数据" in page.content.decode() or "Import 5 valid rows" in page.content.decode()
    assert not Customer.objects.exists()

    post(client, reverse("spreadsheets:import_confirm", args=[job.pk]))

    assert Customer.objects.filter(home_store=store_a).count() == 5
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.confirmed_by == manager_a
    report = client.get(reverse("spreadsheets:import_report", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")


def test_it_shows_the_preview_in_chinese(client_for, manager_a, store_a, upload, post):
    client = client_for(manager_a)
    post(client, reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": upload()})

    page = client.get(
        reverse("spreadsheets:import_detail", args=[ImportJob.objects.get().pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert "新顾客" in page.content.decode()


def test_a_second_confirmation_does_not_import_twice(client_for, manager_a, store_a, upload, post):
    client = client_for(manager_a)
    post(client, reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": upload()})
    job = ImportJob.objects.get()

    post(client, reverse("spreadsheets:import_confirm", args=[job.pk]))
    post(client, reverse("spreadsheets:import_confirm", args=[job.pk]))

    assert Customer.objects.count() == 5


def test_the_status_part_polls_while_the_job_runs(client_for, manager_a, store_a):
    job = ImportJob.objects.create(store=store_a, created_by=manager_a, original_name="x.xlsx", file="x.xlsx")
    job.progress_done, job.progress_total = 500, 1000
    job.save()

    response = client_for(manager_a).get(reverse("spreadsheets:import_status", args=[job.pk]))

    assert b"hx-trigger" in response.content and b"50%" in response.content


def test_a_manager_cannot_import_into_another_store(client_for, manager_a, store_b, upload, post):
    response = post(
        client_for(manager_a), reverse("spreadsheets:import_start"), {"store": store_b.pk, "file": upload()}
    )

    assert response.status_code == 200  # the form refuses the store
    assert not ImportJob.objects.exists()


def test_head_office_imports_into_any_store(client_for, head_office, store_b, upload, post):
    post(client_for(head_office), reverse("spreadsheets:import_start"), {"store": store_b.pk, "file": upload()})
    job = ImportJob.objects.get()
    post(client_for(head_office), reverse("spreadsheets:import_confirm", args=[job.pk]))

    assert Customer.objects.filter(home_store=store_b).count() == 5


def test_a_clerk_cannot_import(client_for, clerk_a, store_a, upload, post):
    client = client_for(clerk_a)

    assert client.get(reverse("spreadsheets:import_start")).status_code == 403
    response = post(client, reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": upload()})
    assert response.status_code == 403 and not ImportJob.objects.exists()
    assert client.get(reverse("spreadsheets:import_template")).status_code == 403


def test_another_stores_manager_cannot_see_or_confirm_the_import(
    client_for, manager_a, manager_b, store_a, upload, post
):
    post(client_for(manager_a), reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": upload()})
    job = ImportJob.objects.get()
    outsider = client_for(manager_b)

    assert outsider.get(reverse("spreadsheets:import_detail", args=[job.pk])).status_code == 404
    assert outsider.get(reverse("spreadsheets:import_report", args=[job.pk])).status_code == 404
    assert post(outsider, reverse("spreadsheets:import_confirm", args=[job.pk])).status_code == 404
    assert not Customer.objects.exists()


def test_a_refused_file_says_why_on_the_page(client_for, manager_a, store_a, tmp_path, post):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    client = client_for(manager_a)

    with open(path, "rb") as handle:
        post(client, reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": handle})

    page = client.get(reverse("spreadsheets:import_detail", args=[ImportJob.objects.get().pk]))
    assert ImportJob.objects.get().status == ImportStatus.REFUSED
    assert "alert-danger" in page.content.decode()


def test_the_template_workbook_downloads(client_for, manager_a):
    response = client_for(manager_a).get(reverse("spreadsheets:import_template"))

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
