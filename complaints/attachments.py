"""Attachments on complaints: photos of the product and PDFs (receipts, reports).

The type is decided by the file's first bytes, never by its name or the browser's claim,
and the size is limited by ``COMPLAINTS_ATTACHMENT_MAX_BYTES`` (10 MB by default). A
refused file is reported to the clerk; the complaint it came with is kept.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from complaints.models import Attachment, Complaint, ComplaintEvent


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


def sniff(head: bytes) -> FileType | None:
    """The allowed type whose signature ``head`` starts with, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image/png", "png")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FileType("image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image/webp", "webp")
    if head.startswith(b"%PDF-"):
        return FileType("application/pdf", "pdf")
    return None


def max_bytes() -> int:
    return settings.COMPLAINTS_ATTACHMENT_MAX_BYTES


def check(upload) -> tuple[FileType | None, str]:
    """(type, "") for an acceptable upload, (None, message) for a refused one."""
    limit = max_bytes()
    if upload.size > limit:
        return None, _("“%(name)s” was not saved: a file may be at most %(limit)s MB.") % {
            "name": upload.name,
            "limit": f"{limit / 1024 / 1024:g}",
        }
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        return None, _("“%(name)s” was not saved: only images (JPEG, PNG, WebP, GIF) and PDF files are accepted.") % {
            "name": upload.name
        }
    return kind, ""


def attach(
    complaint: Complaint, uploads, by, event: ComplaintEvent | None = None
) -> tuple[list[Attachment], list[str]]:
    """Save the acceptable uploads; returns (saved, messages for the refused ones)."""
    saved, refused = [], []
    for upload in uploads:
        kind, message = check(upload)
        if kind is None:
            refused.append(message)
            continue
        attachment = Attachment(
            complaint=complaint,
            event=event,
            original_name=upload.name[:200],
            content_type=kind.content_type,
            extension=kind.extension,
            size=upload.size,
            uploaded_by=by,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved, refused
