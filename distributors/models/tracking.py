"""Tracking an account (seed 004 客户跟踪与维护): communications, the progress sheet,
monthly payments, pick-ups, shipments and the dealer's stock."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from distributors.models.accounts import AccountRow

POSITIVE = [MinValueValidator(Decimal("0.01"))]


class CommunicationChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    VISIT = "visit", _("Visit")


class Communication(AccountRow):
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=10, choices=CommunicationChannel.choices)
    points = models.TextField(_("important points"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        indexes = [models.Index(fields=["account", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.get_channel_display()}"


class ProgressEntry(AccountRow):
    """A line of the progress sheet (客户推进表): what was done, the result, what next."""

    on = models.DateField(_("date"))
    action = models.CharField(_("what was done"), max_length=200)
    result = models.CharField(_("result"), max_length=200, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_on = models.DateField(_("next step by"), null=True, blank=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress sheet")

    def __str__(self) -> str:
        return f"{self.on} {self.action}"


class PaymentPlan(AccountRow):
    """The amount the dealer should pay for one month, due on ``due_on``."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(_("planned amount"), max_digits=14, decimal_places=2, validators=POSITIVE)
    due_on = models.DateField(_("due"))

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        constraints = [models.UniqueConstraint(fields=["account", "month"], name="one_payment_plan_per_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.amount}"


class Payment(AccountRow):
    """Money received (回款); it settles the oldest planned amounts first."""

    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=POSITIVE)
    reference = models.CharField(_("reference"), max_length=60, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        indexes = [models.Index(fields=["account", "received_on"])]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"


class PickUpPolicyQuerySet(models.QuerySet):
    def in_force(self, day) -> "PickUpPolicy | None":
        """The latest policy valid on ``day``."""
        valid = self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )
        return valid.order_by("-valid_from", "-pk").first()


class PickUpPolicy(models.Model):
    """Head office's pick-up policy (提货政策) in force between two dates (Django admin)."""

    name = models.CharField(_("name"), max_length=100)
    terms = models.TextField(_("terms"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = PickUpPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("pick-up policy")
        verbose_name_plural = _("pick-up policies")

    def __str__(self) -> str:
        return self.name


class PickUp(AccountRow):
    """Goods the dealer took (提货): the dealer's purchases, which give the value class."""

    on = models.DateField(_("date"))
    product_line = models.CharField(_("product line"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=POSITIVE)
    policy = models.ForeignKey(
        PickUpPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("pick-up")
        verbose_name_plural = _("pick-ups")
        indexes = [models.Index(fields=["on"]), models.Index(fields=["account", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.product_line} ×{self.quantity}"


class Shipment(AccountRow):
    dispatched_on = models.DateField(_("dispatched"))
    carrier = models.CharField(_("carrier"), max_length=100)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    pick_up = models.ForeignKey(
        PickUp, verbose_name=_("pick-up"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    arrived_on = models.DateField(_("arrived"), null=True, blank=True)

    class Meta:
        ordering = ["-dispatched_on", "-pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [models.Index(fields=["dispatched_on"])]

    def __str__(self) -> str:
        return f"{self.dispatched_on} {self.carrier} {self.tracking_number}"

    def clean(self):
        if self.arrived_on and self.dispatched_on and self.arrived_on < self.dispatched_on:
            raise ValidationError({"arrived_on": _("It cannot arrive before it was dispatched.")})


class StockReport(AccountRow):
    """The dealer's stock of one product line on a date, and what sold since the last report."""

    on = models.DateField(_("date"))
    product_line = models.CharField(_("product line"), max_length=100)
    on_hand = models.PositiveIntegerField(_("in stock"))
    sold = models.PositiveIntegerField(_("sold since the last report"), default=0)

    class Meta:
        ordering = ["-on", "product_line", "-pk"]
        verbose_name = _("stock report")
        verbose_name_plural = _("stock reports")
        constraints = [
            models.UniqueConstraint(fields=["account", "product_line", "on"], name="one_stock_report_per_line_day")
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.product_line} {self.on_hand}"

    @property
    def sell_through(self) -> float | None:
        """Sold / (sold + still in stock): the share of the goods available that sold."""
        available = self.sold + self.on_hand
        return self.sold / available if available else None
