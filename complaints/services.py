"""Complaint workflow: intake, assignment, status changes with the SLA clock, resolution,
the customer's agreement, closing with a satisfaction survey, and the survey's answer.

These functions are the only writers of Complaint and ComplaintEvent rows. Each locks the
complaint row, checks the move is allowed from the status it finds, and writes the
timeline entry in the same transaction.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import notify
from complaints.models import (
    MONEY_RESOLUTIONS,
    Category,
    Complaint,
    ComplaintEvent,
    Department,
    EventKind,
    Sla,
    Status,
)
from crm import hooks
from crm.access import audit
from crm.models import Store, staff_name
from customers.models import Customer, Purchase

SATISFIED_MIN_SCORE = 3


class TransitionNotAllowed(ValidationError):
    pass


def _seconds(delta: dt.timedelta) -> int:
    return max(0, int(delta.total_seconds()))


def log_complaint(
    *,
    store: Store,
    received_by,
    category: Category,
    channel: str,
    description: str,
    severity: str = "normal",
    customer: Customer | None = None,
    caller_name: str = "",
    caller_contact: str = "",
    purchase: Purchase | None = None,
    department: Department | None = None,
    owner=None,
    received_at: dt.datetime | None = None,
    source_task_id: int | None = None,
    key: uuid.UUID | None = None,
) -> tuple[Complaint, bool]:
    """Record a complaint with its deadlines. The same ``key`` twice returns the first one."""
    if customer is None and not caller_contact.strip():
        raise ValidationError(_("Choose the customer, or give the caller's contact."))
    key = key or uuid.uuid4()
    existing = Complaint.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    received_at = received_at or timezone.now()
    first_hours, resolution_hours = Sla.hours_for(category, severity)
    complaint = Complaint(
        store=store,
        customer=customer,
        caller_name=caller_name.strip(),
        caller_contact=caller_contact.strip(),
        purchase=purchase,
        category=category,
        severity=severity,
        channel=channel,
        description=description.strip(),
        received_by=received_by,
        received_at=received_at,
        department=department,
        owner=owner or received_by,
        first_response_due=received_at + dt.timedelta(hours=first_hours),
        resolution_due=received_at + dt.timedelta(hours=resolution_hours),
        source_task_id=source_task_id,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            complaint.save()
            ComplaintEvent.objects.create(
                complaint=complaint, kind=EventKind.CREATED, by=received_by, at=received_at, to_status=Status.NEW
            )
            audit(received_by, "complaint.logged", complaint, store=store, channel=channel)
    except IntegrityError:
        existing = Complaint.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    if complaint.owner_id != received_by.pk:
        notify.complaint_assigned(complaint)
    return complaint, True


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _refresh(target: Complaint, source: Complaint) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _change_status(locked: Complaint, to: str, by, now: dt.datetime, text: str = "") -> None:
    """Move ``locked`` to ``to``, keeping the SLA clock right, and log it."""
    before = locked.status
    if before == Status.WAITING and locked.paused_since is not None:
        # The customer has answered: the deadlines move later by the time we waited.
        waited = now - locked.paused_since
        locked.paused_seconds += _seconds(waited)
        locked.resolution_due += waited
        if locked.first_responded_at is None:
            locked.first_response_due += waited
        locked.paused_since = None
    if to == Status.WAITING:
        locked.paused_since = now
    if to != Status.NEW and locked.first_responded_at is None:
        _mark_first_response(locked, now)
    if to == Status.RESOLVED:
        locked.resolved_at = now
        locked.resolution_seconds = _seconds(locked.sla_elapsed(now))
        if now > locked.resolution_due:
            locked.sla_breached = True
    locked.status = to
    locked.save()
    ComplaintEvent.objects.create(
        complaint=locked, kind=EventKind.STATUS, by=by, at=now, text=text, from_status=before, to_status=to
    )


def _mark_first_response(locked: Complaint, now: dt.datetime) -> None:
    locked.first_responded_at = now
    locked.first_response_seconds = _seconds(locked.sla_elapsed(now))
    if now > locked.first_response_due:
        locked.sla_breached = True


def _transition(complaint: Complaint, allowed_from: tuple, to: str, by, text: str = "") -> Complaint:
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status not in allowed_from:
            raise TransitionNotAllowed(
                _("A complaint that is “%(status)s” cannot move to “%(to)s”.")
                % {"status": locked.get_status_display(), "to": Status(to).label}
            )
        _change_status(locked, to, by, timezone.now(), text)
        audit(by, f"complaint.{to}", locked, store=locked.store)
    _refresh(complaint, locked)
    return complaint


def start_investigation(complaint: Complaint, by, text: str = "") -> Complaint:
    return _transition(complaint, (Status.NEW,), Status.INVESTIGATING, by, text)


def wait_on_customer(complaint: Complaint, by, text: str = "") -> Complaint:
    """Pause the SLA clock until the customer answers (photos, a visit, their choice)."""
    return _transition(complaint, (Status.NEW, Status.INVESTIGATING), Status.WAITING, by, text)


def resume(complaint: Complaint, by, text: str = "") -> Complaint:
    return _transition(complaint, (Status.WAITING,), Status.INVESTIGATING, by, text)


def assign(complaint: Complaint, by, *, department: Department | None, owner, text: str = "") -> Complaint:
    with transaction.atomic():
        locked = _lock(complaint)
        if not locked.is_open:
            raise TransitionNotAllowed(_("A closed complaint cannot be reassigned."))
        changed_owner = owner is not None and owner.pk != locked.owner_id
        locked.department = department
        if owner is not None:
            locked.owner = owner
        locked.save()
        parts = [
            str(department) if department else _("no department"),
            staff_name(locked.owner) if locked.owner else _("no owner"),
        ]
        ComplaintEvent.objects.create(
            complaint=locked,
            kind=EventKind.ASSIGNED,
            by=by,
            text=" · ".join(parts) + (f"\n{text}" if text else ""),
        )
        audit(by, "complaint.assigned", locked, store=locked.store, owner=locked.owner_id)
    _refresh(complaint, locked)
    if changed_owner and owner.pk != by.pk:
        notify.complaint_assigned(complaint)
    return complaint


def add_event(complaint: Complaint, by, *, kind: str, text: str) -> ComplaintEvent:
    """A note, evidence or a customer contact on the timeline. A contact with the customer
    is the first response if nobody has answered yet."""
    if kind not in (EventKind.NOTE, EventKind.EVIDENCE, EventKind.CONTACT):
        raise ValueError(kind)
    with transaction.atomic():
        locked = _lock(complaint)
        now = timezone.now()
        if kind == EventKind.CONTACT and locked.first_responded_at is None:
            _mark_first_response(locked, now)
            locked.save()
        event = ComplaintEvent.objects.create(complaint=locked, kind=kind, by=by, at=now, text=text.strip())
    _refresh(complaint, locked)
    return event


def resolve(complaint: Complaint, by, *, resolution_type: str, amount: Decimal | None, note: str = "") -> Complaint:
    if resolution_type in MONEY_RESOLUTIONS and not amount:
        raise ValidationError(_("Give the amount for a refund or compensation."))
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status not in (Status.NEW, Status.INVESTIGATING, Status.WAITING):
            raise TransitionNotAllowed(_("Only an open complaint can be resolved."))
        locked.resolution_type = resolution_type
        locked.resolution_amount = amount
        locked.resolution_note = note.strip()
        locked.customer_agreed = None
        locked.customer_agreed_at = None
        now = timezone.now()
        ComplaintEvent.objects.create(
            complaint=locked,
            kind=EventKind.RESOLUTION,
            by=by,
            at=now,
            text=_resolution_text(locked),
        )
        _change_status(locked, Status.RESOLVED, by, now)
        audit(
            by, "complaint.resolved", locked, store=locked.store, resolution=resolution_type, amount=str(amount or "")
        )
    _refresh(complaint, locked)
    return complaint


def _resolution_text(complaint: Complaint) -> str:
    text = complaint.get_resolution_type_display()
    if complaint.resolution_amount:
        text += f" ¥{complaint.resolution_amount}"
    if complaint.resolution_note:
        text += f"\n{complaint.resolution_note}"
    return text


def record_agreement(complaint: Complaint, by, *, agreed: bool, text: str = "") -> Complaint:
    """The customer's answer to the proposed resolution. A refusal sends the complaint back
    to investigation."""
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status != Status.RESOLVED:
            raise TransitionNotAllowed(_("Record the customer's agreement after proposing a resolution."))
        now = timezone.now()
        locked.customer_agreed = agreed
        locked.customer_agreed_at = now
        answer = _("The customer agrees.") if agreed else _("The customer does not agree.")
        ComplaintEvent.objects.create(
            complaint=locked, kind=EventKind.AGREEMENT, by=by, at=now, text=f"{answer} {text}".strip()
        )
        if agreed:
            locked.save()
        else:
            locked.resolved_at = None
            locked.resolution_seconds = None
            _change_status(locked, Status.INVESTIGATING, by, now)
    _refresh(complaint, locked)
    return complaint


def survey_url(complaint: Complaint) -> str:
    return reverse("complaints:survey", args=[complaint.pk])


def close(complaint: Complaint, by, text: str = "") -> Complaint:
    """Close a resolved complaint the customer agreed to, and put the satisfaction check on
    the owner's worklist (through the follow-ups app, if it is installed)."""
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status != Status.RESOLVED:
            raise TransitionNotAllowed(_("Only a resolved complaint can be closed."))
        if not locked.customer_agreed:
            raise TransitionNotAllowed(_("Record the customer's agreement to the resolution before closing."))
        now = timezone.now()
        locked.closed_at = now
        locked.survey_requested_at = now
        locked.survey_answered_at = None
        locked.survey_task_id = _schedule_survey(locked, now)
        _change_status(locked, Status.CLOSED, by, now, text)
        audit(by, "complaint.closed", locked, store=locked.store)
    _refresh(complaint, locked)
    return complaint


def _schedule_survey(complaint: Complaint, now: dt.datetime) -> int | None:
    if complaint.customer_id is None:
        return None
    days = settings.COMPLAINTS_SURVEY_AFTER_DAYS
    note = _(
        "Complaint #%(number)s was closed: ask whether the customer is satisfied and record the answer at %(url)s"
    ) % {
        "number": complaint.pk,
        "url": survey_url(complaint),
    }
    task = hooks.first(
        "schedule_callback",
        complaint.customer,
        purpose=_("Complaint satisfaction check"),
        due_date=timezone.localdate(now) + dt.timedelta(days=days),
        assignee=complaint.owner or complaint.received_by,
        store=complaint.store,
        note=note,
        key=f"complaint-survey-{complaint.pk}-{complaint.reopened_count}",
    )
    return getattr(task, "pk", None)


def reopen(complaint: Complaint, by, text: str = "") -> Complaint:
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status not in (Status.RESOLVED, Status.CLOSED):
            raise TransitionNotAllowed(_("Only a resolved or closed complaint can be reopened."))
        _reopen(locked, by, timezone.now(), text)
        audit(by, "complaint.reopened", locked, store=locked.store)
    _refresh(complaint, locked)
    notify.complaint_reopened(complaint)
    return complaint


def _reopen(locked: Complaint, by, now: dt.datetime, text: str) -> None:
    # A reopened complaint gets a fresh resolution window from now.
    _, resolution_hours = Sla.hours_for(locked.category, locked.severity)
    locked.reopened_count += 1
    locked.resolution_due = now + dt.timedelta(hours=resolution_hours)
    locked.resolved_at = None
    locked.closed_at = None
    locked.resolution_seconds = None
    locked.customer_agreed = None
    locked.customer_agreed_at = None
    locked.breach_level = 0
    _change_status(locked, Status.INVESTIGATING, by, now, text)


def record_survey(complaint: Complaint, by, *, score: int, satisfied: bool, comment: str = "") -> Complaint:
    """The customer's satisfaction after closing. Score 1-2, or "not satisfied", reopens it.

    A second submission of an answered survey (a double click) changes nothing.
    """
    if not 1 <= score <= 5:
        raise ValidationError(_("The score is from 1 to 5."))
    dissatisfied = score < SATISFIED_MIN_SCORE or not satisfied
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status != Status.CLOSED:
            raise TransitionNotAllowed(_("The satisfaction survey is asked after closing."))
        if locked.survey_answered_at is not None:
            _refresh(complaint, locked)
            return complaint
        now = timezone.now()
        locked.survey_score = score
        locked.survey_satisfied = satisfied and not dissatisfied
        locked.survey_comment = comment.strip()
        locked.survey_answered_at = now
        answer = _("Satisfied") if locked.survey_satisfied else _("Not satisfied")
        ComplaintEvent.objects.create(
            complaint=locked,
            kind=EventKind.SURVEY,
            by=by,
            at=now,
            text=f"{answer} · {score}/5" + (f"\n{locked.survey_comment}" if locked.survey_comment else ""),
        )
        if dissatisfied:
            _reopen(locked, by, now, _("Reopened: the customer is not satisfied."))
        else:
            locked.save()
        audit(by, "complaint.survey", locked, store=locked.store, score=score, satisfied=locked.survey_satisfied)
    _refresh(complaint, locked)
    if dissatisfied:
        notify.complaint_reopened(complaint)
    return complaint


def set_deadlines(category: Category, hours: dict[str, tuple[int, int]], by) -> None:
    """``hours``: severity -> (first response, resolution) hours. Applies to new complaints."""
    with transaction.atomic():
        for severity, (first, resolution) in hours.items():
            Sla.objects.update_or_create(
                category=category,
                severity=severity,
                defaults={"first_response_hours": first, "resolution_hours": resolution},
            )
        audit(by, "complaints.deadlines_changed", category, hours={k: list(v) for k, v in hours.items()})
