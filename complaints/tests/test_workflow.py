"""Every status change of a complaint, and the moves that are refused."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from complaints import services
from complaints.models import Channel, Complaint, EventKind, ResolutionType, Status


def kinds(complaint):
    return list(complaint.events.values_list("kind", flat=True))


def test_it_logs_a_complaint_with_who_and_when(complaint_a, clerk_a):
    assert complaint_a.status == Status.NEW
    assert complaint_a.owner == clerk_a
    event = complaint_a.events.get()
    assert (event.kind, event.by, event.to_status) == (EventKind.CREATED, clerk_a, Status.NEW)


def test_it_logs_an_unidentified_caller_with_a_contact(make_complaint):
    complaint = make_complaint(caller_name="陌生来电", caller_contact="021-5555 0000", channel=Channel.HOTLINE)
    assert complaint.customer is None
    assert complaint.who == "陌生来电"


def test_it_refuses_a_complaint_without_customer_or_contact(store_a, clerk_a, quality):
    with pytest.raises(ValidationError):
        services.log_complaint(
            store=store_a, received_by=clerk_a, category=quality, channel=Channel.EMAIL, description="x"
        )


def test_it_logs_the_same_submission_once(make_complaint):
    key = uuid.uuid4()
    first = make_complaint(key=key)
    second = make_complaint(key=key)
    assert first.pk == second.pk
    assert Complaint.objects.count() == 1


def test_it_walks_through_every_status(complaint_a, clerk_a):
    services.start_investigation(complaint_a, clerk_a)
    assert complaint_a.status == Status.INVESTIGATING
    assert complaint_a.first_responded_at is not None
    services.wait_on_customer(complaint_a, clerk_a, "等顾客发照片")
    assert complaint_a.status == Status.WAITING
    services.resume(complaint_a, clerk_a)
    assert complaint_a.status == Status.INVESTIGATING
    services.resolve(complaint_a, clerk_a, resolution_type=ResolutionType.REFUND, amount=Decimal("199.00"))
    assert complaint_a.status == Status.RESOLVED
    assert complaint_a.resolved_at is not None
    services.record_agreement(complaint_a, clerk_a, agreed=True)
    services.close(complaint_a, clerk_a)
    assert complaint_a.status == Status.CLOSED
    assert complaint_a.closed_at is not None
    services.reopen(complaint_a, clerk_a, "顾客又来电")
    assert complaint_a.status == Status.INVESTIGATING
    assert complaint_a.reopened_count == 1
    statuses = list(complaint_a.events.filter(kind=EventKind.STATUS).values_list("from_status", "to_status"))
    assert statuses == [
        (Status.NEW, Status.INVESTIGATING),
        (Status.INVESTIGATING, Status.WAITING),
        (Status.WAITING, Status.INVESTIGATING),
        (Status.INVESTIGATING, Status.RESOLVED),
        (Status.RESOLVED, Status.CLOSED),
        (Status.CLOSED, Status.INVESTIGATING),
    ]
    assert all(by == clerk_a.pk for by in complaint_a.events.values_list("by", flat=True))


def test_it_sends_a_refused_resolution_back_to_investigation(complaint_a, clerk_a):
    services.resolve(complaint_a, clerk_a, resolution_type=ResolutionType.EXPLANATION, amount=None, note="面料特性")
    services.record_agreement(complaint_a, clerk_a, agreed=False, text="要求退货")
    assert complaint_a.status == Status.INVESTIGATING
    assert complaint_a.customer_agreed is False
    assert complaint_a.resolved_at is None
    assert EventKind.AGREEMENT in kinds(complaint_a)


def test_it_cannot_close_before_the_customer_agrees(complaint_a, clerk_a):
    services.resolve(complaint_a, clerk_a, resolution_type=ResolutionType.REPAIR, amount=None)
    with pytest.raises(services.TransitionNotAllowed):
        services.close(complaint_a, clerk_a)
    assert Complaint.objects.get().status == Status.RESOLVED


@pytest.mark.parametrize(
    "action",
    [services.resume, services.close, services.reopen],
)
def test_it_refuses_moves_that_do_not_fit_a_new_complaint(complaint_a, clerk_a, action):
    with pytest.raises(services.TransitionNotAllowed):
        action(complaint_a, clerk_a)
    assert Complaint.objects.get().status == Status.NEW


def test_it_wants_an_amount_for_a_refund(complaint_a, clerk_a):
    with pytest.raises(ValidationError):
        services.resolve(complaint_a, clerk_a, resolution_type=ResolutionType.COMPENSATION, amount=None)


def test_it_counts_a_customer_contact_as_the_first_response(complaint_a, clerk_a):
    services.add_event(complaint_a, clerk_a, kind=EventKind.NOTE, text="内部备注")
    assert complaint_a.first_responded_at is None
    services.add_event(complaint_a, clerk_a, kind=EventKind.CONTACT, text="已致电顾客")
    assert complaint_a.first_responded_at is not None
    assert complaint_a.status == Status.NEW


def test_it_records_reassignment_and_tells_the_new_owner(complaint_a, clerk_a, clerk_a2):
    from complaints.models import Department, Notification

    quality_dept = Department.objects.get(name="质量部")
    services.assign(complaint_a, clerk_a, department=quality_dept, owner=clerk_a2, text="转质量部")
    assert (complaint_a.department, complaint_a.owner) == (quality_dept, clerk_a2)
    event = complaint_a.events.get(kind=EventKind.ASSIGNED)
    assert "质量部" in event.text and event.by == clerk_a
    assert Notification.objects.filter(recipient=clerk_a2, complaint=complaint_a).exists()
