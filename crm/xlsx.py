"""Writing spreadsheets safely: every export in Kedang goes through here.

- ``safe_cell(value)``: one value made fit for a cell. Text that a spreadsheet would run
  as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a
  leading apostrophe; characters a workbook may not hold are dropped; aware datetimes
  become local wall-clock time (Excel has no time zones).
- ``write_workbook(target, sheets)``: stream one or more ``Sheet``s into a write-only
  workbook (a path or a binary file). Rows are any iterable, consumed once, so a
  queryset ``.iterator()`` of 100,000 rows never sits in memory. Columns are sized to
  fit the header and the first rows.
- ``xlsx_response(filename, sheet_title, headers, rows, *, user, what, filters)``: the
  whole export of a list view: writes the workbook to a temporary file, records the
  export (who, what, filters, how many rows) and returns a download.
- ``record_export(user, what, filters, rows)``: the audit record alone, for exports
  written elsewhere (management commands).

Headers may be lazy translations: they are rendered in the language active when the
workbook is written (the user's, inside a request).

Example, in a view decorated with ``crm.access.export_required``::

    return xlsx_response(
        "card-register.xlsx", _("Card register"),
        [_("Card number"), _("Customer"), _("Status")],
        ([a.card_number, a.customer.name, a.get_status_display()] for a in qs.iterator()),
        user=request.user, what="loyalty.card_register", filters=filter_values(request.GET),
    )
"""

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.access import audit
from crm.models import AuditEvent, staff_profile

# Text a spreadsheet would read as the start of a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters an xlsx file cannot hold (tab, newline and carriage return it can).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Rows looked at to size the columns; later rows are streamed without being kept.
_WIDTH_SAMPLE = 200
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")

EXPORT_ACTION = "export"


def safe_cell(value):
    """``value`` as it should be written to a cell: never a formula, never a bad character."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date | dt.time):
        return value
    text = _ILLEGAL.sub("", str(value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def display_width(value) -> int:
    """Roughly how many character cells ``value`` takes; Chinese characters count double."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in longest)


@dataclass
class Sheet:
    """One worksheet to write: a title, headers and the rows (an iterable of sequences)."""

    title: str
    headers: Sequence
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None  # fixed column widths; None sizes them to fit
    number_formats: dict[int, str] = field(default_factory=dict)  # column index -> format


def sheet_title(title) -> str:
    """A worksheet title Excel accepts: at most 31 characters, none of []:*?/\\."""
    return _SHEET_TITLE_BAD.sub(" ", str(title)).strip()[:31] or "Sheet"


def _fit_widths(headers: list[str], sample: list[list]) -> list[int]:
    widths = []
    for i, header in enumerate(headers):
        longest = max([display_width(header)] + [display_width(row[i]) for row in sample if i < len(row)])
        widths.append(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))
    return widths


def _write_sheet(workbook: Workbook, sheet: Sheet) -> int:
    worksheet = workbook.create_sheet(sheet_title(sheet.title))
    headers = [safe_cell(str(h)) for h in sheet.headers]
    rows = iter(sheet.rows)
    # Write-only sheets take column widths before the first row, so the first rows are
    # read ahead to size the columns, then written like the rest.
    sample = [[safe_cell(v) for v in row] for row in islice(rows, _WIDTH_SAMPLE)]
    widths = sheet.widths or _fit_widths(headers, sample)
    for i, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(i)].width = width
    worksheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(worksheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    worksheet.append(header_cells)

    formats = sheet.number_formats
    count = 0
    for row in sample:
        worksheet.append(_formatted(worksheet, row, formats) if formats else row)
        count += 1
    for row in rows:
        values = [safe_cell(v) for v in row]
        worksheet.append(_formatted(worksheet, values, formats) if formats else values)
        count += 1
    return count


def _formatted(worksheet, values: list, formats: dict[int, str]) -> list:
    out = []
    for i, value in enumerate(values):
        if i in formats and value is not None:
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = formats[i]
            out.append(cell)
        else:
            out.append(value)
    return out


def write_workbook(target, sheets: Iterable[Sheet]) -> dict[str, int]:
    """Write ``sheets`` to ``target`` (a path or a binary file); returns rows written per sheet."""
    workbook = Workbook(write_only=True)
    counts = {}
    for sheet in sheets:
        counts[sheet_title(sheet.title)] = _write_sheet(workbook, sheet)
    workbook.save(target)
    return counts


def record_export(user, what: str, filters: dict | None, rows: int) -> AuditEvent:
    """Record that ``user`` exported ``rows`` rows of ``what`` with ``filters``."""
    profile = staff_profile(user)
    store = profile.store if profile is not None and not profile.is_head_office else None
    clean_filters = {str(k): v for k, v in (filters or {}).items() if v not in ("", None, [])}
    return audit(user, EXPORT_ACTION, store=store, what=what, filters=clean_filters, rows=rows)


def xlsx_response(
    filename: str,
    sheet_title_text,
    headers: Sequence,
    rows: Iterable[Sequence],
    *,
    user,
    what: str,
    filters: dict | None = None,
    extra_sheets: Iterable[Sheet] = (),
) -> FileResponse:
    """Write the rows to a temporary workbook, record the export and return it as a download.

    The caller checks access (``crm.access.export_required``) and scopes ``rows`` to the
    user. ``filename`` may contain Chinese; it is sent RFC 6266-encoded.
    """
    # Spooled: small exports stay in memory, big ones go to disk rather than RAM.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    counts = write_workbook(handle, [Sheet(str(sheet_title_text), headers, rows), *extra_sheets])
    record_export(user, what, filters, sum(counts.values()))
    handle.seek(0)
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
