"""The values of a workbook's sheets, row by row, read with python-calamine.

calamine (Rust) reads a 100,000-row sheet several times faster than openpyxl's
read-only reader, through its public API. Its values are converted to what openpyxl's
``iter_rows(values_only=True)`` gives, because the checking rules (``values.py``) were
written against those:

- calamine has only floats for numbers: a whole number comes back as ``int`` (as openpyxl
  reads a cell written ``12``), so a mobile typed as a number stays ``13812345678`` and
  ``19900315`` is still read as a compact date, not as a day number;
- an empty cell is ``None``, not ``""``; a blank row is ``()``;
- a date-formatted cell is a ``datetime`` (midnight for a date), as openpyxl gives it;
- rows and columns count from A1 even when the data starts further in;
- each row is as wide as its last written cell and rows are cut as openpyxl cuts them,
  from a quick pass over the sheet's XML (``sheetxml.py``); a sheet holding a value
  calamine cannot give as openpyxl does (an empty string, text with unpreserved spaces at
  its ends, an error cell, ...) is read with openpyxl's public read-only API instead.

Formulas are never evaluated: a formula cell gives the value Excel last saved with it.
"""

import datetime as dt
from collections.abc import Iterator

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from customers.importing import sheetxml

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
        self._path = path
        self._book = CalamineWorkbook.from_path(str(path))
        self.sheetnames: list[str] = list(self._book.sheet_names)

    def rows(self, title: str) -> Iterator[tuple]:
        """Every row of the sheet from row 1, as a tuple of values; blank rows as ()."""
        layout = sheetxml.scan(self._path, title)
        if layout.odd:
            yield from _openpyxl_rows(self._path, title)
            return
        sheet = self._book.get_sheet_by_name(title)
        lead = (None,) * (sheet.start[1] if sheet.start else 0)
        grid = sheet.iter_rows()  # from row 1, from the first used column
        at, cells = 0, ()
        counter = 1
        for number, width in zip(layout.numbers, layout.widths, strict=True):
            while counter < number:  # rows the file leaves out
                counter += 1
                yield ()
            if counter > number:  # a row written out of order: openpyxl skips it
                continue
            counter += 1
            while at < number:
                cells, at = next(grid, ()), at + 1
            if not width:
                yield ()
                continue
            values = [_value(v) for v in (lead + tuple(cells))[:width]]
            yield tuple(values) + (None,) * (width - len(values))

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


def _openpyxl_rows(path, title: str) -> Iterator[tuple]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[title]
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield tuple(row)  # a row the file leaves out is a list
    finally:
        book.close()


def sheet_values(path, title: str) -> Iterator[tuple]:
    """The rows of one sheet of the workbook at ``path`` (see ``Workbook.rows``)."""
    with Workbook(path) as book:
        yield from book.rows(title)
