"""A business account (经销商): the dealer's customer file plus its stage in the
development pipeline, its class and its account manager (seed 004 客户分类)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.models import account_team
from customers.models import Customer


class Status(models.TextChoices):
    """Seed 004: potential → intent → existing → ended (the customer's development stage)."""

    POTENTIAL = "potential", pgettext_lazy("dealer", "Potential")
    INTENT = "intent", pgettext_lazy("dealer", "Intent")
    EXISTING = "existing", pgettext_lazy("dealer", "Existing")
    ENDED = "ended", pgettext_lazy("dealer", "Ended")


class Grade(models.TextChoices):
    """The class inside a status: intent accounts can sign soon or need time; existing
    accounts are key, qualified or unqualified. Potential and ended accounts have none."""

    NONE = "", _("No class")
    SOON = "soon", _("Can sign soon")
    NEEDS_TIME = "needs_time", _("Needs time")
    KEY = "key", _("Key account")
    QUALIFIED = "qualified", _("Qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


GRADES_BY_STATUS = {
    Status.POTENTIAL: (Grade.NONE,),
    Status.INTENT: (Grade.SOON, Grade.NEEDS_TIME),
    Status.EXISTING: (Grade.KEY, Grade.QUALIFIED, Grade.UNQUALIFIED),
    Status.ENDED: (Grade.NONE,),
}

# The moves the pipeline allows; a move inside one status only changes the grade.
TRANSITIONS = {
    Status.POTENTIAL: (Status.INTENT,),
    Status.INTENT: (Status.POTENTIAL, Status.EXISTING),
    Status.EXISTING: (Status.ENDED,),
    Status.ENDED: (Status.INTENT,),
}
PIPELINE = (Status.POTENTIAL, Status.INTENT, Status.EXISTING)


class ValueClass(models.TextChoices):
    """Seed 002: by the yearly purchases, Pareto as in the reports."""

    IMPORTANT = "important", pgettext_lazy("dealer", "Important")
    MAJOR = "major", pgettext_lazy("dealer", "Major")
    ORDINARY = "ordinary", pgettext_lazy("dealer", "Ordinary")
    SMALL = "small", pgettext_lazy("dealer", "Small")


class LeadSource(models.TextChoices):
    """Seed 000 客户开发渠道."""

    TRADE_FAIR = "trade_fair", _("Trade fair")
    TASTING = "tasting", _("Tasting event")
    DISTRIBUTOR = "distributor", _("Distributor referral")
    STORE_VISIT = "store_visit", _("Store visit")
    WEBSITE = "website", _("Website")
    SOCIAL = "social", _("Social media")
    ECOMMERCE = "ecommerce", _("E-commerce")
    EMAIL = "email", _("Email campaign")
    OTHER = "other", _("Other")


class EndReason(models.TextChoices):
    BELOW_STANDARD = "below_standard", _("Below the company's standard")
    PAYMENTS = "payments", _("Payment problems")
    DEALER_LEFT = "dealer_left", _("The dealer stopped")
    OTHER = "other", _("Other reason")


class DealerAccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DealerAccountQuerySet":
        """Head office: all; a sales manager: their team's; an account manager: their own;
        anyone else (store staff, supervisors): nothing."""
        team = account_team(user)
        if team is None:
            return self.all()
        return self.filter(account_manager_id__in=team)


class DealerAccount(models.Model):
    customer = models.OneToOneField(
        Customer, verbose_name=_("customer file"), on_delete=models.PROTECT, related_name="dealer_account"
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="dealer_accounts",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.POTENTIAL)
    grade = models.CharField(_("class"), max_length=12, choices=Grade.choices, blank=True)
    status_since = models.DateTimeField(_("in this status since"))
    end_reason = models.CharField(_("reason for ending"), max_length=20, choices=EndReason.choices, blank=True)
    value_class = models.CharField(_("value class"), max_length=10, choices=ValueClass.choices, blank=True)
    yearly_purchases = models.DecimalField(
        _("purchases in the last year"), max_digits=16, decimal_places=2, default=0, editable=False
    )
    lead_source = models.CharField(_("lead source"), max_length=20, choices=LeadSource.choices, blank=True)
    product_categories = models.CharField(_("product categories"), max_length=200, blank=True)
    main_direction = models.CharField(_("main direction"), max_length=200, blank=True)
    city_outlets = models.PositiveIntegerField(_("outlets in cities"), default=0)
    county_outlets = models.PositiveIntegerField(_("outlets in counties"), default=0)
    town_outlets = models.PositiveIntegerField(_("outlets in towns"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DealerAccountQuerySet.as_manager()

    class Meta:
        ordering = ["customer__company", "pk"]
        verbose_name = _("business account")
        verbose_name_plural = _("business accounts")
        indexes = [models.Index(fields=["account_manager", "status"]), models.Index(fields=["status", "grade"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.customer.company or self.customer.name

    def spread(self) -> list[tuple[str, int, float]]:
        """(level, outlets, share) for city, county and town (seed 004 网点分布)."""
        counts = [
            (_("City"), self.city_outlets),
            (_("County"), self.county_outlets),
            (_("Town"), self.town_outlets),
        ]
        total = sum(count for _label, count in counts)
        return [(label, count, count / total if total else 0.0) for label, count in counts]


class ChangeKind(models.TextChoices):
    STATUS = "status", _("Status and class")
    VALUE_CLASS = "value_class", _("Value class")
    MANAGER = "manager", _("Account manager")


class AccountChange(models.Model):
    """Every change of status, class, value class or account manager: who, when, why."""

    account = models.ForeignKey(DealerAccount, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("what changed"), max_length=12, choices=ChangeKind.choices)
    old_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    old_grade = models.CharField(max_length=12, choices=Grade.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=10, choices=Status.choices, blank=True)
    new_grade = models.CharField(max_length=12, choices=Grade.choices, blank=True)
    old_value = models.CharField(max_length=40, blank=True)
    new_value = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        indexes = [models.Index(fields=["account", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind}"

    def _label(self, status: str, grade: str, value: str) -> str:
        if self.kind == ChangeKind.STATUS:
            return " · ".join(
                str(label)
                for label in (Status(status).label if status else "", Grade(grade).label if grade else "")
                if label
            )
        if self.kind == ChangeKind.VALUE_CLASS:
            return ValueClass(value).label if value else "—"
        return value

    @property
    def old_label(self) -> str:
        return self._label(self.old_status, self.old_grade, self.old_value) or "—"

    @property
    def new_label(self) -> str:
        return self._label(self.new_status, self.new_grade, self.new_value) or "—"


class AccountRowQuerySet(models.QuerySet):
    """Rows of one account's file: visible when the account is."""

    def visible_to(self, user):
        team = account_team(user)
        if team is None:
            return self.all()
        return self.filter(account__account_manager_id__in=team)


class AccountRow(models.Model):
    """Base of every row of an account's file: the account, who wrote it, when."""

    account = models.ForeignKey(
        DealerAccount, on_delete=models.CASCADE, related_name="%(class)s_set", related_query_name="%(class)s"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = AccountRowQuerySet.as_manager()

    class Meta:
        abstract = True
