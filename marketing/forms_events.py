from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Store, staff_profile
from customers.models import Tier
from marketing import texts
from marketing.models import MemberEvent, Rsvp, Segment


class EventForm(forms.ModelForm):
    tiers = forms.MultipleChoiceField(
        label=_("or invite these tiers"), choices=Tier.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MemberEvent
        fields = [
            "name",
            "kind",
            "store",
            "starts_at",
            "capacity",
            "segment",
            "tiers",
            "invite_by_sms",
            "invite_by_call",
            "message",
            "attribution_days",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "message": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        profile = staff_profile(user)
        self.fields["store"].queryset = Store.objects.visible_to(user)
        if profile is not None and not profile.is_head_office:
            self.fields["store"].initial = profile.store_id
        self.fields["segment"].queryset = Segment.objects.visible_to(user)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["capacity"].min_value = 1

    def clean_capacity(self):
        value = self.cleaned_data["capacity"]
        if not 1 <= value <= 10000:
            raise forms.ValidationError(_("Between 1 and 10,000 places."))
        return value

    def clean_message(self):
        body = self.cleaned_data["message"]
        unknown = texts.unknown_placeholders(body)
        if unknown:
            raise forms.ValidationError(_("Unknown placeholder: %(names)s.") % {"names": "、".join(unknown)})
        return body


class AnswerForm(forms.Form):
    rsvp = forms.ChoiceField(
        choices=[(Rsvp.YES, Rsvp.YES.label), (Rsvp.MAYBE, Rsvp.MAYBE.label), (Rsvp.NO, Rsvp.NO.label)]
    )
    party_size = forms.IntegerField(min_value=1, max_value=20, initial=1)


class CheckInForm(forms.Form):
    q = forms.CharField(label=_("Card number or mobile"), max_length=40)
