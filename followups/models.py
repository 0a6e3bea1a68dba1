"""Cadence rules, follow-up tasks, message templates and the SMS outbox."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.access import ScopedQuerySet, store_scope
from crm.models import Role, Store, account_team, staff_profile
from customers.models import ContactLog, ContactOutcome, Customer, Purchase, Tier


class Channel(models.TextChoices):
    CALL = "call", _("Call")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("Visit")


class MessageTemplate(models.Model):
    """An SMS text with placeholders; see ``followups.services.messages.PLACEHOLDERS``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.name


# A cadence step this many days or more after the purchase is the quarterly call: the one
# step a damped customer still gets (services.damping).
QUARTERLY_FROM_DAY = 90


class CadenceRule(models.Model):
    """One step of the plan every purchase of a ``tier`` customer gets."""

    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    day_offset = models.PositiveSmallIntegerField(_("day after purchase"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=100)
    script = models.TextField(_("call script"), blank=True)
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("message template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        help_text=_("For SMS steps."),
    )
    is_active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)

    class Meta:
        ordering = ["tier", "day_offset", "channel"]
        verbose_name = _("cadence rule")
        verbose_name_plural = _("cadence rules")
        constraints = [
            models.UniqueConstraint(fields=["tier", "day_offset", "channel"], name="unique_cadence_step"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} +{self.day_offset} {self.get_channel_display()} {self.purpose}"

    @property
    def is_quarterly(self) -> bool:
        """The steps a damped customer still gets (see services.damping)."""
        return self.day_offset >= QUARTERLY_FROM_DAY


class Holiday(models.Model):
    """Head office's own greeting dates, besides the built-in holidays."""

    name = models.CharField(_("name"), max_length=60)
    date = models.DateField(_("date"))
    body = models.TextField(_("message"))
    is_active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["date", "name"], name="unique_holiday")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class TaskKind(models.TextChoices):
    PLAN = "plan", _("Purchase plan")
    GREETING = "greeting", _("Greeting")
    ADHOC = "adhoc", _("Ad-hoc")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    SUPERSEDED = "superseded", _("Replaced by a newer purchase")


class FollowUpTaskQuerySet(ScopedQuerySet):
    # A task is the work of the store that owns it (where the purchase was made); an
    # account manager's tasks (business accounts) are theirs and their sales manager's.
    scope_field = "store"

    def visible_to(self, user):
        profile = staff_profile(user)
        if profile is not None and profile.role in (Role.ACCOUNT_MANAGER, Role.SALES_MANAGER):
            return self.filter(assignee_id__in=account_team(user))
        return self.filter(store_scope(user, self.scope_field))

    def pending(self):
        return self.filter(status=TaskStatus.PENDING)

    def due_on(self, day: dt.date):
        """Due that day or earlier and still to do."""
        return self.pending().filter(due_date__lte=day)

    def calls(self):
        return self.exclude(channel=Channel.SMS)


class FollowUpTask(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices)
    # Every sale writes tasks here and supersedes others: no index that another already
    # covers (customer, store and assignee lead the composite ones below), and the columns
    # that are mostly empty indexed only where set.
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_tasks",
        db_index=False,
    )
    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rule = models.ForeignKey(CadenceRule, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    greeting = models.CharField(_("greeting"), max_length=40, blank=True)
    key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=100)
    script = models.TextField(_("script"), blank=True)
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    overdue = models.BooleanField(_("overdue"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The points balance when the customer was reached: the damping rule compares it.
    points_at_contact = models.IntegerField(null=True, blank=True, editable=False)
    contact_log = models.OneToOneField(
        ContactLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="followup_task"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    superseded_by = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    # The clerk proposes, the manager sets (seed 003).
    proposed_due_date = models.DateField(_("proposed date"), null=True, blank=True)
    proposal_note = models.CharField(_("proposal"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["purchase", "rule"],
                condition=Q(purchase__isnull=False, rule__isnull=False),
                name="unique_followup_per_purchase_rule",
            ),
            models.UniqueConstraint(
                fields=["customer", "greeting", "due_date"],
                condition=~Q(greeting=""),
                name="unique_greeting_per_customer_day",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="followup_satisfaction_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "status", "due_date"]),
            models.Index(fields=["assignee", "status", "due_date"]),
            models.Index(fields=["customer", "status", "due_date"]),
            models.Index(fields=["completed_at"]),
            *(
                models.Index(fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"followups_task_{name}")
                for name in ("template", "completed_by", "superseded_by", "proposed_by")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_date} {self.get_channel_display()} {self.purpose}"

    @property
    def is_call(self) -> bool:
        return self.channel != Channel.SMS


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboundMessageQuerySet(ScopedQuerySet):
    scope_field = "store"


class OutboundMessage(models.Model):
    """The SMS outbox. Each row is sent at most once: senders claim it with a conditional update."""

    key = models.CharField(max_length=120, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(FollowUpTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    mobile = models.CharField(_("mobile"), max_length=20)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.mobile} {self.get_status_display()}"


class InboundMessage(models.Model):
    """A reply from a customer, from the gateway's callback or typed in by hand."""

    mobile = models.CharField(_("mobile"), max_length=20)
    body = models.CharField(_("text"), max_length=500)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_opt_out = models.BooleanField(_("opt-out"), default=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")

    def __str__(self) -> str:
        return f"{self.mobile}: {self.body[:20]}"


class CustomerCadence(models.Model):
    """Per-customer cadence state: set when callbacks stop bringing points growth."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="cadence")
    quarterly_since = models.DateField(_("quarterly cadence since"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer cadence")
        verbose_name_plural = _("customer cadences")

    def __str__(self) -> str:
        return f"{self.customer}: {self.quarterly_since or '-'}"
