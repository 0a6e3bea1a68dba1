"""The values of a read-only worksheet, row by row: ``iter_rows(values_only=True)``, quicker.

openpyxl (and so our own export, and most programs built on it) writes every text cell
as an inline string, and openpyxl's reader builds a rich-text object for each one to
get its text back: at 100,000 rows of a dozen columns that is a large part of checking a
file. A plain inline string (one ``<t>`` element) is read here straight from the XML;
everything else, rich text included, goes through openpyxl's own code, and the rows come
out exactly as ``iter_rows(values_only=True)`` gives them after ``reset_dimensions()``.

This leans on openpyxl's read-only internals (pinned in requirements.txt); if they are
not there, it falls back to ``iter_rows``.
"""

from collections.abc import Iterator

from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

_TEXT = f"{{{SHEET_MAIN_NS}}}t"


class _Parser(WorkSheetParser):
    def parse_cell(self, element):
        if element.get("t") == "inlineStr" and self.data_only:
            child = element.find(INLINE_STRING)
            if child is not None and len(child) == 1 and child[0].tag == _TEXT:
                coordinate = element.get("r")
                if coordinate:
                    row, column = coordinate_to_tuple(coordinate)
                    self.col_counter = column
                else:
                    self.col_counter += 1
                    row, column = self.row_counter, self.col_counter
                style_id = element.get("s", 0)
                return {
                    "row": row,
                    "column": column,
                    "value": child[0].text or "",
                    "data_type": "s",
                    "style_id": int(style_id) if style_id else 0,
                }
        return super().parse_cell(element)


def sheet_values(worksheet) -> Iterator[tuple]:
    """Every row of ``worksheet`` (read-only, data only) as a tuple of values, blank rows as ()."""
    try:
        book = worksheet.parent
        parser_args = {
            "data_only": book.data_only,
            "epoch": book.epoch,
            "date_formats": book._date_formats,
            "timedelta_formats": book._timedelta_formats,
        }
        source = worksheet._get_source()
    except AttributeError:  # another openpyxl: its own way
        yield from worksheet.iter_rows(values_only=True)
        return
    with source:
        parser = _Parser(source, worksheet._shared_strings, **parser_args)
        counter = 1
        for number, cells in parser.parse():
            while counter < number:  # rows the file leaves out
                counter += 1
                yield ()
            if counter == number:
                counter += 1
                if not cells:
                    yield ()
                    continue
                width = cells[-1]["column"]
                values = [None] * width
                for cell in cells:
                    if 1 <= cell["column"] <= width:
                        values[cell["column"] - 1] = cell["value"]
                yield tuple(values)
