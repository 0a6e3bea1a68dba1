"""Forms of the serving flow and of the personal-data pages: they validate and normalise."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Store
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
