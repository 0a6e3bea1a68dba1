"""The dealer file (seed 004 客户信息收集 §1–4): people, brands, outlets, logistics."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from distributors.models.accounts import AccountRow

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class PersonRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    FAMILY = "family", _("Family member")
    TEAM = "team", _("Team member")


class DealerPerson(AccountRow):
    role = models.CharField(_("role"), max_length=10, choices=PersonRole.choices)
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position or relation"), max_length=60, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True, validators=[MaxValueValidator(120)])
    personality = models.CharField(_("personality"), max_length=200, blank=True)
    hobbies = models.CharField(_("hobbies"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class BrandShare(AccountRow):
    brand = models.CharField(_("brand"), max_length=100)
    share = models.DecimalField(_("share of the business (%)"), max_digits=5, decimal_places=1, validators=PERCENT)
    ours = models.BooleanField(_("our brand"), default=False)

    class Meta:
        ordering = ["-share", "pk"]
        verbose_name = _("brand carried")
        verbose_name_plural = _("brands carried")

    def __str__(self) -> str:
        return f"{self.brand} {self.share}%"


class OutletKind(models.TextChoices):
    DIRECT = "direct", _("Brand store, run directly")
    FRANCHISE = "franchise", _("Brand store, franchised")
    COUNTER = "counter", _("Counter")


class OutletGroup(AccountRow):
    """Brand stores of one brand and kind, or the dealer's counters: how many, their
    yearly revenue and (for counters) what sells there."""

    kind = models.CharField(_("kind"), max_length=10, choices=OutletKind.choices)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("number"))
    yearly_revenue = models.DecimalField(_("yearly revenue"), max_digits=16, decimal_places=2, null=True, blank=True)
    best_sellers = models.CharField(_("what sells"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "brand", "pk"]
        verbose_name = _("outlets")
        verbose_name_plural = _("outlets")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.brand} ×{self.count}"


class LogisticsPartner(AccountRow):
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    price = models.CharField(_("price"), max_length=100, blank=True, help_text=_("For example 0.8 CNY/kg"))
    turnaround_days = models.PositiveSmallIntegerField(
        _("turnaround (days)"), null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    reputation = models.PositiveSmallIntegerField(
        _("reputation (1-5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("logistics partner")
        verbose_name_plural = _("logistics partners")

    def __str__(self) -> str:
        return self.name
