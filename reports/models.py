"""Summary tables behind the dashboards and analyses.

Every row here is written only by ``reports.summary`` (the daily job ``reports.summarise``)
and can be rebuilt from the source tables at any time. Dashboards read these tables and
never scan purchases or follow-up tasks per request.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import Store
from customers.models import Customer, Tier

ZERO = Decimal("0.00")


class ClerkDay(models.Model):
    """One clerk's figures in one store on one store-local day.

    Purchases count on the day they were made, new customers on the day they were
    captured, callbacks on the day they were due; and a callback done after its due day
    counts a second time, in ``calls_caught_up``, on the day it was done (so the week the
    clerk did the work shows it). ``clerk_key`` is the clerk's user id,
    or 0 for work nobody is assigned to (a unique key cannot hold NULL portably)."""

    day = models.DateField(_("day"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    clerk_key = models.PositiveIntegerField()

    purchases = models.PositiveIntegerField(_("purchases"), default=0)
    identified = models.PositiveIntegerField(_("identified purchases"), default=0)
    sales = models.DecimalField(_("sales"), max_digits=16, decimal_places=2, default=ZERO)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    new_opted_in = models.PositiveIntegerField(_("new customers accepting messages"), default=0)
    calls_due = models.PositiveIntegerField(_("callbacks due"), default=0)
    calls_on_time = models.PositiveIntegerField(_("done on time"), default=0)
    calls_late = models.PositiveIntegerField(_("done late"), default=0)
    calls_missed = models.PositiveIntegerField(_("missed"), default=0)
    calls_open = models.PositiveIntegerField(_("not yet due"), default=0)
    calls_caught_up = models.PositiveIntegerField(_("late callbacks done this day"), default=0)

    class Meta:
        verbose_name = _("daily figures per clerk")
        verbose_name_plural = _("daily figures per clerk")
        constraints = [models.UniqueConstraint(fields=["day", "store", "clerk_key"], name="reports_one_clerk_day")]
        indexes = [models.Index(fields=["store", "day"]), models.Index(fields=["clerk_key", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.store_id}/{self.clerk_key}"


class ChurnReasonDay(models.Model):
    """Churn reasons recorded on contacts, counted per store and store-local day."""

    day = models.DateField(_("day"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("churn reason"), max_length=20)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "store", "reason"], name="reports_one_reason_day")]
        indexes = [models.Index(fields=["store", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.store_id} {self.reason}"


class StoreTierDay(models.Model):
    """How many customers of a store held each tier when the job ran for ``day``."""

    day = models.DateField(_("day"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    customers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "store", "tier"], name="reports_one_tier_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.store_id} {self.tier}: {self.customers}"


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half year")
    YEAR = "year", _("Year")


class Period(models.Model):
    """A calendar quarter, half year or year the job keeps per-customer facts for."""

    key = models.CharField(max_length=10, unique=True)  # 2025Q1, 2025H2, 2025
    kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    start = models.DateField()
    end = models.DateField()  # inclusive
    through = models.DateField(null=True, help_text="Purchases up to this day are counted.")
    computed_at = models.DateTimeField(null=True)
    # True while every change to the facts' sources since the last computation is in
    # FactSourceChange, so the next one may recompute only the customers named there.
    tracked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-start", "kind"]

    def __str__(self) -> str:
        return self.key


class AbcClass(models.TextChoices):
    """Pareto by spend (seed 002): top 20% important, next 30% major, next 30% ordinary,
    bottom 20% small."""

    IMPORTANT = "important", _("Important")
    MAJOR = "major", _("Major")
    ORDINARY = "ordinary", _("Ordinary")
    SMALL = "small", _("Small")


class Segment(models.TextChoices):
    """RFM segments on the usual recency x frequency grid."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal customers")
    POTENTIAL = "potential", _("Potential loyalists")
    NEW = "new", _("New customers")
    PROMISING = "promising", _("Promising")
    NEED_ATTENTION = "need_attention", _("Need attention")
    ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
    AT_RISK = "at_risk", _("At risk")
    CANT_LOSE = "cant_lose", _("Can't lose them")
    HIBERNATING = "hibernating", _("Hibernating")


class CustomerPeriod(models.Model):
    """What one customer did in one period (only customers who bought in it), with their
    spend class and RFM scores ranked among the customers of their home store."""

    # The job rewrites rows here every day: no index another already serves. Period leads
    # the unique one; a store with purchases cannot be deleted (their PROTECT), so the
    # cascade of a store never meets facts, and it may scan for them.
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    purchases = models.PositiveIntegerField(_("purchases"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    first_at = models.DateTimeField(_("first purchase"))
    last_at = models.DateTimeField(_("last purchase"))
    abc = models.CharField(_("spend class"), max_length=10, choices=AbcClass.choices)
    r = models.PositiveSmallIntegerField("R")
    f = models.PositiveSmallIntegerField("F")
    m = models.PositiveSmallIntegerField("M")
    segment = models.CharField(_("segment"), max_length=16, choices=Segment.choices)
    rated = models.PositiveIntegerField(default=0)  # contacts with a satisfaction score
    rating_sum = models.PositiveIntegerField(default=0)
    surveys = models.PositiveIntegerField(default=0)  # complaint surveys answered with a score
    survey_sum = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(_("customers referred"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "customer"], name="reports_one_customer_period")]
        indexes = [
            models.Index(fields=["period", "store", "-amount"]),
            models.Index(fields=["period", "-amount"]),
            # The chain's customers of one class or segment, biggest first.
            models.Index(fields=["period", "abc", "-amount"]),
            models.Index(fields=["period", "segment", "-amount"]),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.customer_id}"

    @property
    def callback_satisfaction(self):
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def survey_satisfaction(self):
        return round(self.survey_sum / self.surveys, 2) if self.surveys else None


class StorePeriod(models.Model):
    """One store's totals for a period, summed from ``CustomerPeriod`` and the customers
    captured in the period."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customers = models.PositiveIntegerField(default=0)  # bought at least once
    repeat_customers = models.PositiveIntegerField(default=0)  # bought at least twice
    purchases = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    rated = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    surveys = models.PositiveIntegerField(default=0)
    survey_sum = models.PositiveIntegerField(default=0)
    referrers = models.PositiveIntegerField(default=0)  # buying customers who referred someone
    new_customers = models.PositiveIntegerField(default=0)
    new_referred = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "store"], name="reports_one_store_period")]

    def __str__(self) -> str:
        return f"{self.period_id} {self.store_id}"


class Dimension(models.TextChoices):
    ABC = "abc", _("Spend class")
    RF = "rf", _("Recency and frequency")
    VISITS = "visits", _("Purchases in the period")


class StorePeriodBucket(models.Model):
    """Customers and spend of a store's period per spend class, per R/F cell ("34" = R3
    F4) and per number of purchases (capped at ``VISITS_CAP``)."""

    VISITS_CAP = 50

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    bucket = models.CharField(max_length=16)
    customers = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "store", "dimension", "bucket"], name="reports_one_bucket")
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.store_id} {self.dimension}:{self.bucket}"


class FrequencyBands(models.Model):
    """Head office's thresholds for high / medium / low frequency (purchases in the
    period). One row; ``current()`` creates it with the defaults."""

    high_from = models.PositiveSmallIntegerField(_("high frequency from (purchases)"), default=4)
    medium_from = models.PositiveSmallIntegerField(_("medium frequency from (purchases)"), default=2)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("frequency bands")
        verbose_name_plural = _("frequency bands")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(high_from__gt=models.F("medium_from"), medium_from__gte=1),
                name="reports_bands_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"high >= {self.high_from}, medium >= {self.medium_from}"

    @classmethod
    def current(cls) -> "FrequencyBands":
        bands = cls.objects.order_by("pk").first()
        return bands if bands is not None else cls.objects.create()

    def band(self, purchases: int) -> str:
        if purchases >= self.high_from:
            return "high"
        if purchases >= self.medium_from:
            return "medium"
        return "low"


class FactSourceChange(models.Model):
    """A customer whose period facts may have changed since the summary job last ran:
    written by PostgreSQL triggers on purchases, customers, contacts and complaints
    (migration 0004), whatever code made the change; read and removed by the job."""

    customer_id = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.customer_id)


class SummaryRun(models.Model):
    """When the summary was last brought up to date (shown on the dashboards)."""

    name = models.CharField(max_length=30, unique=True)
    day = models.DateField()
    finished_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
