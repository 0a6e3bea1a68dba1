"""Forms validate and normalise; the services write."""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Category,
    Channel,
    Department,
    EventKind,
    ResolutionType,
    ReturnKind,
    Severity,
    Sla,
    Status,
)
from crm.models import Role, Store
from customers.models import Customer, Purchase
from customers.validators import normalise_digits, normalise_mobile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the attachments service, which
    keeps the good ones and reports the others."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,application/pdf"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def owner_choices(store: Store | None):
    """Staff who can work on a complaint of ``store``: its clerks and managers, and head office."""
    User = get_user_model()
    scope = Q(staff__role=Role.HEAD_OFFICE)
    if store is not None:
        scope |= Q(staff__store=store, staff__role__in=[Role.CLERK, Role.MANAGER])
    return User.objects.filter(scope, is_active=True).select_related("staff").order_by("staff__role", "username")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.staff.name} · {obj.staff.get_role_display()}"


class ComplaintForm(forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), required=False, widget=forms.HiddenInput)
    customer_lookup = forms.CharField(
        label=_("Customer mobile or card number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for an unidentified caller."),
    )
    caller_name = forms.CharField(label=_("Caller name"), max_length=100, required=False)
    caller_contact = forms.CharField(label=_("Caller contact"), max_length=100, required=False)
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none())
    purchase = forms.ModelChoiceField(label=_("Related purchase"), queryset=Purchase.objects.none(), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    owner = StaffChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)
    attachments = MultipleFileField(label=_("Photos or PDF"))
    source_task = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        customers = Customer.objects.visible_to(user)
        self.fields["customer"].queryset = customers
        stores = Store.objects.visible_to(user).filter(is_active=True)
        self.fields["store"].queryset = stores
        profile = user.staff
        if profile.store_id:
            self.fields["store"].initial = profile.store_id
        customer = self._bound_customer(customers)
        if customer is not None:
            self.fields["purchase"].queryset = Purchase.objects.visible_to(user).filter(customer=customer)
        self.fields["owner"].queryset = owner_choices(profile.store)
        self.fields["owner"].initial = user.pk

    def _bound_customer(self, customers):
        raw = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        if raw in (None, ""):
            return None
        if isinstance(raw, Customer):
            return raw
        try:
            return customers.filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        lookup = normalise_digits(data.get("customer_lookup", ""))
        if not data.get("customer") and lookup:
            found = self._find(lookup)
            if found is None:
                self.add_error("customer_lookup", _("No customer you can see has this mobile or card number."))
            data["customer"] = found
        if not data.get("customer") and not data.get("caller_contact", "").strip():
            self.add_error("caller_contact", _("Choose the customer, or give the caller's contact."))
        purchase = data.get("purchase")
        if purchase is not None and data.get("customer") and purchase.customer_id != data["customer"].pk:
            self.add_error("purchase", _("That purchase belongs to another customer."))
        return data

    def _find(self, text: str):
        customers = Customer.objects.visible_to(self.user)
        try:
            found = customers.filter(mobile=normalise_mobile(text)).first()
        except ValidationError:
            found = None
        return found or customers.filter(card_number__iexact=text).first()


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    owner = StaffChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    text = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(complaint.store)


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, EventKind(k).label) for k in (EventKind.NOTE, EventKind.CONTACT, EventKind.EVIDENCE)],
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Photos or PDF"))


class StatusForm(forms.Form):
    ACTIONS = ("start", "wait", "resume", "close", "reopen")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    text = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolutionForm(forms.Form):
    resolution_type = forms.ChoiceField(label=_("Resolution"), choices=ResolutionType.choices)
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=12, decimal_places=2, min_value=0, required=False)
    note = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("Does the customer agree?"),
        choices=[("yes", _("Agrees")), ("no", _("Does not agree"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Note"), required=False)


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Satisfaction (1 = very dissatisfied, 5 = very satisfied)"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    satisfied = forms.TypedChoiceField(
        label=_("Is the customer satisfied with how the complaint was handled?"),
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Customer's comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), ("open", _("Open")), *Status.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("Any category")
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any severity")), *Severity.choices]
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices])
    store = forms.ModelChoiceField(
        label=_("Store"), queryset=Store.objects.none(), required=False, empty_label=_("Any store")
    )
    overdue = forms.BooleanField(label=_("Past deadline"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.visible_to(user)


class ReturnForm(forms.Form):
    """The lines to take back are fields ``qty_<line id>``, added per purchase."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=ReturnKind.choices, widget=forms.RadioSelect, initial=ReturnKind.RETURN
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    replacement_item = forms.CharField(label=_("Replacement item"), max_length=120, required=False)
    replacement_size = forms.CharField(label=_("Size"), max_length=30, required=False)
    replacement_colour = forms.CharField(label=_("Colour"), max_length=30, required=False)
    replacement_quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1, required=False)
    replacement_value = forms.DecimalField(
        label=_("Replacement value (CNY)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Leave empty for a like-for-like exchange."),
    )
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line, left in lines:
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                label=line.item, min_value=0, max_value=left, initial=0, required=False
            )

    def line_fields(self):
        return [(line, left, self[f"qty_{line.pk}"]) for line, left in self.lines]

    def clean(self):
        data = super().clean()
        if not any(data.get(f"qty_{line.pk}") for line, _left in self.lines):
            raise ValidationError(_("Choose at least one line and quantity to take back."))
        if data.get("kind") == ReturnKind.EXCHANGE and not data.get("replacement_item", "").strip():
            self.add_error("replacement_item", _("An exchange needs the replacement item."))
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "position", "is_active"]


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "position", "is_active"]


MAX_HOURS = 24 * 366  # a deadline beyond a year is a typing error


class SlaForm(forms.Form):
    """The deadlines of one category: first response and resolution hours per severity."""

    def __init__(self, *args, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        for severity, label in Severity.choices:
            first, resolution = Sla.hours_for(category, severity)
            self.fields[f"{severity}_first"] = forms.IntegerField(
                label=_("%(severity)s: first response (hours)") % {"severity": label},
                min_value=1,
                max_value=MAX_HOURS,
                initial=first,
            )
            self.fields[f"{severity}_resolution"] = forms.IntegerField(
                label=_("%(severity)s: resolution (hours)") % {"severity": label},
                min_value=1,
                max_value=MAX_HOURS,
                initial=resolution,
            )

    def clean(self):
        data = super().clean()
        for severity, _label in Severity.choices:
            first, resolution = data.get(f"{severity}_first"), data.get(f"{severity}_resolution")
            if first and resolution and first > resolution:
                self.add_error(f"{severity}_resolution", _("Resolution cannot be due before the first response."))
        return data

    def rows(self):
        return [
            (label, self[f"{severity}_first"], self[f"{severity}_resolution"]) for severity, label in Severity.choices
        ]
