"""What python-calamine does not tell about a sheet: its rows as the XML writes them, and
whether it holds a cell calamine reads differently from openpyxl.

calamine gives a sheet as a rectangle of values. openpyxl's ``iter_rows(values_only=True)``
(the reference the import's checking rules were written against) gives each ``<row>`` as
wide as its last written cell: a styled empty cell at the end is a ``None``, a cell written
after the row's last one is dropped, a row written out of order is skipped. A quick pass
over the sheet's XML (in chunks, at about the speed the archive inflates) finds each row's
number and width, so the rows can be cut from calamine's rectangle exactly as openpyxl cuts
them.

Some values calamine cannot give as openpyxl does at all: an empty string (calamine has no
empty string apart from an empty cell), text with spaces at its ends but no
``xml:space="preserve"`` (calamine trims it), an error cell (``#N/A``), a whole number
written ``12.0`` or ``1E3`` (openpyxl keeps a float), an integer too long for a float, an
ISO date cell. The pass notes them; such a sheet is read with openpyxl instead.
"""

import posixpath
import re
import zipfile
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from xml.etree import ElementTree

_CHUNK = 1 << 20
_EXACT = 2**53
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

_ROW = re.compile(rb"<row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_COLUMN = re.compile(rb'<c [^>]*?\br="([A-Z]{1,3})\d+"')
# Markers of a cell calamine reads differently (see the module docstring).
_ODD_LITERALS = (
    b"<t/>",
    b"></t>",  # <t></t>, <t xml:space="preserve"></t>
    b"<is/>",
    b"<is></is>",
    b't="e"',
    b't="d"',
    b"<t> ",
    b"<t>\t",
    b"<t>\n",
    b"<t>\r",
    b"<c>",  # a cell without a reference or a type: counted, not placed
    b"<c/>",
)
_ODD_PATTERNS = (
    re.compile(rb"<t [^>]*/>"),
    re.compile(rb"<v>-?\d*\.0*</v>"),  # a whole number written with a point
    re.compile(rb"<v>-?\d{16,}</v>"),  # an integer a float cannot hold
)
_EXPONENT = re.compile(rb"<v>(-?[\d.]+[eE][-+]?\d+)</v>")
_TRAILING_SPACES = (b" </t>", b"\t</t>", b"\n</t>", b"\r</t>")


@dataclass
class Layout:
    """Each written row's number and width (its last cell's column), in file order."""

    numbers: array = field(default_factory=lambda: array("q"))
    widths: array = field(default_factory=lambda: array("q"))
    odd: bool = False  # a cell calamine reads differently: read the sheet with openpyxl


@lru_cache(maxsize=512)
def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _odd_text(data: bytes) -> bool:
    if any(marker in data for marker in _ODD_LITERALS):
        return True
    if any(pattern.search(data) for pattern in _ODD_PATTERNS):
        return True
    for match in _EXPONENT.finditer(data):
        number = float(match[1])
        if number.is_integer() and abs(number) < _EXACT:
            return True
    for marker in _TRAILING_SPACES:  # unless the text is marked xml:space="preserve"
        end = data.find(marker)
        while end >= 0:
            opening = data.rfind(b"<t", 0, end)
            if b"preserve" not in data[opening : data.find(b">", opening)]:
                return True
            end = data.find(marker, end + 1)
    return False


def _chunks(archive: zipfile.ZipFile, name: str, end: bytes):
    """The part in pieces that each end just before ``end`` (no element is cut in two)."""
    carry = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(end)
            if cut <= 0:
                carry = data
                continue
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


def _scan_rows(data: bytes, layout: Layout) -> None:
    starts = list(_ROW.finditer(data))
    number = layout.numbers[-1] if layout.numbers else 0
    for position, match in enumerate(starts):
        found = _ROW_NUMBER.search(match[1])
        number = int(found[1]) if found else number + 1
        width = 0
        if not match[1].endswith(b"/"):
            stop = starts[position + 1].start() if position + 1 < len(starts) else len(data)
            last = data.rfind(b"<c ", match.end(), stop)
            if last >= 0:
                cell = _CELL_COLUMN.match(data, last)
                if cell is None:  # the last cell has no reference: openpyxl counts it
                    layout.odd = True
                    return
                width = _column(cell[1])
        layout.numbers.append(number)
        layout.widths.append(width)


def _parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Sheet title -> worksheet part, and the shared-strings part, from the workbook's rels."""
    book = "xl/workbook.xml"
    for rel in ElementTree.fromstring(archive.read("_rels/.rels")):
        if rel.get("Type", "").endswith("/officeDocument"):
            book = rel.get("Target", book).lstrip("/")
    folder, name = posixpath.split(book)
    targets, shared = {}, None
    for rel in ElementTree.fromstring(archive.read(f"{folder}/_rels/{name}.rels")):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
        targets[rel.get("Id")] = target
        if rel.get("Type", "").endswith("/sharedStrings"):
            shared = target
    sheets = {}
    for element in ElementTree.fromstring(archive.read(book)).iter():
        if element.tag.endswith("}sheet"):
            sheets[element.get("name")] = targets.get(element.get(_NS_REL))
    return sheets, shared


def scan(path, title: str) -> Layout:
    """The layout of sheet ``title`` of the xlsx at ``path``; ``odd`` if calamine would misread it."""
    layout = Layout()
    try:
        with zipfile.ZipFile(path) as archive:
            sheets, shared = _parts(archive)
            if shared and any(_odd_text(piece) for piece in _chunks(archive, shared, b"<si")):
                layout.odd = True
                return layout
            pieces = _chunks(archive, sheets[title], b"<row")
            head = next(pieces, b"")
            if b"<sheetData" not in head and b"<row" not in head:  # a prefixed namespace, say
                layout.odd = True
                return layout
            for piece in chain([head], pieces):
                piece = piece.split(b"</sheetData>", 1)[0]
                if _odd_text(piece):
                    layout.odd = True
                    return layout
                _scan_rows(piece, layout)
                if layout.odd:
                    return layout
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        layout.odd = True
    return layout
