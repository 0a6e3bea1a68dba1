"""Forms of the distributors' pages: they validate and convert, the services write."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm.models import Role, account_team
from distributors import models as m
from distributors.models import EndReason, Grade, LeadSource, Status, ValueClass
from distributors.services.accounts import allowed_moves

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.staff.name


def managers_for(user):
    """The account managers ``user`` may give an account to."""
    users = get_user_model().objects.filter(is_active=True, staff__role__in=[Role.ACCOUNT_MANAGER, Role.SALES_MANAGER])
    team = account_team(user)
    if team is not None:
        users = users.filter(pk__in=team)
    return users.select_related("staff").order_by("username")


class AccountForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=200)
    contact_name = forms.CharField(label=_("Main contact"), max_length=100)
    account_manager = ManagerChoiceField(label=_("Account manager"), queryset=None)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.POTENTIAL)
    grade = forms.ChoiceField(label=_("Class"), choices=Grade.choices, required=False)
    lead_source = forms.ChoiceField(label=_("Lead source"), choices=[("", "—"), *LeadSource.choices], required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    business_lines = forms.CharField(label=_("Business lines"), max_length=200, required=False)
    product_categories = forms.CharField(label=_("Product categories"), max_length=200, required=False)
    main_direction = forms.CharField(label=_("Main direction"), max_length=200, required=False)
    yearly_revenue = forms.DecimalField(
        label=_("Yearly revenue"), max_digits=16, decimal_places=2, min_value=0, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = managers_for(user)


class FileForm(forms.ModelForm):
    """The account's own fields; the customer's business fields are in CustomerFileForm."""

    class Meta:
        model = m.DealerAccount
        fields = [
            "lead_source",
            "product_categories",
            "main_direction",
            "city_outlets",
            "county_outlets",
            "town_outlets",
        ]


class CustomerFileForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=200)
    name = forms.CharField(label=_("Main contact"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    business_lines = forms.CharField(label=_("Business lines"), max_length=200, required=False)
    brands_carried = forms.CharField(label=_("Brands carried"), max_length=200, required=False)
    yearly_revenue = forms.DecimalField(
        label=_("Yearly revenue"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    logistics_partner = forms.CharField(label=_("Main logistics partner"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)
    end_reason = forms.ChoiceField(
        label=_("Reason for ending"), choices=[("", "—"), *EndReason.choices], required=False
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (f"{status}:{grade}", f"{Status(status).label}{' · ' + Grade(grade).label if grade else ''}")
            for status, grade in allowed_moves(account)
        ]

    def target(self) -> tuple[str, str]:
        status, _sep, grade = self.cleaned_data["to"].partition(":")
        return status, grade


class AccountRowForm(forms.ModelForm):
    """A row of an account's file. The account is not a field, but the unique
    constraints that include it (one payment plan per month, …) are still checked."""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("account")
        return exclude


def _row_form(model, fields, widgets=None):
    return forms.modelform_factory(model, form=AccountRowForm, fields=fields, widgets=widgets or {})


# section slug -> (form, title); each adds one row to an account's file.
SECTIONS = {
    "person": (
        _row_form(
            m.DealerPerson,
            ["role", "name", "position", "age", "personality", "hobbies", "phone", "wechat", "email", "address"],
        ),
        _("Add a person"),
    ),
    "brand": (_row_form(m.BrandShare, ["brand", "share", "ours"]), _("Add a brand")),
    "outlet": (
        _row_form(m.OutletGroup, ["kind", "brand", "count", "yearly_revenue", "best_sellers"]),
        _("Add outlets"),
    ),
    "logistics": (
        _row_form(m.LogisticsPartner, ["name", "address", "contact", "price", "turnaround_days", "reputation"]),
        _("Add a logistics partner"),
    ),
    "visit": (
        _row_form(
            m.Visit,
            ["planned_on", "prepared_needs", "visited_on", "presented", "questions", "next_step"],
            {"planned_on": DATE, "visited_on": DATE},
        ),
        _("Plan or record a visit"),
    ),
    "negotiation": (
        _row_form(
            m.Negotiation,
            ["held_on", "cooperation_model", "prices", "delivery_terms", "after_sales", "outcome"],
            {"held_on": DATE},
        ),
        _("Record a negotiation"),
    ),
    "contract": (
        _row_form(
            m.Contract,
            ["number", "key_terms", "starts_on", "ends_on", "remind_days"],
            {"starts_on": DATE, "ends_on": DATE},
        ),
        _("Draft a contract"),
    ),
    "communication": (
        _row_form(m.Communication, ["at", "channel", "points"], {"at": DATETIME}),
        _("Record a communication"),
    ),
    "progress": (
        _row_form(m.ProgressEntry, ["on", "action", "result", "next_step", "next_on"], {"on": DATE, "next_on": DATE}),
        _("Add to the progress sheet"),
    ),
    "plan": (
        _row_form(m.PaymentPlan, ["month", "amount", "due_on"], {"month": DATE, "due_on": DATE}),
        _("Plan a payment"),
    ),
    "payment": (
        _row_form(m.Payment, ["received_on", "amount", "reference"], {"received_on": DATE}),
        _("Record a payment received"),
    ),
    "pickup": (
        _row_form(m.PickUp, ["on", "product_line", "quantity", "amount", "policy"], {"on": DATE}),
        _("Record a pick-up"),
    ),
    "shipment": (
        _row_form(
            m.Shipment,
            ["dispatched_on", "carrier", "tracking_number", "arrived_on"],
            {"dispatched_on": DATE, "arrived_on": DATE},
        ),
        _("Record a shipment"),
    ),
    "stock": (
        _row_form(m.StockReport, ["on", "product_line", "on_hand", "sold"], {"on": DATE}),
        _("Record the dealer's stock"),
    ),
}


def section_form(section: str, account, data=None):
    """The form of ``section`` for ``account`` (its unique checks need the account)."""
    form_class, _title = SECTIONS[section]
    instance = form_class._meta.model(account=account)
    form = form_class(data, instance=instance)
    if section == "plan":
        form.fields["month"].help_text = _("The first day of the month.")
    return form


class ReassignForm(forms.Form):
    account_manager = ManagerChoiceField(label=_("Account manager"), queryset=None)
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = managers_for(user)


class ContractStepForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)


class ArrivalForm(forms.Form):
    arrived_on = forms.DateField(label=_("Arrived"), widget=DATE)


class AccountFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False)
    grade = forms.ChoiceField(label=_("Class"), choices=[("", _("Any class")), *Grade.choices[1:]], required=False)
    value_class = forms.ChoiceField(
        label=_("Value class"), choices=[("", _("Any value class")), *ValueClass.choices], required=False
    )
    manager = ManagerChoiceField(label=_("Account manager"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers_for(user)

    def apply(self, accounts):
        if not self.is_valid():
            return accounts
        data = self.cleaned_data
        if data["q"]:
            accounts = accounts.filter(customer__company__icontains=data["q"]) | accounts.filter(
                customer__name__icontains=data["q"]
            )
        for name in ("status", "grade", "value_class"):
            if data[name]:
                accounts = accounts.filter(**{name: data[name]})
        if data["manager"]:
            accounts = accounts.filter(account_manager=data["manager"])
        return accounts


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), required=False, input_formats=["%Y-%m"])

    def day(self, today: dt.date) -> dt.date:
        return (self.cleaned_data.get("month") if self.is_valid() else None) or today


class PaymentFilter(forms.Form):
    state = forms.ChoiceField(
        choices=[("", _("Due and overdue")), ("due", _("Due in 30 days")), ("overdue", _("Overdue"))], required=False
    )


class ContractFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *m.ContractStatus.choices], required=False
    )
    ending = forms.BooleanField(label=_("Ending within 90 days"), required=False)

    def apply(self, contracts, today: dt.date):
        if not self.is_valid():
            return contracts
        if self.cleaned_data["status"]:
            contracts = contracts.filter(status=self.cleaned_data["status"])
        if self.cleaned_data["ending"]:
            contracts = contracts.filter(
                status=m.ContractStatus.SIGNED, ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=90)
            )
        return contracts


class RhythmForm(forms.ModelForm):
    class Meta:
        model = m.ServiceRhythm
        fields = ["contact_every_days", "review_every_months", "dedicated_manager", "holiday_greetings"]


RhythmFormSet = forms.modelformset_factory(m.ServiceRhythm, form=RhythmForm, extra=0)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Dealer list (xlsx)"))
