"""Forms validate and convert; the services in ``campaigns`` do the writing."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from crm.models import Store, staff_profile
from customers.models import Tier
from loyalty.voucher_models import VoucherType
from marketing import texts
from marketing.models import Campaign, Segment
from reports.models import AbcClass
from reports.models import Segment as RfmSegment

FREQUENCY = [("high", _("High frequency")), ("medium", _("Medium frequency")), ("low", _("Low frequency"))]
MONTHS = [("", _("Any month"))] + [(str(m), str(m)) for m in range(1, 13)]


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    stores = forms.ModelMultipleChoiceField(
        label=_("Stores"),
        queryset=Store.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every store."),
    )
    tiers = forms.MultipleChoiceField(
        label=_("Tier"), choices=Tier.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    rfm = forms.MultipleChoiceField(
        label=_("RFM segment"), choices=RfmSegment.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    abc = forms.MultipleChoiceField(
        label=_("Spend class"), choices=AbcClass.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    frequency = forms.MultipleChoiceField(
        label=_("Purchase frequency"), choices=FREQUENCY, required=False, widget=forms.CheckboxSelectMultiple
    )
    last_from = forms.DateField(
        label=_("Last purchase from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_to = forms.DateField(
        label=_("Last purchase to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birthday_month = forms.TypedChoiceField(
        label=_("Birthday month"), choices=MONTHS, coerce=int, required=False, empty_value=None
    )
    spend_min = forms.DecimalField(
        label=_("Cumulative spend from"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    spend_max = forms.DecimalField(
        label=_("Cumulative spend to"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    sms_only = forms.BooleanField(label=_("Only customers who accept SMS"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        profile = staff_profile(user)
        if profile is not None and profile.is_head_office:
            self.fields["stores"].queryset = Store.objects.visible_to(user)
        else:
            del self.fields["stores"]  # a store manager's segment is always their store's

    def clean(self):
        data = super().clean()
        if data.get("last_from") and data.get("last_to") and data["last_from"] > data["last_to"]:
            self.add_error("last_to", _("The end of the range is before its start."))
        if (
            data.get("spend_min") is not None
            and data.get("spend_max") is not None
            and data["spend_min"] > data["spend_max"]
        ):
            self.add_error("spend_max", _("The end of the range is before its start."))
        return data

    @staticmethod
    def initial_from(segment: Segment) -> dict:
        initial = {"name": segment.name, **segment.filters}
        initial["birthday_month"] = str(initial.get("birthday_month") or "")
        return initial


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "segment", "notice", "body", "send_at", "priority_days", "holdout_percent", "voucher_type"]
        widgets = {
            "send_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "body": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.visible_to(user)
        self.fields["voucher_type"].queryset = VoucherType.objects.filter(is_active=True, rule="")
        self.fields["send_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["priority_days"].validators.append(MaxValueValidator(30))
        self.fields["holdout_percent"].validators.append(MaxValueValidator(50))
        if not self.instance.pk:
            self.initial.setdefault("holdout_percent", settings.KEDANG_MARKETING_HOLDOUT_PERCENT)
        names = "、".join(f"{{{key}}} {label}" for key, label in texts.PLACEHOLDERS.items())
        self.fields["body"].help_text = _("Placeholders: %(names)s. The opt-out line is added.") % {"names": names}

    def clean(self):
        data = super().clean()
        if "{voucher}" in (data.get("body") or "") and not data.get("voucher_type"):
            self.add_error("voucher_type", _("The text shows a voucher code: choose the voucher."))
        return data

    def clean_body(self):
        body = self.cleaned_data["body"]
        unknown = texts.unknown_placeholders(body)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholder: %(names)s.")
                % {"names": "、".join(f"{{{n}}}" if n != "{" else n for n in unknown)}
            )
        return body


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=2000)
