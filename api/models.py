"""API keys for the chain's POS, webhook endpoints and their deliveries, POS export imports."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.access import ScopedQuerySet
from crm.models import Store


class ApiKeyQuerySet(ScopedQuerySet):
    scope_field = "store"

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key a POS (a store, or one terminal of it) sends as ``Authorization: Bearer …``.

    Only the prefix and a SHA-256 of the whole key are kept: the key itself is shown once,
    when it is made. Keys are 40 random bytes, so a fast hash is as good as a slow one.
    """

    name = models.CharField(_("name"), max_length=80, help_text=_("For example “S001 till 2”."))
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"), null=True, blank=True, help_text=_("Empty: the chain's default.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The per-key rate limit: requests counted in the current one-minute window. Kept
    # in the database so every gunicorn worker and host counts the same requests.
    window_start = models.DateTimeField(null=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["store__code", "name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    CARD_APPROVED = "card.approved", _("Card approved")
    TIER_CHANGED = "tier.changed", _("Tier changed")
    POINTS_CHANGED = "points.changed", _("Points changed")
    CUSTOMER_ERASED = "customer.erased", _("Customer erased")


class WebhookEndpoint(models.Model):
    """An HTTPS address head office registered for some events, with its signing secret."""

    url = models.URLField(_("address"), max_length=300)
    description = models.CharField(_("description"), max_length=100, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        from customers import crypto

        return crypto.decrypt(self.secret_encrypted)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Gave up")


class WebhookDelivery(models.Model):
    """One event for one endpoint. Written in the transaction of the change it reports,
    sent after the commit; ``event_id`` is the same for every endpoint and every retry."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="unique_delivery_per_endpoint"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"


class PosImportQuerySet(ScopedQuerySet):
    scope_field = "store"


class PosImport(models.Model):
    """One upload of a store's daily POS export (代码 · 顾客代码 · 商店 · 关联制成单 · …)."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for confirmation")
        REFUSED = "refused", _("File refused")
        DONE = "done", _("Imported")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    sales_day = models.DateField(_("day of the sales"))
    original_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(upload_to="pos-imports/", max_length=300)
    report = models.FileField(upload_to="pos-imports/", max_length=300, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    message = models.TextField(_("message"), blank=True)
    # The file's header row, kept to lay the report out like the file.
    headers = models.JSONField(default=list, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rejected rows"), default=0)
    receipts = models.PositiveIntegerField(_("receipts"), default=0)
    recorded = models.PositiveIntegerField(_("sales recorded"), default=0)
    already_recorded = models.PositiveIntegerField(_("sales already in Kedang"), default=0)
    anonymous = models.PositiveIntegerField(_("anonymous sales"), default=0)
    # Rows as checked: {"row", "reason", "raw", ...}; and the points the POS states that
    # differ from Kedang's balance after the import.
    checked_rows = models.JSONField(default=list, blank=True)
    differences = models.JSONField(default=list, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = PosImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("POS export import")
        verbose_name_plural = _("POS export imports")

    def __str__(self) -> str:
        return f"{self.store.code} {self.original_name}"
