"""Checks run on an uploaded file before the workbook reader is allowed to read it.

An xlsx file is a zip archive of XML parts. We look at the archive itself, never at
the name or the browser's content type: a renamed PDF, an old .xls, a password-protected
(encrypted) workbook, a zip bomb and a macro-enabled workbook are all refused with a
message a store manager can act on.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and encrypted .xlsx

MAX_MEMBERS = 2000
# A worksheet compresses well, but not this well: beyond this a part is a bomb.
MAX_RATIO = 200
_SCAN_CHUNK = 1024 * 1024


class FileRefused(Exception):
    """The file is not something we will read; ``str(error)`` is the message for the user."""


@dataclass
class FileFacts:
    formula_cells: int = 0


def max_upload_bytes() -> int:
    return settings.KEDANG_IMPORT_MAX_BYTES


def max_unpacked_bytes() -> int:
    return settings.KEDANG_IMPORT_MAX_UNPACKED_BYTES


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise FileRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller workbooks.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
        )


def check_workbook(path) -> FileFacts:
    """Refuse ``path`` unless it is a plain xlsx workbook of sane size; raises FileRefused."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        handle.seek(0, 2)
        check_size(handle.tell())
    if head.startswith(OLE_MAGIC):
        raise FileRefused(
            _(
                "This is an old-format Excel file (.xls) or a password-protected workbook. "
                "Open it in Excel, remove any password and save it as “Excel Workbook (.xlsx)”."
            )
        )
    if not head.startswith(ZIP_MAGIC):
        raise FileRefused(_("This file is not an Excel workbook (.xlsx), whatever its name says."))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileRefused(_("This file is damaged or is not an Excel workbook (.xlsx)."))
    with archive:
        return _check_archive(archive)


def _check_archive(archive: zipfile.ZipFile) -> FileFacts:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise FileRefused(_("This file holds too many parts to be a customer workbook; it was not read."))
    total = sum(m.file_size for m in members)
    if total > max_unpacked_bytes():
        raise FileRefused(
            _("Unpacked, this file would take %(size)s MB, more than a customer workbook ever needs; it was not read.")
            % {"size": total // 1024 // 1024}
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise FileRefused(_("This file is compressed suspiciously well (a “zip bomb”); it was not read."))
        if member.flag_bits & 0x1:
            raise FileRefused(_("This workbook is encrypted; remove the password and save it again."))
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefused(_("This file is a zip archive but not an Excel workbook (.xlsx)."))
    content_types = archive.read("[Content_Types].xml")
    if (
        b"macroEnabled" in content_types
        or any(n.lower().endswith("vbaproject.bin") for n in names)
        or any(n.startswith("xl/macrosheets/") for n in names)
    ):
        raise FileRefused(
            _("This workbook contains macros, which we never open. Save it as “Excel Workbook (.xlsx)” without macros.")
        )
    return FileFacts(formula_cells=sum(_count_formulas(archive, m) for m in members if _is_worksheet(m.filename)))


def _formula_tags(data: bytes) -> int:
    return data.count(b"<f>") + data.count(b"<f ") + data.count(b"<f/>")


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _count_formulas(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Formula cells (``<f>`` elements) in one worksheet, read in chunks.

    They are counted only to tell the user: the import reads each cell's last computed
    value and never evaluates a formula.
    """
    count = 0
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(_SCAN_CHUNK):
            # The last bytes of the previous chunk are re-read to catch a tag split in
            # two; a tag lying wholly inside them was already counted.
            count += _formula_tags(tail + chunk) - _formula_tags(tail)
            tail = chunk[-3:]
    return count
