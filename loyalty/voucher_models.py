"""Vouchers: a code worth an amount, a percentage (with a cap) or a gift, with a minimum
spend, a validity and the stores that accept it. Redeemed once, at the till or through the
API; a return of the sale gives it back while it is still valid (``loyalty.vouchers``)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Store, staff_profile
from customers.models import Customer, Purchase
from loyalty.models import BenefitKind, CustomerOwnedQuerySet


class VoucherKind(models.TextChoices):
    AMOUNT = "amount", _("Amount off")
    PERCENT = "percent", _("Percent off")
    GIFT = "gift", _("Gift")


class VoucherRule(models.TextChoices):
    """Benefits-matrix rows that issue this voucher type by themselves."""

    NONE = "", _("Issued by hand or by a campaign")
    BIRTHDAY = BenefitKind.BIRTHDAY_VOUCHER.value, _("Birthday voucher, in the birthday month")
    ANNIVERSARY = BenefitKind.ANNIVERSARY_GIFT.value, _("Wedding-anniversary gift, in the anniversary month")


class VoucherTypeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Voucher types are the chain's configuration: head office's to edit."""
        profile = staff_profile(user)
        return self.all() if profile is not None and profile.is_head_office else self.none()


class VoucherType(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=VoucherKind.choices)
    amount = models.DecimalField(_("amount off"), max_digits=10, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("percent off"), max_digits=5, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("at most"), max_digits=10, decimal_places=2, null=True, blank=True)
    gift = models.CharField(_("gift"), max_length=100, blank=True)
    min_spend = models.DecimalField(_("minimum spend"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    valid_days = models.PositiveSmallIntegerField(_("valid for (days)"), default=30)
    stores = models.ManyToManyField(
        Store, verbose_name=_("stores"), blank=True, related_name="+", help_text=_("None: every store.")
    )
    rule = models.CharField(_("issued automatically"), max_length=20, choices=VoucherRule.choices, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = VoucherTypeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("voucher type")
        verbose_name_plural = _("voucher types")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="amount", amount__gt=0)
                    | Q(kind="percent", percent__gt=0, percent__lte=100)
                    | (Q(kind="gift") & ~Q(gift=""))
                ),
                name="voucher_type_has_its_value",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VoucherSource(models.TextChoices):
    RULE = "rule", _("Benefit rule")
    CAMPAIGN = "campaign", _("Campaign")
    MANUAL = "manual", _("By hand")


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Valid")
    REDEEMED = "redeemed", _("Redeemed")
    VOID = "void", _("Cancelled")


class Voucher(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    type = models.ForeignKey(
        VoucherType, verbose_name=_("voucher type"), on_delete=models.PROTECT, related_name="vouchers"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="vouchers"
    )
    # The customer's home store when issued: the store whose figures it counts in.
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=VoucherSource.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Idempotent issuance: "birthday:<type>:<customer>:<year>", "campaign:<id>:<customer>", ...
    issue_key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED)
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    purchase = models.ForeignKey(
        Purchase, verbose_name=_("sale"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    discount = models.DecimalField(_("discount given"), max_digits=10, decimal_places=2, default=Decimal("0.00"))

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["valid_until", "id"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        indexes = [
            models.Index(fields=["customer", "status", "valid_until"]),
            models.Index(fields=["store", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="voucher_valid_range")
        ]

    def __str__(self) -> str:
        return self.code
