"""The values of a workbook's sheets, row by row, read with python-calamine.

calamine (Rust) reads a 100,000-row sheet several times faster than openpyxl's
read-only reader, through its public API. Its values are converted to what openpyxl's
``iter_rows(values_only=True)`` gives, because the checking rules (``values.py``) were
written against those:

- calamine has only floats for numbers: a whole number comes back as ``int`` (as openpyxl
  reads a cell written ``12``), so a mobile typed as a number stays ``13812345678`` and
  ``19900315`` is still read as a compact date, not as a day number;
- an empty cell is ``None``, not ``""``; trailing empty cells are dropped and a blank row
  is ``()``;
- a date-formatted cell is a ``datetime`` (midnight for a date), as openpyxl gives it;
- rows and columns count from A1 even when the data starts further in.

Formulas are never evaluated: a formula cell gives the value Excel last saved with it.
"""

import datetime as dt
from collections.abc import Iterator

from python_calamine import CalamineWorkbook

# Whole floats up to 2**53 are exact; beyond that a float is left a float.
_EXACT = 2**53


def _value(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT:
        return int(value)
    if type(value) is dt.date:
        return dt.datetime.combine(value, dt.time())
    return value


class Workbook:
    """A workbook open for reading: ``sheetnames``, ``rows(title)``, ``row_estimate(title)``."""

    def __init__(self, path):
        self._book = CalamineWorkbook.from_path(str(path))
        self.sheetnames: list[str] = list(self._book.sheet_names)

    def rows(self, title: str) -> Iterator[tuple]:
        """Every row of the sheet from row 1, as a tuple of values; blank rows as ()."""
        sheet = self._book.get_sheet_by_name(title)
        lead = (None,) * (sheet.start[1] if sheet.start else 0)
        for cells in sheet.iter_rows():
            values = [_value(v) for v in cells]
            while values and values[-1] is None:
                values.pop()
            yield lead + tuple(values) if values else ()

    def row_estimate(self, title: str) -> int:
        """Rows below a header, for the progress bar (the last used row less one)."""
        end = self._book.get_sheet_by_name(title).end  # (row, column) from 0
        return end[0] if end else 0

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False


def sheet_values(path, title: str) -> Iterator[tuple]:
    """The rows of one sheet of the workbook at ``path`` (see ``Workbook.rows``)."""
    with Workbook(path) as book:
        yield from book.rows(title)
