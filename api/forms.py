"""Forms of the API app's pages: they validate and normalise, the services write."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import WebhookEvent
from crm.models import Store


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("For example “S001 till 2”."))
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.filter(is_active=True))
    rate_limit = forms.IntegerField(
        label=_("Requests per minute"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("Empty: the chain's default."),
    )


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Address (https://…)"), max_length=300, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )


class PosUploadForm(forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none())
    sales_day = forms.DateField(
        label=_("Day of the sales"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    file = forms.FileField(label=_("POS export (.xlsx or .csv)"))

    def __init__(self, *args, stores, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores
        if len(stores) == 1:
            self.fields["store"].initial = stores.first()
        self.fields["sales_day"].initial = timezone.localdate() - dt.timedelta(days=1)

    def clean_sales_day(self):
        day = self.cleaned_data["sales_day"]
        if day > timezone.localdate() or day.year < 2000:
            raise forms.ValidationError(_("Choose a day that has passed."))
        return day
