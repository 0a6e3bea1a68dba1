"""The dealer list: exported, imported with a report of the rows refused, re-imported
without change."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from crm.models import AuditEvent
from distributors.models import DealerAccount, DealerImport, Grade, Status


def _upload(rows, name="dealers.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    book.save(handle)
    return SimpleUploadedFile(name, handle.getvalue())


ROWS = [
    ["经销商", "负责人", "业务员", "客户状态", "客户分类", "年营业额", "来源"],
    ["常熟美邦服饰", "顾总", "am_a", "现有客户", "重点客户", "1,200,000元", "服装展会"],
    ["昆山华艺商贸", "", "am_a", "intent", "soon", "", ""],
    ["", "无公司", "am_a", "", "", "", ""],
    ["太仓新潮服饰", "", "somebody", "", "", "", ""],
    ["张家港鸿运", "", "am_a", "现有客户", "近期可以签约", "", ""],
    ["吴江丝绸服饰", "", "am_a", "潜在客户", "", "十万", ""],
    ["常熟美邦服饰", "重复", "am_a", "", "", "", ""],
]


def test_it_checks_every_row_then_imports_the_valid_ones_once(client_for, sales_manager, am_a):
    client = client_for(sales_manager)
    response = client.post(reverse("distributors:import"), {"file": _upload(ROWS)})
    staged = DealerImport.objects.get()
    assert response.status_code == 302 and not DealerAccount.objects.exists()
    preview = client.get(reverse("distributors:import_preview", args=[staged.pk])).content.decode()
    assert "2 行可以导入；5 行不能导入" in preview
    for reason in (
        "缺少公司名称",
        "“somebody”不是您可以分配客户的业务员",
        "该分类不属于此状态",
        "“十万”不是金额",
        "出现了两次",
    ):
        assert reason in preview, reason
    report = client.get(reverse("distributors:import_report", args=[staged.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][-2:] == ("未导入原因", "原行号") and [r[-1] for r in rows[1:]] == [4, 5, 6, 7, 8]

    client.post(reverse("distributors:import_confirm", args=[staged.pk]))
    client.post(reverse("distributors:import_confirm", args=[staged.pk]))
    meibang = DealerAccount.objects.get(customer__company="常熟美邦服饰")
    assert (meibang.status, meibang.grade, meibang.account_manager) == (Status.EXISTING, Grade.KEY, am_a)
    assert str(meibang.customer.yearly_revenue) == "1200000.00" and meibang.lead_source == "trade_fair"
    assert DealerAccount.objects.count() == 2

    client.post(reverse("distributors:import"), {"file": _upload(ROWS)})
    client.post(reverse("distributors:import_confirm", args=[DealerImport.objects.latest("pk").pk]))
    assert DealerAccount.objects.count() == 2


def test_files_that_are_not_workbooks_are_refused_with_a_message(client_for, sales_manager):
    response = client_for(sales_manager).post(
        reverse("distributors:import"), {"file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a workbook")}
    )
    assert response.status_code == 200 and not DealerImport.objects.exists()


def test_account_managers_do_not_import_and_nobody_sees_anothers_import(client_for, am_a, sales_manager, head_office):
    assert client_for(am_a).get(reverse("distributors:import")).status_code == 403
    client_for(sales_manager).post(reverse("distributors:import"), {"file": _upload(ROWS[:2])})
    staged = DealerImport.objects.get()
    for name in ("distributors:import_preview", "distributors:import_report"):
        assert client_for(head_office).get(reverse(name, args=[staged.pk])).status_code == 404
    assert client_for(head_office).post(reverse("distributors:import_confirm", args=[staged.pk])).status_code == 404


def test_the_export_is_the_users_accounts_and_imports_again(client_for, am_a, account_a, account_b, sales_manager):
    response = client_for(am_a).get(reverse("distributors:export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert [r[0] for r in rows[1:]] == ["苏州恒达服饰"]
    assert AuditEvent.objects.filter(action="export", detail__what="distributors.accounts").exists()
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    handle = io.BytesIO()
    book.save(handle)
    client_for(sales_manager).post(
        reverse("distributors:import"), {"file": SimpleUploadedFile("e.xlsx", handle.getvalue())}
    )
    staged = DealerImport.objects.get()
    assert (len(staged.valid_rows), staged.rejected_rows) == (1, [])
