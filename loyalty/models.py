"""Membership: tier rules, cards, card applications, the points ledger, gifts, benefits.

Every write goes through ``loyalty.services``; these models hold per-object rules and
the database constraints that keep points and stock from going negative.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Store
from customers.models import Customer, Purchase, Tier

# Tiers from lowest to highest.
TIER_ORDER = {Tier.C: 0, Tier.B: 1, Tier.A: 2}
UPGRADE_TIERS = (Tier.B, Tier.A)


def tier_rank(tier: str) -> int:
    return TIER_ORDER.get(tier, 0)


class CustomerOwnedQuerySet(models.QuerySet):
    """Rows that belong to a customer: visible where the customer is."""

    def visible_to(self, user):
        return self.filter(customer__in=Customer.objects.visible_to(user))


# --- tier rules ---------------------------------------------------------------------


class RuleVersion(models.Model):
    """One edit of the tier rules. Rules are never changed in place: an edit makes a new
    version, and every evaluation records the version it used."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("tier rule version")
        verbose_name_plural = _("tier rule versions")

    def __str__(self) -> str:
        return f"v{self.number}"

    @classmethod
    def current(cls) -> "RuleVersion":
        return cls.objects.prefetch_related("rules").order_by("-number").first()

    def rule_for(self, tier: str) -> "TierRule | None":
        return next((rule for rule in self.rules.all() if rule.tier == tier), None)


class TierRule(models.Model):
    """What a customer needs to reach ``tier``: one purchase of ``single_threshold`` or
    more, or purchases adding up to ``cumulative_threshold``, within ``window_days``
    store-local days ending on the evaluation day (empty window: since the first purchase)."""

    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="rules")
    tier = models.CharField(_("tier"), max_length=1, choices=[(t.value, t.label) for t in UPGRADE_TIERS])
    single_threshold = models.DecimalField(_("single purchase of at least"), max_digits=12, decimal_places=2)
    cumulative_threshold = models.DecimalField(_("cumulative spend of at least"), max_digits=14, decimal_places=2)
    window_days = models.PositiveIntegerField(
        _("window (days)"), null=True, blank=True, help_text=_("Empty: all purchases count.")
    )

    class Meta:
        ordering = ["version", "tier"]
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        constraints = [
            models.UniqueConstraint(fields=["version", "tier"], name="loyalty_one_rule_per_tier_and_version"),
            models.CheckConstraint(
                condition=Q(single_threshold__gt=0, cumulative_threshold__gt=0), name="loyalty_rule_thresholds_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} v{self.version.number}"


class TierEvaluation(models.Model):
    """The outcome of checking a customer against the rules, with the version used."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tier_evaluations")
    on = models.DateField(_("evaluated on"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    current_tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    eligible_tier = models.CharField(_("eligible for"), max_length=1, choices=Tier.choices)
    max_single = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    cumulative = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    window_cumulative = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    purchase = models.ForeignKey(Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("tier evaluation")
        verbose_name_plural = _("tier evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "on"], condition=Q(purchase__isnull=True), name="loyalty_one_daily_evaluation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.on} {self.eligible_tier}"


class TierChange(models.Model):
    class Source(models.TextChoices):
        APPLICATION = "application", _("Card application approved")
        BY_HAND = "by_hand", _("Set by hand")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.CharField(_("from"), max_length=1, choices=Tier.choices)
    to_tier = models.CharField(_("to"), max_length=1, choices=Tier.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    application = models.ForeignKey(
        "CardApplication", on_delete=models.SET_NULL, null=True, blank=True, related_name="tier_changes"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.from_tier}->{self.to_tier}"


# --- cards and applications ---------------------------------------------------------


class MembershipCard(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="cards")
    number = models.CharField(_("card number"), max_length=32, unique=True)
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    application = models.ForeignKey(
        "CardApplication", on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(_("why voided"), max_length=200, blank=True)

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("membership card")
        verbose_name_plural = _("membership cards")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(voided_at__isnull=True), name="loyalty_one_valid_card_per_customer"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None


class CardSequence(models.Model):
    """The running number inside card numbers, one row per prefix (tier and year)."""

    prefix = models.CharField(max_length=40, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class ApplicationStatus(models.TextChoices):
    CREATED = "created", _("Created")
    ENTERED = "entered", _("Form entered")
    SUBMITTED = "submitted", _("Submitted to head office")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NOTIFIED = "notified", _("Customer notified")
    NOTIFIED_AGAIN = "notified_again", _("Customer notified again")
    MAILED = "mailed", _("Card mailed")
    COLLECTED = "collected", _("Card collected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Before head office decides: only one of these per customer at a time.
OPEN_STATUSES = (ApplicationStatus.CREATED, ApplicationStatus.ENTERED, ApplicationStatus.SUBMITTED)
# Approved, card not yet in the customer's hands.
AWAITING_CARD = (ApplicationStatus.APPROVED, ApplicationStatus.NOTIFIED, ApplicationStatus.NOTIFIED_AGAIN)
FINISHED_STATUSES = (
    ApplicationStatus.REJECTED,
    ApplicationStatus.MAILED,
    ApplicationStatus.COLLECTED,
    ApplicationStatus.WITHDRAWN,
)


class CardApplicationQuerySet(CustomerOwnedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def pending_approval(self):
        return self.filter(status=ApplicationStatus.SUBMITTED)

    def for_register(self):
        return self.select_related("customer", "store", "decided_by", "created_by")


class CardApplication(models.Model):
    """One customer's application for a silver or gold card, from the paper register:
    created -> entered -> submitted (within 3 days) -> approved / rejected -> notified ->
    notified again -> mailed, or collected."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="card_applications")
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    from_tier = models.CharField(_("current tier"), max_length=1, choices=Tier.choices)
    target_tier = models.CharField(_("applies for"), max_length=1, choices=Tier.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.CREATED
    )
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text=_("What qualified")
    )
    relative_name = models.CharField(_("relative's name"), max_length=50, blank=True)
    relative_phone = models.CharField(_("relative's phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    notified_again_at = models.DateTimeField(_("notified again"), null=True, blank=True)
    closed_at = models.DateTimeField(_("card mailed or collected"), null=True, blank=True)

    objects = CardApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("card application")
        verbose_name_plural = _("card applications")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=["created", "entered", "submitted"]),
                name="loyalty_one_open_application_per_customer",
            ),
            models.CheckConstraint(condition=Q(target_tier__in=["A", "B"]), name="loyalty_application_targets_b_or_a"),
        ]
        indexes = [models.Index(fields=["status", "store", "created_at"])]

    def __str__(self) -> str:
        return f"{self.customer} → {self.get_target_tier_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def can_fill_form(self) -> bool:
        return self.status in (ApplicationStatus.CREATED, ApplicationStatus.ENTERED)

    def submit_due(self):
        """The last day to submit to head office: three store-local days after creation."""
        import datetime as dt

        return timezone.localdate(self.created_at) + dt.timedelta(days=3)

    def is_submission_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in (ApplicationStatus.CREATED, ApplicationStatus.ENTERED) and today > self.submit_due()

    @property
    def should_be_mailed(self) -> bool:
        """Two calls and still not collected: the next step is to mail the card."""
        return self.status == ApplicationStatus.NOTIFIED_AGAIN

    def age_days(self, today=None) -> int:
        return ((today or timezone.localdate()) - timezone.localdate(self.created_at)).days


class ApplicationEvent(models.Model):
    """Every step of an application, who took it and when."""

    application = models.ForeignKey(CardApplication, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("step"), max_length=16, choices=ApplicationStatus.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"


# --- points -------------------------------------------------------------------------


class PointsAccount(models.Model):
    """The running balance, kept equal to the sum of the ledger in the same transaction.
    The database refuses a negative balance."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="points_account")
    balance = models.IntegerField(_("points balance"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="loyalty_points_balance_not_negative")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.balance}"


class EntryKind(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    ADJUST = "adjust", _("Adjusted")
    REVERSE = "reverse", _("Reversed")
    EXPIRE = "expire", _("Expired")


class PointsEntry(models.Model):
    """One line of the append-only points ledger."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="points_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, null=True, blank=True, related_name="points_entries"
    )
    # Points a reversal should have taken back but could not (already spent).
    unrecovered = models.PositiveIntegerField(_("not recovered"), default=0)
    # For points received: what is left of them, spent oldest first, and when they expire.
    remaining = models.PositiveIntegerField(default=0)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        indexes = [
            models.Index(fields=["customer", "at"]),
            models.Index(fields=["expires_on"], condition=Q(remaining__gt=0), name="loyalty_points_lots_to_expire"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="loyalty_entry_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=["opening", "earn", "adjust"]) | Q(points__lte=0), name="loyalty_spending_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["opening", "earn"]) | Q(points__gte=0), name="loyalty_earning_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.points:+d}"


# --- gifts --------------------------------------------------------------------------


class Gift(models.Model):
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    points_price = models.PositiveIntegerField(_("points price"))
    stock = models.IntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["points_price", "name"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="loyalty_gift_stock_not_negative"),
            models.CheckConstraint(condition=Q(points_price__gt=0), name="loyalty_gift_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class GiftRedemption(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="gift_redemptions")
    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    entry = models.OneToOneField(PointsEntry, on_delete=models.PROTECT, related_name="redemption")

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("gift redemption")
        verbose_name_plural = _("gift redemptions")

    def __str__(self) -> str:
        return f"{self.gift} × {self.quantity}"


# --- benefits -----------------------------------------------------------------------


class BenefitKind(models.TextChoices):
    """The benefits of seed 003's table, in its order."""

    GIFTS_FOR_POINTS = "gifts_for_points", _("Gifts for points")
    HOLIDAY_GIFTS = "holiday_gifts", _("Holiday gifts first")
    NEW_ARRIVALS = "new_arrivals", _("New-arrival notices first")
    PROMOTIONS = "promotions", _("Promotion notices first")
    BIRTHDAY_WISHES = "birthday_wishes", _("Birthday and holiday wishes")
    BIRTHDAY_VOUCHER = "birthday_voucher", _("Birthday voucher")
    CLUB_EVENTS = "club_events", _("Club events")
    CALLBACKS = "callbacks", _("Callbacks")
    ANNIVERSARY_GIFT = "anniversary_gift", _("Wedding-anniversary gift")
    DISCOUNT = "discount", _("Discount")
    HOME_VISITS = "home_visits", _("Home visits")


class TierBenefit(models.Model):
    """One cell of the benefits matrix head office edits."""

    benefit = models.CharField(_("benefit"), max_length=20, choices=BenefitKind.choices)
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    enabled = models.BooleanField(_("included"), default=False)
    detail = models.CharField(_("detail"), max_length=100, blank=True)
    # Only for the discount row: the share taken off at the till (0.05 = 5 %).
    rate = models.DecimalField(_("discount rate"), max_digits=5, decimal_places=4, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["benefit", "tier"]
        verbose_name = _("tier benefit")
        verbose_name_plural = _("tier benefits")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "tier"], name="loyalty_one_cell_per_benefit_and_tier"),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0, rate__lt=1), name="loyalty_discount_rate_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} {self.tier}"


from loyalty import check_models, voucher_models  # noqa: E402,F401  (the other models of this app)
