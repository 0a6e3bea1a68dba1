"""The columns of a store's customer workbook and the headers they go by.

Each store's sheet was typed by hand over the years, so a column is recognised by any of
its usual names in Simplified Chinese, Traditional Chinese or English, in any order, with
spaces, brackets and an asterisk ignored. The export writes the first name of each
column (translated), so an exported file imports again unchanged.
"""

import re

from django.utils.translation import pgettext_lazy

CUSTOMER_SHEET_NAMES = ("顾客", "顧客", "客户", "客戶", "会员", "會員", "顾客资料", "顧客資料", "customers", "customer")
PURCHASE_SHEET_NAMES = (
    "消费记录",
    "消費記錄",
    "消费明细",
    "消費明細",
    "购买记录",
    "購買記錄",
    "purchases",
    "purchase lines",
    "sales",
)

# field -> (header as exported, aliases). Headers are translated in a context of their
# own: they are the sheet's words (电话, not 手机号). The seed's columns come first, in its order:
# 姓名-性别-电话-VIP号码-身份证号码-地址-生日-积分-累计消费-消费次数.
CUSTOMER_COLUMNS: dict[str, tuple] = {
    "name": (
        pgettext_lazy("spreadsheet column", "Name"),
        ("姓名", "顾客姓名", "顧客姓名", "客户姓名", "名字", "name", "customer name"),
    ),
    "gender": (pgettext_lazy("spreadsheet column", "Gender"), ("性别", "性別", "gender", "sex")),
    "mobile": (
        pgettext_lazy("spreadsheet column", "Mobile"),
        ("电话", "手机", "手机号", "手机号码", "联系电话", "電話", "手機", "手機號碼", "聯繫電話", "聯絡電話")
        + ("mobile", "phone", "mobile number", "telephone", "tel"),
    ),
    "card_number": (
        pgettext_lazy("spreadsheet column", "VIP number"),
        ("vip号码", "vip号", "会员卡号", "卡号", "vip號碼", "會員卡號", "卡號", "vip number", "card number", "card no"),
    ),
    "id_number": (
        pgettext_lazy("spreadsheet column", "ID number"),
        (
            "身份证号码",
            "身份证号",
            "身份证",
            "身份證號碼",
            "身份證號",
            "身份證",
            "id number",
            "id card",
            "id card number",
        ),
    ),
    "address": (pgettext_lazy("spreadsheet column", "Address"), ("地址", "住址", "联系地址", "聯繫地址", "address")),
    "birthday": (
        pgettext_lazy("spreadsheet column", "Birthday"),
        ("生日", "出生日期", "birthday", "date of birth", "birth date"),
    ),
    "points": (pgettext_lazy("spreadsheet column", "Points"), ("积分", "積分", "现有积分", "points", "points balance")),
    "cumulative_spend": (
        pgettext_lazy("spreadsheet column", "Cumulative spend"),
        ("累计消费", "累计消费金额", "累計消費", "累計消費金額", "cumulative spend", "total spend"),
    ),
    "visit_count": (
        pgettext_lazy("spreadsheet column", "Visits"),
        ("消费次数", "消費次數", "visits", "visit count", "number of visits"),
    ),
    "tier": (
        pgettext_lazy("spreadsheet column", "Tier"),
        ("等级", "会员等级", "卡别", "卡类", "等級", "會員等級", "卡別", "卡類", "tier", "card type"),
    ),
    "messaging": (
        pgettext_lazy("spreadsheet column", "Messaging"),
        (
            "短信",
            "短信状态",
            "飞信开启状态",
            "飞信",
            "短信開啟狀態",
            "簡訊",
            "飛信開啟狀態",
            "飛信",
            "messaging",
            "sms",
        ),
    ),
    # The customer's consent to keep their data, as the store's paper form recorded it.
    # Without this column (or with a blank) the customer's consent is to be confirmed.
    "data_consent": (
        pgettext_lazy("spreadsheet column", "Consent"),
        ("同意", "顾客同意", "同意书", "授权", "授權", "顧客同意", "同意書", "consent", "data consent"),
    ),
    "wedding_anniversary": (
        pgettext_lazy("spreadsheet column", "Wedding anniversary"),
        ("结婚纪念日", "結婚紀念日", "wedding anniversary", "anniversary"),
    ),
    "member_since": (
        pgettext_lazy("spreadsheet column", "Member since"),
        ("入会日期", "入會日期", "开卡日期", "開卡日期", "member since", "joined"),
    ),
    "last_purchase": (
        pgettext_lazy("spreadsheet column", "Last purchase"),
        ("最近消费", "最后消费", "最近消费时间", "最近消費", "最後消費", "last purchase", "last purchase date"),
    ),
    # Written by the export for the reader's benefit; an import puts every row into the
    # store chosen for the import, so these are read and deliberately not used.
    "store": (pgettext_lazy("spreadsheet column", "Store"), ("门店", "店铺", "門店", "店鋪", "store")),
    "clerk": (
        pgettext_lazy("spreadsheet column", "Serving clerk"),
        ("导购", "接待人员", "服务导购", "導購", "接待人員", "serving clerk", "clerk"),
    ),
}

PURCHASE_COLUMNS: dict[str, tuple] = {
    "mobile": CUSTOMER_COLUMNS["mobile"],
    "card_number": CUSTOMER_COLUMNS["card_number"],
    "purchased_at": (
        pgettext_lazy("spreadsheet column", "Time"),
        ("时间", "购买时间", "消费时间", "消费日期", "日期", "時間", "購買時間", "消費時間", "消費日期")
        + ("time", "date", "purchased at"),
    ),
    "receipt_number": (
        pgettext_lazy("spreadsheet column", "Receipt number"),
        ("小票号", "单号", "小票號", "單號", "receipt", "receipt number"),
    ),
    "item": (
        pgettext_lazy("spreadsheet column", "Item"),
        ("商品", "品名", "款号", "货品", "商品名稱", "貨品", "款號", "消费明细", "消費明細", "item"),
    ),
    "category": (pgettext_lazy("spreadsheet column", "Category"), ("类别", "品类", "類別", "品類", "category")),
    "size": (pgettext_lazy("spreadsheet column", "Size"), ("尺码", "尺碼", "size")),
    "colour": (pgettext_lazy("spreadsheet column", "Colour"), ("颜色", "顏色", "colour", "color")),
    "quantity": (pgettext_lazy("spreadsheet column", "Quantity"), ("数量", "數量", "件数", "件數", "quantity", "qty")),
    "unit_price": (pgettext_lazy("spreadsheet column", "Unit price"), ("单价", "單價", "unit price", "price")),
    "amount": (
        pgettext_lazy("spreadsheet column", "Amount"),
        ("金额", "金額", "消费金额", "消費金額", "amount", "line total", "total"),
    ),
    "clerk": CUSTOMER_COLUMNS["clerk"],
    "name": CUSTOMER_COLUMNS["name"],
}

# Columns the importer knows and leaves alone: the two it adds to its report of rejected
# rows, so a corrected report imports cleanly.
IGNORED_COLUMNS: dict[str, tuple] = {
    "report_reason": (
        pgettext_lazy("spreadsheet column", "Reason not imported"),
        ("原因", "未导入原因", "未導入原因", "reason"),
    ),
    "report_row": (pgettext_lazy("spreadsheet column", "Row in the file"), ("原行号", "原行號", "行号", "行號", "row")),
}

_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】_\-./]+")


def header_key(text) -> str:
    return _NOISE.sub("", str(text or "")).lower()


def _alias_map(columns: dict[str, tuple]) -> dict[str, str]:
    mapping = {}
    for field, (exported, aliases) in columns.items():
        for alias in (*aliases, field):
            mapping[header_key(alias)] = field
        mapping.setdefault(header_key(str(exported)), field)
    return mapping


def match_headers(cells, columns: dict[str, tuple]) -> tuple[dict[int, str], list[str]]:
    """Map column positions to fields; returns (positions, unknown header texts).

    Exported headers are matched in the active language as well as by alias. The first
    column with a given meaning wins; a second one is reported as unknown.
    """
    aliases = _alias_map({**columns, **IGNORED_COLUMNS})
    positions: dict[int, str] = {}
    unknown: list[str] = []
    for i, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        field = aliases.get(header_key(cell))
        if field is None or field in positions.values():
            unknown.append(str(cell).strip())
        else:
            positions[i] = field
    return positions, unknown


def find_sheet(sheetnames: list[str], names: tuple[str, ...]) -> str | None:
    wanted = {header_key(n) for n in names}
    for title in sheetnames:
        if header_key(title) in wanted:
            return title
    return None
