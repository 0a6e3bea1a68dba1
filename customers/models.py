"""The customer file: customers, their consent, purchases and the contact log."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.db import Compiled
from crm.models import Store, staff_profile
from customers import crypto
from customers.validators import display_mobile, mask_id_number

ZERO = Decimal("0.00")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "", _("Not given")


class Tier(models.TextChoices):
    """Membership tier: C temporary points card, B silver card, A gold card."""

    C = "C", _("Temporary points card")
    B = "B", _("Silver card")
    A = "A", _("Gold card")


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Individual")
    BUSINESS = "business", pgettext_lazy("customer kind", "Business")


class CallTime(models.TextChoices):
    ANY = "", _("Any time")
    MORNING = "morning", _("Morning (9:00-12:00)")
    AFTERNOON = "afternoon", _("Afternoon (12:00-18:00)")
    EVENING = "evening", _("Evening (18:00-21:00)")


class DevelopmentStage(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    INTENT = "intent", _("Intent")
    EXISTING = "existing", _("Existing")
    ENDED = "ended", _("Ended")


class SourceChannel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    REFERRAL = "referral", _("Referral")
    ONLINE = "online", _("Online")
    EVENT = "event", _("Event")
    PHONE = "phone", _("Phone")
    IMPORT = "import", _("Imported")
    OTHER = "other", _("Other")


class CustomerQuerySet(models.QuerySet):
    def _scoped(self, user, shared_with):
        """No one's customers without a profile, all for head office, else the stores'
        customers plus those shared with the stores (``shared_with(stores)``: a Q)."""
        profile = staff_profile(user)
        if profile is None:
            return self.none()
        if profile.is_head_office:
            return self.all()
        return self._in_stores(Store.objects.visible_to(user), shared_with)

    def _in_stores(self, stores, shared_with):
        shared = shared_with(stores)
        return (
            self.filter(Q(home_store__in=stores) | shared) if shared is not None else self.filter(home_store__in=stores)
        )

    def visible_to(self, user) -> "CustomerQuerySet":
        """Customers of the user's stores, plus those head office shared with those stores."""

        # Shares are few (customers who shopped at another store); as a list of ids the
        # OR stays two index lookups, where a subquery would scan every customer.
        def shared_ids(stores):
            ids = list(CustomerStoreShare.objects.filter(store__in=stores).values_list("customer_id", flat=True))
            return Q(pk__in=ids) if ids else None

        return self._scoped(user, shared_ids)

    def visible_one_to(self, user) -> "CustomerQuerySet":
        """``visible_to`` for fetching one customer by key: the share is an EXISTS on the
        customer's own rows, so the fetch is one query (a list keeps ``visible_to``)."""
        return self._scoped(user, _share_exists)

    def one_visible_to(self, user, pk: int) -> "Customer | None":
        """``visible_one_to(user).filter(pk=pk).first()``, the till's fetch at every sale:
        for staff of one store, the same SQL compiled once per process (``crm.db.Compiled``)."""
        profile = staff_profile(user)
        store_id = profile.only_store_id if profile is not None and not self.query.where else None
        if not store_id:
            return self.visible_one_to(user).filter(pk=pk).first()
        return next(iter(_ONE_OF_STORE(pk, store_id)), None)

    def of_store(self, store) -> "CustomerQuerySet":
        """What a clerk of ``store`` sees (the POS's API key acts for one store)."""
        shared = list(CustomerStoreShare.objects.filter(store=store).values_list("customer_id", flat=True))
        return self.filter(Q(home_store=store) | Q(pk__in=shared)) if shared else self.filter(home_store=store)

    def search(self, text: str) -> "CustomerQuerySet":
        """Name, mobile (any part of the digits) or card number."""
        text = (text or "").strip()
        if not text:
            return self
        from customers.validators import normalise_digits

        digits = "".join(ch for ch in normalise_digits(text) if ch.isdigit())
        q = Q(name__startswith=text) if len(text) == 1 else Q(name__icontains=text)
        q |= Q(card_number__iexact=text)
        if len(digits) >= 3:
            q |= Q(mobile__contains=digits) | Q(card_number__icontains=digits)
        return self.filter(q)


def _share_exists(stores):
    return Exists(CustomerStoreShare.objects.filter(customer=OuterRef("pk"), store__in=stores))


_ONE_OF_STORE = Compiled(
    lambda pk, store: Customer.objects.filter(pk=pk)._in_stores(Store.objects.filter(pk=store), _share_exists)[:1]
)


class Customer(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=20, unique=True, null=True, blank=True, help_text=_("Stored as +86…")
    )
    mobile_invalid = models.BooleanField(_("mobile flagged invalid"), default=False)
    card_number = models.CharField(_("card number"), max_length=32, unique=True, null=True, blank=True)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    wedding_anniversary = models.DateField(_("wedding anniversary"), null=True, blank=True)

    home_store = models.ForeignKey(
        Store, verbose_name=_("home store"), on_delete=models.PROTECT, related_name="customers"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("serving clerk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )

    # Loyalty state. Written only by the services of customers and loyalty.
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, default=Tier.C)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    cumulative_spend = models.DecimalField(_("cumulative spend"), max_digits=14, decimal_places=2, default=ZERO)
    visit_count = models.PositiveIntegerField(_("visits"), default=0)
    last_purchase_at = models.DateTimeField(_("last purchase"), null=True, blank=True, db_index=True)

    # Consent. Without data consent a customer is not kept (only an anonymous purchase).
    data_consent_at = models.DateTimeField(_("data consent given"), null=True, blank=True)
    data_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marketing_consent = models.BooleanField(_("accepts marketing messages"), default=False)
    marketing_consent_at = models.DateTimeField(_("marketing consent changed"), null=True, blank=True)
    marketing_opt_out_at = models.DateTimeField(_("opted out of messages"), null=True, blank=True)
    # Imported without a consent column: kept, but no marketing until a clerk confirms.
    consent_pending = models.BooleanField(_("consent to be confirmed"), default=False)
    # Erased on the customer's request (or by retention): personal fields are gone for good.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    # Preferences and background.
    style = models.CharField(_("preferred style"), max_length=100, blank=True)
    colour = models.CharField(_("preferred colour"), max_length=100, blank=True)
    material = models.CharField(_("preferred material"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=50, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    source_channel = models.CharField(_("source"), max_length=20, choices=SourceChannel.choices, blank=True)
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    preferred_call_time = models.CharField(
        _("preferred call time"), max_length=10, choices=CallTime.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    # Business customers (distributors, contractors).
    company = models.CharField(_("company"), max_length=200, blank=True)
    business_lines = models.CharField(_("business lines"), max_length=200, blank=True)
    yearly_revenue = models.DecimalField(_("yearly revenue"), max_digits=16, decimal_places=2, null=True, blank=True)
    brands_carried = models.CharField(_("brands carried"), max_length=200, blank=True)
    outlets = models.PositiveIntegerField(_("outlets"), null=True, blank=True)
    logistics_partner = models.CharField(_("logistics partner"), max_length=100, blank=True)
    development_stage = models.CharField(
        _("development stage"), max_length=10, choices=DevelopmentStage.choices, blank=True
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-last_purchase_at", "-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["home_store", "tier"]),
            # The lists' order, id included: customers who never bought (NULL, an import's
            # many) all tie on the date, and without the id the page sorts every one of them.
            models.Index(fields=["home_store", "-last_purchase_at", "-id"]),
            models.Index(fields=["name"]),
            models.Index(fields=["home_store", "created_at"]),
            models.Index(fields=["tier", "-last_purchase_at", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cumulative_spend__gte=0), name="customer_spend_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("customers:detail", args=[self.pk])

    # --- per-object rules -------------------------------------------------------------
    @property
    def mobile_display(self) -> str:
        return display_mobile(self.mobile or "")

    def masked_mobile(self) -> str:
        shown = display_mobile(self.mobile or "").replace(" ", "")
        return f"{shown[:3]}****{shown[-4:]}" if len(shown) >= 11 else shown

    def masked_name(self) -> str:
        return self.name[:1] + "*" * max(len(self.name) - 1, 1)

    def set_id_number(self, number: str) -> None:
        """``number`` must already be normalised and checked (customers.validators)."""
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_hash = crypto.lookup_hash(number)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)

    def masked_id_number(self) -> str:
        number = self.id_number
        return mask_id_number(number) if number else ""

    @property
    def salutation(self) -> str:
        """Name with 先生 / 女士, as the shop addresses customers in messages."""
        if self.gender == Gender.MALE:
            return f"{self.name[:1]}先生" if len(self.name) <= 3 else f"{self.name}先生"
        if self.gender == Gender.FEMALE:
            return f"{self.name[:1]}女士" if len(self.name) <= 3 else f"{self.name}女士"
        return self.name

    def identity_editable_by(self, user) -> bool:
        """Home store, mobile and consent: only the home store's manager or head office."""
        profile = staff_profile(user)
        if profile is None:
            return False
        return profile.is_head_office or (profile.is_manager and profile.store_id == self.home_store_id)

    def consent_recordable_by(self, user) -> bool:
        """Consent is recorded with the customer present: staff of the home store, or head office."""
        profile = staff_profile(user)
        if profile is None or not profile.can_write:
            return False
        return profile.is_head_office or profile.store_id == self.home_store_id

    @property
    def can_receive_sms(self) -> bool:
        return (
            bool(self.mobile)
            and not self.mobile_invalid
            and self.marketing_consent
            and not self.marketing_opt_out_at
            and not self.consent_pending
        )

    def opt_out(self, when=None) -> None:
        self.marketing_consent = False
        self.marketing_opt_out_at = when or timezone.now()
        self.marketing_consent_at = self.marketing_opt_out_at


class ReceiptCounter(models.Model):
    """The last generated receipt number of a store on a store-local day. Taken with one
    UPDATE … RETURNING outside the sale's transaction, so sales in one store neither count
    the day's purchases nor wait for each other."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "day"], name="unique_receipt_counter")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.last}"


class CustomerStoreShare(models.Model):
    """Another store that may see and serve this customer (head office shares, or the
    customer shopped there)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="shares")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="shared_customers")
    shared_at = models.DateTimeField(auto_now_add=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "store"], name="unique_customer_share")]

    def __str__(self) -> str:
        return f"{self.customer} @ {self.store.code}"


class PurchaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PurchaseQuerySet":
        """Sales made in the user's stores, and all sales of the customers they see."""
        profile = staff_profile(user)
        if profile is None:
            return self.none()
        if profile.is_head_office:
            return self.all()
        return self.filter(
            Q(store__in=Store.objects.visible_to(user)) | Q(customer__in=Customer.objects.visible_to(user))
        )

    def identified(self):
        return self.filter(customer__isnull=False)

    def counted(self):
        """Real sales: not the opening balances brought in by an import."""
        return self.filter(is_imported=False)


class Purchase(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="purchases")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchases",
        help_text=_("Empty for an anonymous purchase."),
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("serving clerk"),
        on_delete=models.PROTECT,
        null=True,
        related_name="purchases_served",
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40)
    purchased_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=ZERO)
    discount_rate = models.DecimalField(_("discount rate"), max_digits=5, decimal_places=4, default=Decimal("0"))
    discount_amount = models.DecimalField(_("discount"), max_digits=14, decimal_places=2, default=ZERO)
    # What a voucher took off after the member discount (loyalty keeps the voucher itself).
    voucher_discount = models.DecimalField(_("voucher"), max_digits=14, decimal_places=2, default=ZERO)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    is_imported = models.BooleanField(
        _("imported opening balance"), default=False, help_text=_("Brought in from a store's spreadsheet.")
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PurchaseQuerySet.as_manager()

    class Meta:
        ordering = ["-purchased_at", "-id"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        constraints = [
            models.UniqueConstraint(fields=["store", "receipt_number"], name="unique_receipt_per_store"),
            models.CheckConstraint(condition=Q(total__gte=0), name="purchase_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["store", "purchased_at"]),
            models.Index(fields=["clerk", "purchased_at"]),
            models.Index(fields=["customer", "purchased_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.store.code} {self.receipt_number}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("customers:purchase", args=[self.pk])


class PurchaseLine(models.Model):
    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="lines")
    item = models.CharField(_("item"), max_length=120)
    category = models.CharField(_("category"), max_length=60, blank=True)
    size = models.CharField(_("size"), max_length=30, blank=True)
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("purchase line")
        verbose_name_plural = _("purchase lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


from customers.contacts.models import (  # noqa: E402,F401
    ChurnReason,
    ContactChannel,
    ContactLog,
    ContactLogQuerySet,
    ContactOutcome,
)
from customers.importing.models import ImportJob  # noqa: E402,F401
from customers.privacy.models import (  # noqa: E402,F401
    ConsentRecord,
    PrivacyNotice,
    RetentionSetting,
    RightsRequest,
    ServeCode,
)
from customers.products.models import Product  # noqa: E402,F401
