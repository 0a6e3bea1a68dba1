"""The customer's rights: a copy of everything Kedang holds about them, and erasure.

Each app adds its own records to the copy through the ``customer_data`` hook (a list of
``Section``) and removes its personal data on erasure through ``customer_erased``. The
home store's manager asks (a ``RightsRequest``); head office approves, or acts at once.
Erasure anonymises the customer row and keeps the purchases, so every total in the
reports stays the same; it cannot be undone.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm import hooks
from crm.access import audit
from crm.models import AuditEvent, staff_profile
from crm.xlsx import Sheet, write_workbook
from customers.models import ContactLog, Customer, Purchase, PurchaseLine
from customers.privacy.models import ConsentRecord, RightsKind, RightsRequest, RightsStatus

ERASED_NAME = "已注销顾客"
_SKIPPED = {"id_number_encrypted", "id_number_hash"}


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]  # field names (the JSON keys)
    labels: list[str]  # column headers in the xlsx
    rows: list[list]


def section(key: str, title, queryset, exclude=()) -> Section:
    """A ``Section`` with every concrete field of ``queryset``'s model (foreign keys as ids)."""
    fields = [f for f in queryset.model._meta.concrete_fields if f.name not in _SKIPPED | set(exclude)]
    rows = [[_plain(f.value_from_object(obj)) for f in fields] for obj in queryset.order_by("pk")]
    return Section(key, str(title), [f.attname for f in fields], [str(f.verbose_name) for f in fields], rows)


def _plain(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def sections(customer: Customer) -> list[Section]:
    own = Customer.objects.filter(pk=customer.pk)
    profile = section("profile", _("Profile"), own)
    profile.columns.append("id_number")
    profile.labels.append(str(_("ID-card number")))
    profile.rows[0].append(customer.masked_id_number())
    lines = PurchaseLine.objects.filter(purchase__customer=customer)
    access = AuditEvent.objects.filter(object_type="customers.customer", object_id=str(customer.pk))
    parts = [
        profile,
        section("consents", _("Consent history"), ConsentRecord.objects.filter(customer=customer)),
        section("purchases", _("Purchases"), Purchase.objects.filter(customer=customer)),
        section("purchase_lines", _("Purchase lines"), lines),
        section("contacts", _("Contact log"), ContactLog.objects.filter(customer=customer)),
        section("access_log", _("Access log"), access),
    ]
    for provided in hooks.panels("customer_data", customer):
        parts.extend(provided)
    return parts


def export_json(customer: Customer) -> str:
    data = {s.key: [dict(zip(s.columns, row, strict=True)) for row in s.rows] for s in sections(customer)}
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def export_xlsx(customer: Customer, target) -> None:
    write_workbook(target, [Sheet(s.title[:31], s.labels, s.rows) for s in sections(customer)])


# --- requests -------------------------------------------------------------------------------


def may_request(user, customer: Customer) -> bool:
    profile = staff_profile(user)
    if profile is None:
        return False
    return profile.is_head_office or (profile.is_manager and profile.store_id == customer.home_store_id)


def request(customer: Customer, kind: str, by) -> RightsRequest:
    """Ask (home store manager) or act (head office: approved at once, erasure carried out)."""
    is_hq = staff_profile(by).is_head_office
    try:
        with transaction.atomic():
            req = RightsRequest.objects.create(customer=customer, kind=kind, requested_by=by)
            audit(by, f"customer.{'erasure' if kind == RightsKind.ERASE else 'rights'}.requested", customer, kind=kind)
    except IntegrityError:
        req = RightsRequest.objects.get(customer=customer, kind=kind, status=RightsStatus.PENDING)
    if is_hq:
        decide(req, approve=True, by=by)
        req.refresh_from_db()
    return req


def decide(req: RightsRequest, *, approve: bool, by) -> bool:
    """Head office's decision, once (a conditional update: a second click changes nothing)."""
    status = RightsStatus.APPROVED if approve else RightsStatus.REJECTED
    with transaction.atomic():
        done = RightsRequest.objects.filter(pk=req.pk, status=RightsStatus.PENDING).update(
            status=status, decided_by=by, decided_at=timezone.now()
        )
        if not done:
            return False
        if approve and req.kind == RightsKind.ERASE:
            erase(req.customer, by=by)
        elif not approve:
            audit(by, "customer.erasure.rejected" if req.kind == RightsKind.ERASE else "customer.rights.rejected",
                  req.customer)  # fmt: skip
    return True


def may_export(user, customer: Customer) -> bool:
    """Head office always; the home manager with an approved request of the last days."""
    profile = staff_profile(user)
    if profile is None or not may_request(user, customer):
        return False
    if profile.is_head_office:
        return True
    since = timezone.now() - dt.timedelta(days=settings.KEDANG_RIGHTS_EXPORT_DAYS)
    return RightsRequest.objects.filter(
        customer=customer, kind=RightsKind.EXPORT, status=RightsStatus.APPROVED, decided_at__gte=since
    ).exists()


# --- erasure --------------------------------------------------------------------------------

_BLANK = {
    "name": ERASED_NAME,
    "mobile": None,
    "card_number": None,
    "id_number_encrypted": "",
    "id_number_hash": "",
    "address": "",
    "birthday": None,
    "wedding_anniversary": None,
    "style": "",
    "colour": "",
    "material": "",
    "size": "",
    "occupation": "",
    "notes": "",
    "company": "",
    "referred_by": None,
    "marketing_consent": False,
    "mobile_invalid": False,
    "consent_pending": False,
}


def erase(customer: Customer, *, by, reason: str = "request") -> None:
    """Anonymise the customer for good; purchases, spend and visits stay for the reports."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.erased_at:
            return
        now = timezone.now()
        Customer.objects.filter(pk=locked.pk).update(
            **_BLANK, erased_at=now, marketing_opt_out_at=locked.marketing_opt_out_at or now, updated_at=now
        )
        locked.refresh_from_db()
        ContactLog.objects.filter(customer=locked).update(note="")
        # The change log held old names and addresses: only which fields changed remains.
        for event in AuditEvent.objects.filter(_about(locked), action="customer.changed"):
            event.detail = {**event.detail, "changes": {k: ["***", "***"] for k in event.detail.get("changes", {})}}
            event.save(update_fields=["detail"])
        hooks.each("customer_erased", locked)
        audit(by, "customer.erasure.approved", locked, store=locked.home_store, reason=reason)
    customer.refresh_from_db()


def _about(customer: Customer) -> Q:
    return Q(object_type="customers.customer", object_id=str(customer.pk))


def panel(customer: Customer, user) -> dict | None:
    """What the profile's rights panel offers ``user`` (None: nothing, for clerks and others)."""
    if not may_request(user, customer):
        return None
    pending = list(customer.rights_requests.filter(status=RightsStatus.PENDING).values_list("kind", flat=True))
    return {"can_export": may_export(user, customer), "pending": pending, "erased": customer.erased_at is not None}
