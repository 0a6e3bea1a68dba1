"""Attachments: type by content, size limited, refused with a message while the complaint is kept."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.attachments import sniff
from complaints.models import Attachment, Complaint

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (PDF, "application/pdf"),
        (WEBP, "image/webp"),
        (b"GIF89a..", "image/gif"),
    ],
)
def test_it_recognises_allowed_types_by_their_first_bytes(head, content_type):
    assert sniff(head).content_type == content_type


def test_it_rejects_anything_else():
    assert sniff(EXE) is None
    assert sniff(b"<html><script>") is None


def intake(customer, files):
    return {
        "customer": customer.pk,
        "store": customer.home_store_id,
        "channel": "in_store",
        "category": Complaint._meta.get_field("category").related_model.objects.get(name="产品质量").pk,
        "severity": "normal",
        "description": "纽扣脱落",
        "key": str(uuid.uuid4()),
        "attachments": files,
    }


def test_a_photo_is_saved_and_served_to_the_store(customer_a, clerk_a, client_for, settings):
    client = client_for(clerk_a)
    client.post(reverse("complaints:create"), intake(customer_a, [SimpleUploadedFile("photo.png", PNG, "image/png")]))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png") and "photo" not in attachment.file.name
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    response = client.get(reverse("complaints:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_a_disguised_file_is_refused_and_the_complaint_kept(customer_a, clerk_a, client_for):
    fake = SimpleUploadedFile("receipt.jpg", EXE, "image/jpeg")
    response = client_for(clerk_a).post(reverse("complaints:create"), intake(customer_a, [fake]), follow=True)
    page = response.content.decode()
    assert Complaint.objects.count() == 1
    assert not Attachment.objects.exists()
    assert "“receipt.jpg”未保存：只接受图片（JPEG、PNG、WebP、GIF）和 PDF 文件。" in page


def test_a_file_over_the_limit_is_refused_and_the_complaint_kept(customer_a, clerk_a, client_for, settings):
    settings.COMPLAINTS_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024), "application/pdf")
    good = SimpleUploadedFile("ok.pdf", PDF, "application/pdf")
    response = client_for(clerk_a).post(reverse("complaints:create"), intake(customer_a, [big, good]), follow=True)
    assert Complaint.objects.count() == 1
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["ok.pdf"]
    assert "“scan.pdf”未保存：文件不能超过 1 MB。" in response.content.decode()


def test_evidence_added_later_is_checked_the_same_way(complaint_a, clerk_a, client_for):
    url = reverse("complaints:event", args=[complaint_a.pk])
    response = client_for(clerk_a).post(
        url,
        {
            "kind": "evidence",
            "text": "顾客补充照片",
            "attachments": [SimpleUploadedFile("a.gif", EXE), SimpleUploadedFile("b.jpg", JPEG)],
        },
        follow=True,
    )
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["b.jpg"]
    assert Attachment.objects.get().event.text == "顾客补充照片"
    assert "“a.gif”未保存" in response.content.decode()


def test_an_outsider_gets_404_for_an_attachment(complaint_a, clerk_a, clerk_b, client_for):
    from complaints.attachments import attach

    (attachment,), _ = attach(complaint_a, [SimpleUploadedFile("p.png", PNG)], clerk_a)
    assert client_for(clerk_b).get(reverse("complaints:attachment", args=[attachment.pk])).status_code == 404
