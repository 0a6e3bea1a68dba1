"""Imports and personal data: ID numbers only encrypted or masked, uploads not kept,
consent only from a consent column."""

import datetime as dt
import os
import zipfile
from pathlib import Path

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import AuditEvent
from customers.importing import services
from customers.importing.models import ImportRow, ImportStatus
from customers.models import Customer
from customers.privacy.models import ConsentRecord
from customers.tests.spreadsheets.workbooks import SEED_HEADERS, workbook

GOOD_ID, BAD_ID = "11010519491231002X", "110105194912310021"  # the second has a wrong check digit


def _rows():
    return [
        ["王芳", "女", "13900000001", "VIP001", GOOD_ID, "上海", "1990-03-15", 100, 500, 2],
        ["李强", "男", "13900000002", "", BAD_ID, "", "", 0, 0, 0],  # rejected: bad ID number
        ["", "男", "13900000003", "", "440524188001010014", "", "", 0, 0, 0],  # rejected: no name
    ]


def _media_texts() -> list[tuple[Path, bytes]]:
    """Every file under MEDIA_ROOT, xlsx members unpacked."""
    found = []
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if not path.is_file():
            continue
        found.append((path, path.read_bytes()))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                found.extend((path, archive.read(name)) for name in archive.namelist())
    return found


def _table_holds(text: str) -> int:
    table = ImportRow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} t WHERE row_to_json(t)::text LIKE %s", [f"%{text}%"])
        return cursor.fetchone()[0]


def test_it_leaves_no_full_id_number_in_the_media_folder_or_the_staged_rows(tmp_path, store_a, manager_a, run_import):
    path = workbook(tmp_path / "门店.xlsx", _rows())
    job = run_import(path, store_a, manager_a)
    assert job.status == ImportStatus.DONE and job.created_count == 1 and job.rejected_rows == 2
    assert job.report  # the report of rejected rows is there, masked
    for secret in (GOOD_ID, BAD_ID, "440524188001010014", GOOD_ID[:17], BAD_ID[:17]):
        assert not [p for p, data in _media_texts() if secret.encode() in data], secret
        assert _table_holds(secret) == 0, secret
    assert not job.file  # the upload itself is gone
    assert Customer.objects.get().id_number == GOOD_ID  # the encrypted column has it


def test_it_masks_id_numbers_in_the_report(tmp_path, store_a, manager_a, run_import):
    job = run_import(workbook(tmp_path / "a.xlsx", _rows()), store_a, manager_a)
    with job.report.open("rb") as handle:
        rows = list(load_workbook(handle).active.iter_rows(values_only=True))
    id_cells = [row[4] for row in rows[1:]]
    assert id_cells == ["110***********0021", "440***********0014"]


def test_it_audits_the_report_download(client_for, tmp_path, store_a, manager_a, clerk_a, manager_b, run_import):
    job = run_import(workbook(tmp_path / "a.xlsx", _rows()), store_a, manager_a)
    url = reverse("spreadsheets:import_report", args=[job.pk])
    assert client_for(clerk_a).get(url).status_code == 403
    assert client_for(manager_b).get(url).status_code == 404
    assert client_for(manager_a).get(url).status_code == 200
    event = AuditEvent.objects.get(action="report.downloaded")
    assert event.actor == manager_a and event.object_id == str(job.pk)


def test_it_writes_uploads_readable_by_the_owner_only(tmp_path, store_a, manager_a, run_import):
    job = run_import(workbook(tmp_path / "a.xlsx", _rows()), store_a, manager_a, dry_run=True)
    assert job.status == ImportStatus.CHECKED and job.file
    assert os.stat(job.file.path).st_mode & 0o777 == 0o600


def test_it_deletes_a_refused_file_at_once(tmp_path, store_a, manager_a, run_import):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"PK\x03\x04 this is no workbook " + GOOD_ID.encode())
    job = run_import(path, store_a, manager_a)
    assert job.status == ImportStatus.REFUSED and not job.file
    assert not [p for p, data in _media_texts() if GOOD_ID.encode() in data]


def test_it_deletes_a_cancelled_upload(tmp_path, store_a, manager_a, run_import):
    job = run_import(workbook(tmp_path / "a.xlsx", _rows()), store_a, manager_a, dry_run=True)
    services.cancel(job, manager_a)
    job.refresh_from_db()
    assert not job.file and not list(Path(settings.MEDIA_ROOT).rglob("*.xlsx"))


def test_it_deletes_unconfirmed_uploads_after_the_retention_period(tmp_path, store_a, manager_a, run_import):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)):
        job = run_import(workbook(tmp_path / "a.xlsx", _rows()), store_a, manager_a, dry_run=True)
    stored = Path(job.file.path)
    call_command("run_daily_jobs", "--date", "2026-11-07", "--only", "customers.purge_import_files")
    assert stored.exists()
    call_command("run_daily_jobs", "--date", "2026-11-09", "--only", "customers.purge_import_files")
    job.refresh_from_db()
    assert not stored.exists() and not job.file
    call_command("run_daily_jobs", "--date", "2026-11-09", "--only", "customers.purge_import_files")  # idempotent


def test_it_marks_consent_to_be_confirmed_without_a_consent_column(tmp_path, store_a, manager_a, run_import):
    rows = [["王芳", "女", "13900000001", "", "", "", "", 0, 0, 0, "开"]]
    run_import(workbook(tmp_path / "a.xlsx", rows, headers=[*SEED_HEADERS, "短信"]), store_a, manager_a)
    customer = Customer.objects.get()
    assert customer.consent_pending and customer.data_consent_at is None
    assert not customer.marketing_consent and not customer.can_receive_sms
    assert not ConsentRecord.objects.exists()


def test_it_records_consent_from_a_consent_column(tmp_path, store_a, manager_a, run_import):
    rows = [
        ["王芳", "女", "13900000001", "", "", "", "", 0, 0, 0, "开", "是"],
        ["李强", "男", "13900000002", "", "", "", "", 0, 0, 0, "退订", "否"],
    ]
    when = dt.datetime(2026, 11, 20, 4, tzinfo=dt.UTC)
    with time_machine.travel(when, tick=False):
        run_import(workbook(tmp_path / "a.xlsx", rows, headers=[*SEED_HEADERS, "短信", "同意"]), store_a, manager_a)
    wang, li = Customer.objects.get(name="王芳"), Customer.objects.get(name="李强")
    assert not wang.consent_pending and wang.can_receive_sms and wang.data_consent_at == when
    assert li.consent_pending and li.marketing_opt_out_at is not None
    kinds = sorted((r.customer.name, r.kind, r.granted, r.method) for r in ConsentRecord.objects.all())
    assert kinds == [
        ("李强", "sms", False, "import"),
        ("王芳", "data", True, "import"),
        ("王芳", "marketing", True, "import"),
    ]
    assert all(r.by == manager_a for r in ConsentRecord.objects.all())
