"""Personal-data records of the customer file: codes that let another store serve a
customer, the consent history and the privacy notice it refers to."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Store


class ServeCode(models.Model):
    """A 6-digit code sent by SMS to a customer of another store, so that this store's
    clerk may serve them. Only the code's hash is kept."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["clerk", "created_at"]),
            models.Index(fields=["customer", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"code for customer {self.customer_id} at {self.store_id}"


class PrivacyNotice(models.Model):
    """The text a customer agrees to (in Chinese, as printed at the till). A new version is
    a new row; consent records point at the version the customer was shown."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    @classmethod
    def current(cls) -> "PrivacyNotice":
        """The notice in force; the first version is created when none exists yet."""
        notice = cls.objects.filter(published_at__lte=timezone.now()).order_by("-published_at", "-id").first()
        if notice is None:
            from customers.privacy import notice as first

            notice, _created = cls.objects.get_or_create(
                version=first.FIRST_VERSION,
                defaults={"title": first.FIRST_TITLE, "body": first.FIRST_BODY, "published_at": timezone.now()},
            )
        return notice


class ConsentKind(models.TextChoices):
    DATA = "data", _("Keeping the customer's data")
    MARKETING = "marketing", _("Marketing messages")
    SMS = "sms", _("SMS (opt-out / opt-in)")


class ConsentMethod(models.TextChoices):
    CAPTURE = "capture", _("At capture, at the till")
    TILL = "till", _("Confirmed at the till")
    FORM = "form", _("Customer form")
    TD_REPLY = "td_reply", _("TD reply to an SMS")
    IMPORT = "import", _("Store spreadsheet import")
    CUSTOMER_REQUEST = "customer_request", _("Customer's request")


# A consent (not a withdrawal) is recorded only from the customer in person or asking.
EXPLICIT_METHODS = (ConsentMethod.CAPTURE, ConsentMethod.TILL, ConsentMethod.FORM, ConsentMethod.CUSTOMER_REQUEST)


class ConsentRecord(models.Model):
    """One consent given or withdrawn: when, who recorded it, how, and the notice shown."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=10, choices=ConsentKind.choices)
    granted = models.BooleanField(_("given"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.SET_NULL, null=True, related_name="+")
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    notice = models.ForeignKey(
        PrivacyNotice, verbose_name=_("notice"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent history")
        indexes = [models.Index(fields=["customer", "at"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.granted}"


class RightsKind(models.TextChoices):
    EXPORT = "export", _("Export of all their data")
    ERASE = "erase", _("Erasure")


class RightsStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for head office")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RightsRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        from customers.models import Customer

        return self.filter(customer__in=Customer.objects.visible_to(user))


class RightsRequest(models.Model):
    """A customer's request to get a copy of their data or to be erased: the home store's
    manager asks, head office decides (head office's own requests are approved at once)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="rights_requests")
    kind = models.CharField(_("request"), max_length=10, choices=RightsKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=RightsStatus.choices, default=RightsStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("customer's request")
        verbose_name_plural = _("customers' requests")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind"], condition=models.Q(status="pending"), name="one_pending_request_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.status}"


class RetentionSetting(models.Model):
    """Head office's choice: whether customers past the retention period are erased by the
    daily job, or only listed for review (the default)."""

    auto_erase = models.BooleanField(_("erase customers past the retention period automatically"), default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("retention setting")

    def __str__(self) -> str:
        return f"auto_erase={self.auto_erase}"

    @classmethod
    def current(cls) -> "RetentionSetting":
        return cls.objects.order_by("pk").first() or cls(auto_erase=False)
