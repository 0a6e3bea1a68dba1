"""The change log of a customer's personal fields, and the one writer of the edit form.

Changes are audit events (``customer.changed``) like every other trace in Kedang: one
table that the head office audit page filters, next to views, disclosures and exports.
django-simple-history would keep a second, per-model history beside the audit events the
access log needs anyway; one mechanism is easier to read and to export. Each event holds
``{field: [old, new]}``, with mobile and ID numbers masked.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from crm.access import audit
from crm.models import AuditEvent, staff_profile
from customers.models import Customer
from customers.privacy import consent
from customers.privacy.models import ConsentKind, ConsentMethod

TRACKED = (
    "name",
    "gender",
    "mobile",
    "card_number",
    "birthday",
    "wedding_anniversary",
    "address",
    "home_store",
    "tier",
    "marketing_consent",
    "company",
)


def mask_mobile(mobile: str | None) -> str:
    digits = (mobile or "").removeprefix("+86")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 11 else ("*" * len(digits))


def snapshot(customer: Customer) -> dict:
    values = {name: getattr(customer, name) for name in TRACKED}
    values["home_store"] = customer.home_store.code
    values["mobile"] = mask_mobile(customer.mobile)
    values["id_number"] = customer.masked_id_number() if customer.id_number_encrypted else ""
    return {name: "" if value is None else str(value) for name, value in values.items()}


def log_changes(customer: Customer, before: dict, *, by, source: str, store=None) -> dict:
    """Audit what changed since ``before`` (a ``snapshot``); returns the changes."""
    after = snapshot(customer)
    changes = {name: [before[name], after[name]] for name in after if before.get(name) != after[name]}
    if changes:
        audit(by, "customer.changed", customer, store=store or customer.home_store, source=source, changes=changes)
    return changes


def save_edit(form, *, by) -> Customer:
    """Save a valid ``CustomerForm`` of an existing customer: fields, ID number, marketing
    consent (through the consent history) and the change log, in one transaction."""
    with transaction.atomic():
        before = snapshot(Customer.objects.get(pk=form.instance.pk))
        customer = form.save(commit=False)
        if form.cleaned_data.get("id_number"):
            customer.set_id_number(form.cleaned_data["id_number"])
        customer.save()
        wanted = bool(form.cleaned_data.get("marketing_consent"))
        if wanted != customer.marketing_consent:
            consent.record_consent(
                customer, kind=ConsentKind.MARKETING, granted=wanted, by=by, method=ConsentMethod.FORM
            )
        log_changes(customer, before, by=by, source="form")
    return customer


def _label(name: str) -> str:
    if name == "id_number":
        return str(_("ID-card number"))
    return str(Customer._meta.get_field(name).verbose_name)


def change_log(customer: Customer, user, limit: int = 30) -> list | None:
    """The customer's recorded changes for the profile; None for those who may not see them
    (only managers and head office do)."""
    profile = staff_profile(user)
    if profile is None or not (profile.is_manager or profile.is_head_office):
        return None
    events = AuditEvent.objects.filter(
        action="customer.changed", object_type="customers.customer", object_id=str(customer.pk)
    ).select_related("actor__staff")[:limit]
    for event in events:
        event.changes = [(_label(name), old, new) for name, (old, new) in event.detail.get("changes", {}).items()]
    return events
