import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from loyalty.voucher_models import VoucherKind, VoucherType


class VoucherTypeForm(forms.ModelForm):
    class Meta:
        model = VoucherType
        fields = [
            "name",
            "kind",
            "amount",
            "percent",
            "cap",
            "gift",
            "min_spend",
            "valid_days",
            "stores",
            "rule",
            "is_active",
        ]
        widgets = {"stores": forms.CheckboxSelectMultiple}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        needed = {VoucherKind.AMOUNT: "amount", VoucherKind.PERCENT: "percent", VoucherKind.GIFT: "gift"}.get(kind)
        if needed and not data.get(needed):
            self.add_error(needed, _("Required for this kind of voucher."))
        percent = data.get("percent")
        if kind == VoucherKind.PERCENT and percent is not None and not 0 < percent <= 100:
            self.add_error("percent", _("Between 0 and 100."))
        for name in ("amount", "cap", "min_spend"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Cannot be negative."))
        return data


class IssueVoucherForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Voucher type"), queryset=VoucherType.objects.filter(is_active=True))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    # One voucher per form: a double click or a resubmission issues it once.
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
