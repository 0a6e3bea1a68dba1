"""The importer's reader (python-calamine) gives every row as openpyxl's own reader does."""

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from customers.importing import sheetxml
from customers.importing.reading import sheet_values

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

# Rows as Excel, WPS and openpyxl write them: shared and inline strings, rich text and
# phonetic runs, an empty <t/>, cells without a reference, rows left out, a cell out of
# order, a date-formatted number, a boolean, a formula with its cached value.
_SHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{_MAIN}"><dimension ref="A1:C2"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>电话</t></is></c>
  <c r="C1" t="inlineStr"><is><t xml:space="preserve"> 13812345678 </t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>王</t></r><r><t>芳</t></r></is></c>
  <c r="B2" t="inlineStr"><is><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></is></c>
  <c r="C2" t="inlineStr"><is><t/></is></c><c r="D2" t="s"><v>1</v></c></row>
<row r="5"><c t="inlineStr"><is><t>no ref</t></is></c><c><v>42</v></c><c t="b"><v>1</v></c></row>
<row r="6"><c r="A6" s="1"><v>45000</v></c><c r="C6"><f>1+1</f><v>2</v></c>
  <c r="B6" t="inlineStr"><is><t>late</t></is></c></row>
<row r="7"/>
<row r="8"><c r="E8" t="str"><f>"x"</f><v>x</v></c></row>
</sheetData></worksheet>"""

_SHARED = f"""<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="{_MAIN}" count="2" uniqueCount="2"><si><t>姓名</t></si>
<si><r><t>rich </t></r><r><rPr><i/></rPr><t>shared</t></r></si></sst>"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{_MAIN}"><fonts count="1"><font/></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""

_PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>""",
    "_rels/.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>""",
    "xl/workbook.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="顾客" sheetId="1" r:id="rId1"/></sheets></workbook>""",
    "xl/_rels/workbook.xml.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_REL}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{_REL}/sharedStrings"/>
<Relationship Id="rId3" Target="styles.xml" Type="{_REL}/styles"/></Relationships>""",
    "xl/worksheets/sheet1.xml": _SHEET,
    "xl/sharedStrings.xml": _SHARED,
    "xl/styles.xml": _STYLES,
}


def _openpyxl_rows(path) -> list[tuple]:
    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _our_rows(path) -> list[tuple]:
    return list(sheet_values(path, "顾客"))


def _hand_made(path, sheet_data: str = "", shared: str = _SHARED):
    parts = dict(_PARTS, **{"xl/sharedStrings.xml": shared})
    if sheet_data:
        parts["xl/worksheets/sheet1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}"><sheetData>{sheet_data}'
            "</sheetData></worksheet>"
        )
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_it_reads_every_kind_of_cell_as_openpyxl_does(tmp_path):
    path = _hand_made(tmp_path / "hand-made.xlsx")

    rows = _our_rows(path)

    assert rows == _openpyxl_rows(path)
    assert rows[0] == ("姓名", "电话", " 13812345678 ")
    assert rows[1] == ("王芳", "東京", "", "rich shared")
    assert rows[2] == rows[3] == ()
    assert rows[4] == ("no ref", 42, True)
    assert rows[5] == (dt.datetime(2023, 3, 15), "late")  # openpyxl drops a cell after the last one


def test_whole_numbers_are_ints_and_dates_datetimes_as_openpyxl_gives_them(tmp_path):
    path = tmp_path / "numbers.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "顾客"
    sheet["C3"] = 13812345678
    sheet["D3"] = 19900315
    sheet["E3"] = 1.5
    sheet["F3"] = dt.date(1990, 3, 15)
    sheet["G3"] = dt.datetime(2024, 3, 5, 14, 30)
    sheet["C4"] = dt.time(9, 30)
    sheet["D4"] = 123456789012345678
    book.save(path)

    rows = _our_rows(path)

    assert rows == _openpyxl_rows(path)
    assert rows[2] == (
        None,
        None,
        13812345678,
        19900315,
        1.5,
        dt.datetime(1990, 3, 15),
        dt.datetime(2024, 3, 5, 14, 30),
    )
    assert [type(v) for v in rows[2][2:4]] == [int, int]


def test_it_reads_a_workbook_openpyxl_wrote_as_openpyxl_does(tmp_path):
    path = tmp_path / "written.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("顾客")
    sheet.append(["姓名", "电话", "生日", "积分"])
    sheet.append(["王芳", "139 0000 0001", "1990/3/15", 12])
    sheet.append([])
    sheet.append([None, "=1+1", "", 3.5])
    book.save(path)

    assert _our_rows(path) == _openpyxl_rows(path)


def test_it_cuts_calamines_rows_as_openpyxl_cuts_the_written_rows(tmp_path):
    path = _hand_made(
        tmp_path / "layout.xlsx",
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="C2"><v>3</v></c>'
        '<c r="B2" t="inlineStr"><is><t xml:space="preserve"> late </t></is></c></row>'
        '<row r="3"><c r="A3"><v>1</v></c><c r="D3" s="1"/></row>'
        '<row r="6"/><row r="5"><c r="A5"><v>9</v></c></row>'
        '<row r="7" spans="1:2"><c r="B7" t="s"><v>0</v></c></row>'
        '<row><c r="A8"><v>8.5</v></c></row><row r="9"><c r="A9" s="1"/></row>',
        f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>姓名</t></si></sst>',
    )

    rows = _our_rows(path)

    assert not sheetxml.scan(path, "顾客").odd  # read by calamine, not by openpyxl
    assert rows == _openpyxl_rows(path)
    assert rows == [
        (),
        ("a", " late "),  # a cell after the row's last one is dropped
        (1, None, None, None),  # a styled empty cell at the end counts
        (),
        (),
        (),  # row 5, written after row 6, is skipped
        (None, "姓名"),
        (8.5,),
        (None,),
    ]


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A1" t="inlineStr"><is><t/></is></c>',
        '<c r="A1" t="inlineStr"><is><t xml:space="preserve"></t></is></c>',
        '<c r="A1" t="s"><v>1</v></c>',  # an empty shared string
        '<c r="A1" t="inlineStr"><is><t> lead</t></is></c>',
        '<c r="A1" t="inlineStr"><is><t>trail </t></is></c>',
        '<c r="A1" t="inlineStr"><is><r><t>rich </t></r><r><t>run</t></r></is></c>',
        '<c r="A1" t="e"><v>#N/A</v></c>',
        '<c r="A1"><v>12.0</v></c>',
        '<c r="A1"><v>1E3</v></c>',
        '<c r="A1"><v>12345678901234567890</v></c>',
        '<c r="A1"><v>1</v></c><c t="inlineStr"><is><t>no ref</t></is></c>',
    ],
)
def test_a_value_calamine_reads_otherwise_sends_the_sheet_to_openpyxl(tmp_path, cell):
    shared = f'<sst xmlns="{_MAIN}" count="2" uniqueCount="2"><si><t>姓名</t></si><si><t/></si></sst>'
    path = _hand_made(tmp_path / "odd.xlsx", f'<row r="1">{cell}<c r="F1"><v>2</v></c></row>', shared)

    assert sheetxml.scan(path, "顾客").odd
    assert _our_rows(path) == _openpyxl_rows(path)
