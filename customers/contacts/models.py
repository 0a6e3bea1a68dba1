"""The contact log: every call, message and visit with a customer, and its outcome."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.access import ScopedQuerySet
from crm.models import Store


class ContactChannel(models.TextChoices):
    CALL = "call", _("Call")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("Visit")
    WECHAT = "wechat", _("WeChat")
    IN_STORE = "in_store", _("In store")


class ContactOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Reached, satisfied")
    PROBLEM = "problem", _("Reached, has a problem")
    NOT_REACHED = "not_reached", _("Not reached")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    CALL_BACK = "call_back", _("Call back another time")
    SENT = "sent", _("Message sent")
    NOTE = "note", _("Note")


class ChurnReason(models.TextChoices):
    """Why a customer stopped buying (seed 003)."""

    MOVED = "moved", _("Moved away")
    SERVICE = "service", _("Service")
    MERCHANDISE = "merchandise", _("Merchandise")
    COMPETITOR = "competitor", _("Competitor")
    AFTER_SALES = "after_sales", _("After-sales")
    NO_CALLBACK = "no_callback", _("No callback")
    STAFF_TURNOVER = "staff_turnover", _("Staff turnover")
    OTHER = "other", _("Other")


class ContactLogQuerySet(ScopedQuerySet):
    scope_field = "store"


class ContactLog(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="contacts")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    churn_reason = models.CharField(_("churn reason"), max_length=20, choices=ChurnReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="contact_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.get_channel_display()} {self.get_outcome_display()}"
