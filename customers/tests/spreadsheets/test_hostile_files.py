"""Files that are not what they say, or are built to hurt: refused or neutralised, with a message."""

import zipfile

import pytest

from customers.importing.models import ImportStatus
from customers.models import Customer
from customers.tests.spreadsheets.workbooks import mobile, workbook


def _plain(tmp_path, name="s.xlsx"):
    return workbook(tmp_path / name, [["王芳", "女", mobile(1), "", "", "", "", 10, 100, 1]])


def _with_extra_member(tmp_path, member: str, data: bytes, content_types_extra: bytes = b""):
    source = _plain(tmp_path, "plain.xlsx")
    target = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", content_types_extra + b"</Types>")
            new.writestr(item, content)
        new.writestr(member, data)
    return target


def test_it_refuses_a_pdf_renamed_to_xlsx(tmp_path, store_a, run_import):
    path = tmp_path / "顾客.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF")

    job = run_import(path, store_a)

    assert job.status == ImportStatus.REFUSED
    assert "not an Excel workbook" in job.message or "不是" in job.message


def test_it_refuses_an_old_xls_or_encrypted_workbook(tmp_path, store_a, run_import):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)

    job = run_import(path, store_a)

    assert job.status == ImportStatus.REFUSED and ".xls" in job.message


def test_it_refuses_a_zip_bomb_before_reading_it(tmp_path, store_a, run_import):
    path = _with_extra_member(tmp_path, "xl/media/image1.png", b"\0" * (50 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024

    job = run_import(path, store_a)

    assert job.status == ImportStatus.REFUSED
    assert "zip bomb" in job.message or "炸弹" in job.message
    assert not Customer.objects.exists()


def test_it_refuses_a_file_that_would_unpack_beyond_the_limit(tmp_path, store_a, run_import, settings):
    settings.KEDANG_IMPORT_MAX_UNPACKED_BYTES = 20 * 1024
    job = run_import(_with_extra_member(tmp_path, "xl/media/a.bin", bytes(range(256)) * 200), store_a)

    assert job.status == ImportStatus.REFUSED and "MB" in job.message


def test_it_refuses_a_zip_with_thousands_of_members(tmp_path, store_a, run_import):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(2500):
            archive.writestr(f"x/{n}", b"")

    job = run_import(path, store_a)

    assert job.status == ImportStatus.REFUSED


def test_it_refuses_a_file_over_the_size_limit(tmp_path, store_a, run_import, settings):
    from customers.importing.safety import FileRefused

    settings.KEDANG_IMPORT_MAX_BYTES = 1024
    with pytest.raises(FileRefused, match="MB"):
        run_import(_plain(tmp_path), store_a)


def test_it_refuses_a_workbook_with_macros(tmp_path, store_a, run_import):
    path = _with_extra_member(tmp_path, "xl/vbaProject.bin", b'Attribute VB_Name = "Module1"')

    job = run_import(path, store_a)

    assert job.status == ImportStatus.REFUSED and ("macro" in job.message or "宏" in job.message)


def test_it_takes_no_formula_at_its_word(tmp_path, store_a, run_import):
    rows = [
        ["王芳", "女", mobile(1), "", "", "", "", "=1000*1000", "=SUM(1,2)", 1],
        ['=HYPERLINK("http://evil.example","点我")', "女", mobile(2), "", "", "", "", 0, 0, 0],
    ]
    job = run_import(workbook(tmp_path / "f.xlsx", rows), store_a)

    assert job.status == ImportStatus.DONE
    assert any("formula" in w or "公式" in w for w in job.warnings)
    customer = Customer.objects.get()  # the row whose name was a formula is rejected
    assert customer.name == "王芳" and customer.cumulative_spend == 0
    assert job.rejected_rows == 1


def test_it_says_which_columns_it_needs_when_the_header_is_missing(tmp_path, store_a, run_import):
    path = workbook(tmp_path / "x.xlsx", [["a", "b"]], headers=["甲", "乙"])

    job = run_import(path, store_a)

    assert job.status == ImportStatus.REFUSED
    assert "header" in job.message.lower() or "表头" in job.message
