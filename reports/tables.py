"""Tables shown on the report pages, each exportable to xlsx through ``crm.xlsx``.

A view builds its tables as ``Table`` objects; the template renders them with
``reports/_table.html`` (cells may carry a link to the list behind the figure) and
``?export=<table name>`` returns the same rows as a workbook, for managers and head
office only (audited by ``crm.xlsx``)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.formats import number_format

from crm.access import require_profile
from crm.params import filter_values
from crm.xlsx import xlsx_response


@dataclass
class Cell:
    value: object
    url: str = ""
    percent: bool = False

    def __str__(self) -> str:
        if self.value is None:
            return "—"
        if self.percent:
            return f"{self.value * 100:.1f}%"
        return number_format(self.value, force_grouping=True) if isinstance(self.value, int) else str(self.value)

    @property
    def export_value(self):
        if self.percent and self.value is not None:
            return round(self.value * 100, 1)
        return self.value


def pct(value, url: str = "") -> Cell:
    return Cell(value, url, percent=True)


@dataclass
class Table:
    name: str
    title: str
    headers: list
    rows: list[list] = field(default_factory=list)
    footer: list | None = None

    def cells(self):
        for row in self.rows:
            yield [c if isinstance(c, Cell) else Cell(c) for c in row]

    def footer_cells(self):
        return [c if isinstance(c, Cell) else Cell(c) for c in self.footer] if self.footer else []

    def export_rows(self):
        for row in [*self.rows, *([self.footer] if self.footer else [])]:
            yield [(c.export_value if isinstance(c, Cell) else c) for c in row]


def export_response(request, tables: list[Table], what: str):
    """The workbook asked for by ``?export=``, or None when no export was asked for."""
    name = request.GET.get("export")
    if not name:
        return None
    if not require_profile(request.user).can_export:
        raise PermissionDenied
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        raise Http404
    filters = filter_values(request.GET, exclude=("export",))
    return xlsx_response(
        f"{what}-{table.name}.xlsx",
        table.title,
        table.headers,
        table.export_rows(),
        user=request.user,
        what=f"reports.{what}.{table.name}",
        filters=filters,
    )
