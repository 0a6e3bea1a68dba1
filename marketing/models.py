"""Segments of the customer file and SMS campaigns that head office approves.

A campaign freezes its audience when it is approved: every customer of the segment who may
get marketing SMS at that moment becomes a ``Recipient``, in the target group or, chosen
reproducibly from the campaign's seed, in the control (holdout) group that is never sent
anything. Comparing the two groups afterwards says whether the campaign brought customers
back (``marketing.results``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.access import ScopedQuerySet
from crm.models import Store
from customers.models import Customer


class Segment(models.Model):
    """A saved, named filter over the customer file (``marketing.segments`` reads it).

    ``store`` empty: a chain-wide segment (head office only); a store manager's segments
    always belong to their store and cover its customers only."""

    name = models.CharField(_("name"), max_length=100)
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    CHANGES = "changes", _("Sent back for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.CHANGES)


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=100)
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="campaigns")
    body = models.TextField(_("message"))
    send_at = models.DateTimeField(_("send at"))
    priority_days = models.PositiveSmallIntegerField(
        _("gold and silver members first (days)"),
        default=0,
        help_text=_("Gold and silver members get the message this many days before everyone else."),
    )
    holdout_percent = models.PositiveSmallIntegerField(_("control group (%)"), default=10)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    seed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-send_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(holdout_percent__lte=50), name="campaign_holdout_at_most_half"),
            models.CheckConstraint(condition=Q(priority_days__lte=30), name="campaign_priority_at_most_30_days"),
        ]
        indexes = [models.Index(fields=["status", "send_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("marketing:campaign", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class CampaignAction(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back for changes")
    CANCELLED = "cancelled", _("Cancelled")


class CampaignEvent(models.Model):
    """Every step of a campaign's approval, with who and when."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=CampaignAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.action}"


class Group(models.TextChoices):
    TARGET = "target", _("Recipients")
    CONTROL = "control", _("Control group")


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the send time")
    QUEUED = "queued", _("Handed to the outbox")
    HELD_OUT = "held_out", _("Control group: not sent")
    NO_CONSENT = "no_consent", _("Skipped: no marketing consent")
    OPTED_OUT = "opted_out", _("Skipped: opted out")
    INVALID = "invalid", _("Skipped: no valid mobile number")
    CAP = "cap", _("Skipped: monthly message limit reached")
    OVERLAP = "overlap", _("Skipped: another campaign's message the same day")
    CANCELLED = "cancelled", _("Cancelled with the campaign")


class Recipient(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(_("group"), max_length=8, choices=Group.choices)
    # Gold and silver first: their send time may be earlier than everyone else's.
    send_after = models.DateTimeField(_("send after"))
    status = models.CharField(_("status"), max_length=10, choices=RecipientStatus.choices)
    queued_at = models.DateTimeField(null=True, blank=True)
    message_key = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="one_recipient_per_campaign")]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            # The 30-day cap and same-day overlap look up a customer's recent messages.
            models.Index(fields=["customer", "queued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id} {self.status}"
