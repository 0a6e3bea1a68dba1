import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Tier
from customers.validators import normalise_digits
from loyalty.models import BenefitKind, Gift


class KeyedForm(forms.Form):
    """A form whose submission carries an idempotency key made when the page was shown."""

    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class ApplicationForm(forms.Form):
    relative_name = forms.CharField(label=_("Relative's name"), max_length=50)
    relative_phone = forms.CharField(label=_("Relative's phone"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_relative_phone(self) -> str:
        value = normalise_digits(self.cleaned_data["relative_phone"])
        digits = "".join(ch for ch in value if ch.isdigit())
        if not 7 <= len(digits) <= 15:
            raise forms.ValidationError(_("Enter a phone number of 7 to 15 digits."))
        return value


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=200)


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RedeemForm(KeyedForm):
    gift = forms.ModelChoiceField(label=_("Gift"), queryset=Gift.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gift"].queryset = Gift.objects.filter(is_active=True, stock__gt=0)
        self.fields["gift"].label_from_instance = lambda gift: (
            _("%(name)s (%(price)s points, %(stock)s in stock)")
            % {
                "name": gift.name,
                "price": gift.points_price,
                "stock": gift.stock,
            }
        )


class AdjustForm(KeyedForm):
    points = forms.IntegerField(
        label=_("Points"), help_text=_("Negative to take points off."), min_value=-1_000_000, max_value=1_000_000
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_points(self) -> int:
        if self.cleaned_data["points"] == 0:
            raise forms.ValidationError(_("Enter a number of points other than zero."))
        return self.cleaned_data["points"]


class TierForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RulesForm(forms.Form):
    b_single = forms.DecimalField(
        label=_("Silver: single purchase of at least"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    b_cumulative = forms.DecimalField(
        label=_("Silver: cumulative spend of at least"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    b_window = forms.IntegerField(
        label=_("Silver: window (days)"),
        min_value=1,
        max_value=36500,
        required=False,
        help_text=_("Empty: all purchases count."),
    )
    a_single = forms.DecimalField(
        label=_("Gold: single purchase of at least"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    a_cumulative = forms.DecimalField(
        label=_("Gold: cumulative spend of at least"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    a_window = forms.IntegerField(
        label=_("Gold: window (days)"),
        min_value=1,
        max_value=36500,
        required=False,
        help_text=_("Empty: all purchases count."),
    )
    note = forms.CharField(label=_("Why the change"), max_length=200, required=False)

    @classmethod
    def initial_from(cls, version) -> dict:
        initial = {}
        for rule in version.rules.all():
            prefix = rule.tier.lower()
            initial[f"{prefix}_single"] = rule.single_threshold
            initial[f"{prefix}_cumulative"] = rule.cumulative_threshold
            initial[f"{prefix}_window"] = rule.window_days
        return initial

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            tier: (data[f"{p}_single"], data[f"{p}_cumulative"], data[f"{p}_window"])
            for tier, p in ((Tier.B, "b"), (Tier.A, "a"))
        }


class GiftForm(forms.ModelForm):
    class Meta:
        model = Gift
        fields = ["name", "description", "points_price", "stock", "is_active"]
        labels = {"is_active": pgettext_lazy("switch", "Active")}  # 启用, not the store's 营业中

    def clean_stock(self) -> int:
        if self.cleaned_data["stock"] < 0:
            raise forms.ValidationError(_("Stock cannot be negative."))
        return self.cleaned_data["stock"]


class BenefitsForm(forms.Form):
    """The matrix as fields named ``<benefit>-<tier>-enabled|detail|rate`` (rate in percent)."""

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        for cell in cells:
            name = f"{cell.benefit}-{cell.tier}"
            self.fields[f"{name}-enabled"] = forms.BooleanField(required=False, initial=cell.enabled)
            self.fields[f"{name}-detail"] = forms.CharField(required=False, max_length=100, initial=cell.detail)
            if cell.benefit == BenefitKind.DISCOUNT:
                self.fields[f"{name}-rate"] = forms.DecimalField(
                    required=False,
                    min_value=0,
                    max_value=Decimal("99.99"),
                    decimal_places=2,
                    initial=(cell.rate * 100).normalize() if cell.rate is not None else None,
                )

    def changes(self) -> dict:
        result = {}
        for name in self.fields:
            benefit, tier, part = name.rsplit("-", 2)
            cell = result.setdefault((benefit, tier), {})
            value = self.cleaned_data.get(name)
            if part == "rate":
                value = (value / 100).quantize(Decimal("0.0001")) if value is not None else None
            cell[part] = value
        return result
