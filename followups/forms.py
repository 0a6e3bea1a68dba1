from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from crm.models import Role
from customers.models import ChurnReason
from followups.models import CadenceRule, Channel, Holiday, MessageTemplate
from followups.services.worklist import CALL_OUTCOMES

SATISFACTION = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(o.value, o.label) for o in CALL_OUTCOMES])
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1-5)"), choices=SATISFACTION, coerce=int, empty_value=None, required=False
    )
    churn_reason = forms.ChoiceField(
        label=_("Churn reason"), choices=[("", "—")] + list(ChurnReason.choices), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    callback_on = forms.DateField(
        label=_("Call back on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    attempt = forms.IntegerField(required=False, widget=forms.HiddenInput)


def store_staff(store):
    """Clerks and managers of ``store``, for reassigning."""
    return (
        get_user_model()
        .objects.filter(staff__store=store, staff__role__in=[Role.CLERK, Role.MANAGER], is_active=True)
        .select_related("staff")
        .order_by("username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.staff.name


class ReassignForm(forms.Form):
    assignee = StaffChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = store_staff(store)


class ReassignAllForm(forms.Form):
    from_user = StaffChoiceField(label=_("Tasks of"), queryset=None)
    to_user = StaffChoiceField(label=_("Give them to"), queryset=None)

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(staff__store=store).select_related("staff").order_by("username")
        self.fields["from_user"].queryset = users
        self.fields["to_user"].queryset = store_staff(store)

    def clean(self):
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            raise forms.ValidationError(_("Choose two different people."))
        return data


class DateForm(forms.Form):
    due_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Why"), required=False, max_length=200)


class AddTaskForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(Channel.CALL, Channel.CALL.label), (Channel.VISIT, Channel.VISIT.label)]
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=100)
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    script = forms.CharField(label=_("Script"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = StaffChoiceField(label=_("Assign to"), queryset=store_staff(store))


class CadenceRuleForm(forms.ModelForm):
    class Meta:
        model = CadenceRule
        fields = ["tier", "day_offset", "channel", "purpose", "script", "template", "is_active"]
        widgets = {"script": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.SMS and not data.get("template"):
            self.add_error("template", _("An SMS step needs a message template."))
        return data


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["code", "name", "body", "is_active"]
        widgets = {
            "body": forms.Textarea(
                attrs={
                    "rows": 4,
                    "hx-post": reverse_lazy("followups:template_preview"),
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#preview",
                }
            )
        }


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["name", "date", "body", "is_active"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "body": forms.Textarea(attrs={"rows": 3})}
