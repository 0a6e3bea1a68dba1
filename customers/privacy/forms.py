"""Forms of the serving flow and of the personal-data pages: they validate and normalise."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Store
from customers.privacy.models import ConsentKind, ConsentMethod, PrivacyNotice, RightsKind
from customers.validators import normalise_digits


class TillLookupForm(forms.Form):
    q = forms.CharField(max_length=60, required=False)

    def text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class ServeTokenForm(forms.Form):
    token = forms.CharField(max_length=400)


class ServeCodeForm(ServeTokenForm):
    code = forms.CharField(label=_("Code from the customer's SMS"), max_length=12)

    def clean_code(self):
        code = normalise_digits(self.cleaned_data["code"]).replace(" ", "")
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("The code has 6 digits."), code="invalid")
        return code


class ShareForm(forms.Form):
    store = forms.ModelChoiceField(label=_("Share with store"), queryset=Store.objects.filter(is_active=True))


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Consent"),
        choices=[(ConsentKind.DATA, ConsentKind.DATA.label), (ConsentKind.MARKETING, ConsentKind.MARKETING.label)],
    )
    granted = forms.TypedChoiceField(
        label=_("The customer"),
        choices=[("1", _("gives consent")), ("0", _("withdraws consent"))],
        coerce=lambda v: v == "1",
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=[
            (ConsentMethod.TILL, ConsentMethod.TILL.label),
            (ConsentMethod.CUSTOMER_REQUEST, ConsentMethod.CUSTOMER_REQUEST.label),
        ],
    )
    notice = forms.ModelChoiceField(label=_("Privacy notice shown"), queryset=PrivacyNotice.objects.all())
    read_notice = forms.BooleanField(label=_("The customer has read the privacy notice"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("granted") and not data.get("read_notice"):
            self.add_error("read_notice", _("A consent needs the customer to have read the notice."))
        if data.get("kind") == ConsentKind.DATA and data.get("granted") is False:
            self.add_error("kind", _("To withdraw consent to keep the data, ask head office to erase the customer."))
        return data


class RightsRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=RightsKind.choices)
    confirm = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == RightsKind.ERASE and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box: an erasure cannot be undone."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class ExportFormatForm(forms.Form):
    format = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("json", "JSON")])


class RetentionForm(forms.Form):
    auto_erase = forms.BooleanField(
        label=_("Erase customers past the retention period automatically (daily, cannot be undone)"), required=False
    )
