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


class NoticeKind(models.TextChoices):
    """What a campaign announces; the first two are rows of the benefits matrix."""

    NEW_ARRIVALS = "new_arrivals", _("New arrivals")
    PROMOTIONS = "promotions", _("Promotion")
    OTHER = "", _("Other message")


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=100)
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="campaigns")
    body = models.TextField(_("message"))
    send_at = models.DateTimeField(_("send at"))
    notice = models.CharField(
        _("kind of message"),
        max_length=20,
        choices=NoticeKind.choices,
        default=NoticeKind.OTHER,
        blank=True,
        help_text=_("A new-arrival or promotion notice goes first to the tiers the benefits matrix gives it to."),
    )
    priority_days = models.PositiveSmallIntegerField(
        _("priority members first (days)"),
        default=0,
        help_text=_(
            "The priority tiers get the message this many days before everyone else: gold and silver, or for a "
            "new-arrival or promotion notice the tiers the benefits matrix gives it to."
        ),
    )
    holdout_percent = models.PositiveSmallIntegerField(_("control group (%)"), default=10)
    voucher_type = models.ForeignKey(
        "loyalty.VoucherType",
        verbose_name=_("voucher with the message"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Each customer the message goes to gets one; {voucher} in the text is its code."),
    )
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


# --- member events ----------------------------------------------------------------------


class EventKind(models.TextChoices):
    CLUB = "club", _("Club activity")
    MEMBER_DAY = "member_day", _("Member day")
    TASTING = "tasting", _("New-product tasting")
    TALK = "talk", _("Decoration talk")


class MemberEvent(models.Model):
    """A club activity, member day, tasting or talk that customers are invited to."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    capacity = models.PositiveIntegerField(_("places"))
    segment = models.ForeignKey(
        Segment, verbose_name=_("invite the segment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tiers = models.JSONField(_("or invite these tiers"), default=list, blank=True)
    invite_by_sms = models.BooleanField(_("invite by SMS"), default=True)
    invite_by_call = models.BooleanField(_("invite by call (clerks' worklists)"), default=False)
    message = models.TextField(_("invitation text"), blank=True)
    attribution_days = models.PositiveSmallIntegerField(_("purchases counted for (days)"), default=14)
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("member event")
        verbose_name_plural = _("member events")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("marketing:event", args=[self.pk])


class Rsvp(models.TextChoices):
    INVITED = "invited", _("Invited, no answer yet")
    YES = "yes", _("Coming")
    WAITLIST = "waitlist", _("On the waiting list")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("Not coming")


class Invitation(models.Model):
    event = models.ForeignKey(MemberEvent, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+")
    rsvp = models.CharField(_("answer"), max_length=10, choices=Rsvp.choices, default=Rsvp.INVITED)
    party_size = models.PositiveSmallIntegerField(_("people"), default=1)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    checked_in_at = models.DateTimeField(_("came"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "customer"], name="one_invitation_per_event"),
            models.CheckConstraint(condition=Q(party_size__gte=1, party_size__lte=20), name="invitation_party_1_to_20"),
        ]
        indexes = [models.Index(fields=["event", "rsvp", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.customer_id} {self.rsvp}"
