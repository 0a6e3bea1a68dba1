"""Complaints and after-sales: intake, owner and deadlines, timeline, resolution, returns,
satisfaction survey, escalation notices."""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.access import ScopedQuerySet
from crm.models import Store
from customers.models import Customer, Purchase, PurchaseLine

DEFAULT_FIRST_RESPONSE_HOURS = 24
DEFAULT_RESOLUTION_HOURS = 7 * 24


class Category(models.Model):
    """What the complaint is about; head office edits the list and its deadlines."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """The department that can fix a complaint (sales, quality, production, ...)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    ONLINE = "online", _("Online form")
    EMAIL = "email", _("Email")
    IN_STORE = "in_store", _("In store")
    SOCIAL = "social", _("Social media")
    CALLBACK = "callback", _("Callback found a problem")


class Sla(models.Model):
    """Deadlines for one category and severity, in calendar hours."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="slas")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    first_response_hours = models.PositiveIntegerField(_("first response within (hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolution within (hours)"))

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [models.UniqueConstraint(fields=["category", "severity"], name="unique_sla_per_category")]

    def __str__(self) -> str:
        return f"{self.category} {self.get_severity_display()}"

    @classmethod
    def hours_for(cls, category: Category, severity: str) -> tuple[int, int]:
        rule = cls.objects.filter(category=category, severity=severity).first()
        if rule is None:
            return DEFAULT_FIRST_RESPONSE_HOURS, DEFAULT_RESOLUTION_HOURS
        return rule.first_response_hours, rule.resolution_hours


class Status(models.TextChoices):
    NEW = "new", _("New")
    INVESTIGATING = "investigating", _("Investigating")
    WAITING = "waiting", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved, awaiting closing")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.INVESTIGATING, Status.WAITING, Status.RESOLVED)
# The SLA clock runs in these; WAITING pauses it, RESOLVED and CLOSED stop it.
CLOCK_RUNNING = (Status.NEW, Status.INVESTIGATING)


class ResolutionType(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    EXPLANATION = "explanation", _("Explanation")
    NONE = "none", _("None")


MONEY_RESOLUTIONS = (ResolutionType.REFUND, ResolutionType.COMPENSATION)


class ComplaintQuerySet(ScopedQuerySet):
    scope_field = "store"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: dt.datetime | None = None):
        """Past a deadline whose clock is running."""
        now = now or timezone.now()
        return self.filter(status__in=CLOCK_RUNNING).filter(
            Q(first_responded_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
        )


class Complaint(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="complaints")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    caller_name = models.CharField(_("caller name"), max_length=100, blank=True)
    caller_contact = models.CharField(
        _("caller contact"),
        max_length=100,
        blank=True,
        help_text=_("Phone, email or account of an unidentified caller."),
    )
    purchase = models.ForeignKey(
        Purchase, verbose_name=_("related purchase"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    description = models.TextField(_("description"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_owned",
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NEW, db_index=True)

    # SLA clock. Deadlines move later by the time spent waiting on the customer.
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"), db_index=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True, editable=False)
    paused_seconds = models.PositiveIntegerField(default=0, editable=False)
    # Elapsed SLA time (pauses excluded), kept for the analysis.
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    breach_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    sla_breached = models.BooleanField(_("deadline missed"), default=False)

    resolution_type = models.CharField(_("resolution"), max_length=15, choices=ResolutionType.choices, blank=True)
    resolution_amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True, help_text=_("Where money moves.")
    )
    resolution_note = models.TextField(_("resolution details"), blank=True)
    customer_agreed = models.BooleanField(_("customer agrees"), null=True, blank=True)
    customer_agreed_at = models.DateTimeField(_("agreement recorded"), null=True, blank=True)

    survey_requested_at = models.DateTimeField(_("survey requested"), null=True, blank=True)
    survey_task_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    survey_score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    survey_satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    survey_comment = models.TextField(_("customer's comment"), blank=True)
    survey_answered_at = models.DateTimeField(_("survey answered"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    source_task_id = models.PositiveBigIntegerField(
        _("follow-up task"), null=True, blank=True, help_text=_("The callback that found the problem.")
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["store", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["customer", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(survey_score__isnull=True) | Q(survey_score__gte=1, survey_score__lte=5),
                name="complaint_survey_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(resolution_amount__isnull=True) | Q(resolution_amount__gte=0),
                name="complaint_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def who(self) -> str:
        if self.customer_id:
            return self.customer.name
        return self.caller_name or self.caller_contact

    def sla_elapsed(self, now: dt.datetime) -> dt.timedelta:
        """Calendar time on the clock since intake, without the time spent waiting on the customer."""
        paused = dt.timedelta(seconds=self.paused_seconds)
        if self.paused_since is not None:
            paused += now - self.paused_since
        return now - self.received_at - paused

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.status not in CLOCK_RUNNING:
            return False
        return (self.first_responded_at is None and self.first_response_due < now) or self.resolution_due < now

    @property
    def survey_pending(self) -> bool:
        return self.status == Status.CLOSED and self.survey_answered_at is None


class EventKind(models.TextChoices):
    CREATED = "created", _("Logged")
    NOTE = "note", _("Note")
    EVIDENCE = "evidence", _("Evidence")
    ASSIGNED = "assigned", _("Assignment")
    STATUS = "status", _("Status change")
    CONTACT = "contact", _("Customer contact")
    RESOLUTION = "resolution", _("Resolution")
    AGREEMENT = "agreement", _("Customer's answer")
    RETURN = "return", _("Return or exchange")
    SURVEY = "survey", _("Satisfaction survey")
    ESCALATED = "escalated", _("Deadline missed")


class ComplaintEventQuerySet(ScopedQuerySet):
    scope_field = "complaint__store"


class ComplaintEvent(models.Model):
    """One entry of the complaint's timeline: who did what, when."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("text"), blank=True)
    from_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Status.choices, blank=True)

    objects = ComplaintEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename: str) -> str:
    # The stored name never comes from the user: only the content-checked extension does.
    return f"complaints/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class AttachmentQuerySet(ScopedQuerySet):
    scope_field = "complaint__store"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(ComplaintEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="files")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Breach(models.Model):
    """A deadline the complaint missed; one row per (complaint, round, level) so the
    escalation job, run any number of times, notifies once."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="breaches")
    round = models.PositiveSmallIntegerField(default=0, help_text="complaint.reopened_count when it happened")
    level = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "round", "level"], name="unique_breach_level"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} L{self.level}"


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")


class ProductReturnQuerySet(ScopedQuerySet):
    scope_field = "purchase__store"


class ProductReturn(models.Model):
    """Purchase lines brought back (return) or swapped (exchange). The refunded amount's
    points are reversed through the loyalty ledger and the cumulative spend reduced."""

    purchase = models.ForeignKey(Purchase, verbose_name=_("purchase"), on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, null=True, blank=True, related_name="returns"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReturnKind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    refund_amount = models.DecimalField(_("refunded"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    points_reversed = models.PositiveIntegerField(_("points reversed"), default=0)
    points_unrecovered = models.PositiveIntegerField(
        _("points not recovered"), default=0, help_text=_("Already spent by the customer; the balance stopped at zero.")
    )
    # The new item of an exchange.
    replacement_item = models.CharField(_("replacement item"), max_length=120, blank=True)
    replacement_size = models.CharField(_("size"), max_length=30, blank=True)
    replacement_colour = models.CharField(_("colour"), max_length=30, blank=True)
    replacement_quantity = models.PositiveIntegerField(_("quantity"), default=0)
    replacement_value = models.DecimalField(
        _("replacement value"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = ProductReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return or exchange")
        verbose_name_plural = _("returns and exchanges")
        constraints = [
            models.CheckConstraint(condition=Q(refund_amount__gte=0), name="return_refund_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.purchase}"


class ReturnLine(models.Model):
    product_return = models.ForeignKey(ProductReturn, on_delete=models.CASCADE, related_name="lines")
    purchase_line = models.ForeignKey(PurchaseLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.purchase_line.item} × {self.quantity}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user) if user.is_authenticated else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in the app for one staff member (escalations, reopened complaints)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    key = models.CharField(max_length=100, unique=True, help_text="Makes sending idempotent.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
