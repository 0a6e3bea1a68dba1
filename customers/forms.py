"""Forms validate and normalise; they never write other models."""

import contextlib
import datetime as dt
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Store
from customers.models import ContactLog, Customer, Tier
from customers.validators import normalise_id_number, normalise_mobile

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", _("Mobile"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        return normalise_mobile(value) if value else value


class IdNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("ID-card number"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_id_number(value) if value else ""


class CaptureForm(forms.Form):
    """A new customer at the till: the few fields a clerk asks for while the customer waits."""

    name = forms.CharField(label=_("Name"), max_length=100)
    mobile = MobileField()
    gender = forms.ChoiceField(label=_("Gender"), choices=Customer._meta.get_field("gender").choices, required=False)
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=DATE_INPUT)
    id_number = IdNumberField()
    data_consent = forms.BooleanField(
        label=_("The customer agrees that the store keeps their details"),
        required=False,
    )
    marketing_consent = forms.BooleanField(label=_("The customer accepts SMS about offers and news"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("data_consent"):
            raise ValidationError(
                _(
                    "Without the customer's consent no file is kept: tick the consent box, or record the purchase anonymously."
                ),
                code="no_consent",
            )
        return data

    def customer_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "mobile": data["mobile"],
            "gender": data.get("gender") or "",
            "birthday": data.get("birthday"),
            "id_number": data.get("id_number") or "",
            "marketing_consent": bool(data.get("marketing_consent")),
            "data_consent": True,
        }


class SaleForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to number it automatically."),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    voucher_code = forms.CharField(
        label=_("Voucher code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Optional: the code of one of the customer's vouchers."),
    )


class LineForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=120)
    category = forms.CharField(label=_("Category"), max_length=60, required=False)
    size = forms.CharField(label=_("Size"), max_length=30, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=30, required=False)
    quantity = forms.IntegerField(label=_("Qty"), min_value=1, max_value=999, initial=1)
    unit_price = forms.DecimalField(
        label=_("Unit price"), min_value=Decimal("0"), max_digits=12, decimal_places=2, localize=False
    )

    def clean_unit_price(self):
        return self.cleaned_data["unit_price"].quantize(Decimal("0.01"))


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]:
            raise ValidationError(_("Add at least one item."), code="no_lines")


LineFormSet = formset_factory(LineForm, formset=BaseLineFormSet, extra=1, max_num=50, validate_max=True)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none(), required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("All tiers")), *Tier.choices], required=False)
    last_from = forms.DateField(label=_("Last purchase from"), required=False, widget=DATE_INPUT)
    last_to = forms.DateField(label=_("Last purchase to"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.visible_to(user)

    def filter(self, queryset):
        """Apply the filters to a customer queryset (the list and its export).

        A bad value drops only its own filter; a store the user cannot see matches nothing.
        """
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = self.cleaned_data
        if "store" in self.errors:
            return queryset.none()
        queryset = queryset.search(data.get("q"))
        if data.get("store"):
            queryset = queryset.filter(home_store=data["store"])
        if data.get("tier"):
            queryset = queryset.filter(tier=data["tier"])
        # Ranges of aware datetimes, which the last_purchase_at indexes serve (__date does not).
        if data.get("last_from"):
            queryset = queryset.filter(last_purchase_at__gte=_start_of(data["last_from"]))
        if data.get("last_to"):
            queryset = queryset.filter(last_purchase_at__lt=_start_of(data["last_to"] + dt.timedelta(days=1)))
        return queryset


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CustomerForm(forms.ModelForm):
    """The whole customer file, for creating outside the till and for editing."""

    mobile = MobileField(required=False)
    id_number = IdNumberField(help_text=_("Stored encrypted; shown masked. Leave empty to keep the current number."))
    data_consent = forms.BooleanField(label=_("The customer agrees that the store keeps their details"), required=False)
    # Not a model field of the form: a change goes through the consent history.
    marketing_consent = forms.BooleanField(label=_("accepts marketing messages"), required=False)

    class Meta:
        model = Customer
        fields = [
            "kind",
            "name",
            "gender",
            "mobile",
            "home_store",
            "address",
            "birthday",
            "wedding_anniversary",
            "preferred_call_time",
            "style",
            "colour",
            "material",
            "size",
            "occupation",
            "source_channel",
            "notes",
            "company",
            "business_lines",
            "yearly_revenue",
            "brands_carried",
            "outlets",
            "logistics_partner",
            "development_stage",
        ]
        widgets = {
            "birthday": DATE_INPUT,
            "wedding_anniversary": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    # Home store, mobile and marketing consent are changed only by the home store's manager
    # or head office (Customer.identity_editable_by); the view refuses others with 403.
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        stores = Store.objects.visible_to(user)
        if self.instance.pk and self.instance.identity_editable_by(user):
            stores = Store.objects.filter(Q(is_active=True) | Q(pk=self.instance.home_store_id))
        elif self.instance.pk:  # a shared customer's own home store stays a valid choice
            stores = stores | Store.objects.filter(pk=self.instance.home_store_id)
        self.fields["home_store"].queryset = stores
        if self.instance.pk:
            self.fields["marketing_consent"].initial = self.instance.marketing_consent
            self.fields.pop("data_consent")
            self.fields["id_number"].widget.attrs["placeholder"] = self.instance.masked_id_number()

    def changes_identity(self) -> bool:
        """Whether the posted data would change home store, mobile or marketing consent.

        Read from the raw data before validation (validation writes onto the instance),
        so an attempt is refused even when the value would not validate; a number typed
        with spaces is the same number.
        """
        if not self.is_bound or not self.instance.pk:
            return False

        def raw(name):
            return self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name))

        mobile = raw("mobile") or None
        with contextlib.suppress(ValidationError):
            mobile = normalise_mobile(mobile) if mobile else None
        after = (str(raw("home_store") or ""), mobile, bool(raw("marketing_consent")))
        customer = self.instance
        return after != (str(customer.home_store_id), customer.mobile or None, customer.marketing_consent)

    def _reverses_opt_out(self, data) -> bool:
        """Ticking the box does not undo a TD opt-out: only a new recorded consent does."""
        customer = self.instance
        turning_on = customer.pk and data.get("marketing_consent") and not customer.marketing_consent
        return bool(turning_on and (customer.marketing_opt_out_at or customer.consent_pending))

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile") or None
        if mobile and Customer.objects.filter(mobile=mobile).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This mobile number already belongs to another customer."), code="duplicate")
        return mobile

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("data_consent"):
            raise ValidationError(_("Without the customer's consent no file is kept."), code="no_consent")
        if self._reverses_opt_out(data):
            self.add_error(
                "marketing_consent",
                _(
                    "The customer opted out or has not confirmed consent: record a new consent with the privacy notice instead."
                ),
            )
        if not data.get("mobile") and not self.instance.card_number:
            self.add_error("mobile", _("A customer needs a mobile number (or a card number)."))
        return data


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["channel", "purpose", "outcome", "satisfaction", "churn_reason", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
