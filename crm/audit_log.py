"""The head office audit page: who looked at, changed, disclosed or exported what.

Every trace is an ``AuditEvent`` (views of a customer profile, unmasked disclosures,
changes, consent, exports, downloads, lookups). ``AuditFilterForm`` parses the page's
filters; ``heavy_viewers`` flags staff whose profile views in one hour exceed
``KEDANG_AUDIT_VIEWS_PER_HOUR_ALERT``.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import AuditEvent, Store, staff_name

VIEW_ACTION = "customer.viewed"
CUSTOMER_TYPE = "customers.customer"

# Codes of the actions a person is shown; other codes are shown as they are stored.
ACTION_LABELS = {
    VIEW_ACTION: _("Viewed a customer profile"),
    "customer.changed": _("Changed a customer's details"),
    "customer.consent": _("Recorded consent"),
    "customer.captured": _("Captured a customer"),
    "customer.lookup.full_mobile": _("Looked up a full mobile number"),
    "customer.lookup.limited": _("Lookup refused: too many"),
    "customer.serve_code.sent": _("Sent a serving code"),
    "customer.serve_code.checked": _("Checked a serving code"),
    "customer.shared.sale": _("Shared by a sale"),
    "customer.shared.head_office": _("Shared by head office"),
    "customer.disclosed.id_number": _("Showed a full ID number"),
    "customer.disclosed.id_numbers": _("Exported full ID numbers"),
    "customer.rights.exported": _("Exported a customer's data"),
    "customer.rights.requested": _("Asked to export a customer's data"),
    "customer.rights.rejected": _("Refused an export"),
    "customer.erasure.requested": _("Asked to erase a customer"),
    "customer.erasure.approved": _("Erased a customer"),
    "customer.erasure.rejected": _("Refused an erasure"),
    "export": _("Exported a list"),
    "report.downloaded": _("Downloaded a report"),
    # logins and sessions (crm.logins, crm.sessions, crm.two_factor)
    "login.succeeded": _("Logged in"),
    "login.failed": _("Failed login"),
    "login.locked": _("Login locked after failures"),
    "login.unlocked": _("Unlocked a login"),
    "sessions.ended": _("Ended sessions"),
    "2fa.enrolled": _("Set up two-step login"),
    "2fa.verified": _("Passed the second step"),
    "2fa.failed": _("Wrong second-step code"),
}


def _bounded_int(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, **kwargs)


class AuditFilterForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff"), queryset=get_user_model().objects.none(), required=False)
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.all(), required=False)
    customer = _bounded_int(label=_("Customer number"))
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = get_user_model().objects.filter(staff__isnull=False).order_by("username")
        self.fields["action"].choices = [("", _("All actions")), *ACTION_LABELS.items()]

    def events(self):
        """The events matching the valid filters (all of them while the form is unbound)."""
        events = AuditEvent.objects.select_related("actor__staff", "store").order_by("-at", "-id")
        if not self.is_bound:
            return events
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["staff"]:
            events = events.filter(actor=data["staff"])
        if data["store"]:
            events = events.filter(store=data["store"])
        if data["customer"]:
            events = events.filter(object_type=CUSTOMER_TYPE, object_id=str(data["customer"]))
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(at__gte=_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=_start(data["date_to"] + dt.timedelta(days=1)))
        return events


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def heavy_viewers(events, limit: int | None = None) -> list[dict]:
    """Staff and hours with more profile views than ``limit`` (the setting by default)."""
    limit = settings.KEDANG_AUDIT_VIEWS_PER_HOUR_ALERT if limit is None else limit
    rows = list(
        events.filter(action=VIEW_ACTION, actor__isnull=False)
        .annotate(hour=TruncHour("at"))
        .values("actor", "hour")
        .annotate(views=Count("id"))
        .filter(views__gt=limit)
        .order_by("-views", "-hour")[:50]
    )
    users = get_user_model().objects.select_related("staff").in_bulk({r["actor"] for r in rows})
    return [{**r, "name": staff_name(users.get(r["actor"]))} for r in rows]


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def export_rows(events):
    for e in events.iterator(chunk_size=2000):
        yield [e.at, staff_name(e.actor), e.store.code if e.store else "", action_label(e.action), e.object_type,
               e.object_id, _detail_text(e.detail)]  # fmt: skip


def _detail_text(detail: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in (detail or {}).items())


def annotate(page) -> None:
    """Labels and customer links for one page of events."""
    for e in page:
        e.label = action_label(e.action)
        e.customer_id = int(e.object_id) if e.object_type == CUSTOMER_TYPE and e.object_id.isdigit() else None
        e.detail_text = _detail_text(e.detail)


def nav_links(request) -> list[tuple[str, str]]:
    from django.urls import reverse

    from crm.models import staff_profile

    profile = staff_profile(request.user)
    return [(reverse("audit"), _("Audit log"))] if profile is not None and profile.is_head_office else []
