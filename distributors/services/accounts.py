"""Business accounts: opening one on the customer file, moving it through the pipeline
(seed 004: potential → intent → existing → ended), and adding rows to its file."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import hooks
from crm.access import audit
from crm.models import Role, Store, staff_profile
from customers.models import Customer, CustomerKind
from distributors.models import AccountChange, ChangeKind, DealerAccount, Grade, PickUp, PickUpPolicy, Status
from distributors.models.accounts import GRADES_BY_STATUS, TRANSITIONS

# What has to be done after a cooperation ends (seed 004: 要做好终止后的工作).
AFTER_END_TASKS = (
    ("stock", gettext_lazy("Cooperation ended: settle the dealer's remaining stock")),
    ("payments", gettext_lazy("Cooperation ended: settle the open payments")),
    ("materials", gettext_lazy("Cooperation ended: take back signs, samples and display materials")),
)


class TransitionRefused(Exception):
    """The pipeline does not allow this move; ``str(error)`` says why, for the user."""


def business_store() -> Store:
    """The store the dealers' customer files belong to: not a shop, so no clerk or store
    manager sees them (``KEDANG_DISTRIBUTORS_STORE``, created on first use)."""
    code = settings.KEDANG_DISTRIBUTORS_STORE
    store, _created = Store.objects.get_or_create(code=code, defaults={"name": _("Distribution (head office)")})
    return store


def can_manage_accounts(user) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.role in (Role.ACCOUNT_MANAGER, Role.SALES_MANAGER, Role.HEAD_OFFICE)


def open_account(*, company: str, contact_name: str, account_manager, by, status=Status.POTENTIAL, grade="", **fields):
    """A new business customer and its account, in the given status (potential by default)."""
    grade = _checked_grade(status, grade)
    customer_fields = {k: fields.pop(k) for k in list(fields) if k in CUSTOMER_FIELDS}
    with transaction.atomic():
        customer = Customer.objects.create(
            kind=CustomerKind.BUSINESS,
            name=contact_name or company,
            company=company,
            home_store=business_store(),
            development_stage=status,
            **customer_fields,
        )
        now = timezone.now()
        account = DealerAccount.objects.create(
            customer=customer, account_manager=account_manager, status=status, grade=grade, status_since=now, **fields
        )
        AccountChange.objects.create(
            account=account, kind=ChangeKind.STATUS, new_status=status, new_grade=grade, at=now, by=by
        )
        audit(by, "distributors.account_opened", account)
    return account


CUSTOMER_FIELDS = ("address", "business_lines", "yearly_revenue", "brands_carried", "logistics_partner", "notes")


def _checked_grade(status: str, grade: str) -> str:
    allowed = GRADES_BY_STATUS[Status(status)]
    if grade in allowed:
        return grade
    if len(allowed) == 1:
        return allowed[0]
    raise TransitionRefused(_("Choose a class for this status."))


def allowed_moves(account: DealerAccount) -> list[tuple[str, str]]:
    """(status, grade) pairs the account can move to from where it is."""
    moves = [(account.status, g) for g in GRADES_BY_STATUS[Status(account.status)] if g != account.grade]
    for status in TRANSITIONS[Status(account.status)]:
        moves.extend((status, g) for g in GRADES_BY_STATUS[status])
    return moves


def move(account: DealerAccount, status: str, grade: str = "", *, by, reason: str = "", end_reason: str = ""):
    """Change the account's status and/or class, with who, when and why.

    Refused (TransitionRefused): a move the pipeline does not allow (potential straight to
    existing, existing back to intent, …), a class that does not belong to the status, no
    change at all, and ending a cooperation without a reason. Ending one puts the
    after-termination tasks on the account manager's worklist."""
    with transaction.atomic():
        locked = DealerAccount.objects.select_for_update().select_related("customer").get(pk=account.pk)
        if status != locked.status and status not in TRANSITIONS[Status(locked.status)]:
            raise TransitionRefused(
                _("An account cannot move from “%(old)s” to “%(new)s”.")
                % {"old": locked.get_status_display(), "new": Status(status).label}
            )
        grade = _checked_grade(status, grade)
        if (status, grade) == (locked.status, locked.grade):
            raise TransitionRefused(_("The account is already there."))
        if status == Status.ENDED and not (end_reason and reason.strip()):
            raise TransitionRefused(_("Say why the cooperation ends."))
        now = timezone.now()
        AccountChange.objects.create(
            account=locked,
            kind=ChangeKind.STATUS,
            old_status=locked.status,
            old_grade=locked.grade,
            new_status=status,
            new_grade=grade,
            at=now,
            by=by,
            reason=reason.strip(),
        )
        if status != locked.status:
            locked.status_since = now
        locked.status, locked.grade = status, grade
        locked.end_reason = end_reason if status == Status.ENDED else ""
        locked.save(update_fields=["status", "grade", "status_since", "end_reason"])
        Customer.objects.filter(pk=locked.customer_id).update(development_stage=status)
        audit(by, "distributors.moved", locked, status=status, grade=grade)
        if status == Status.ENDED:
            _after_end_tasks(locked, now)
    account.refresh_from_db()
    return account


def _after_end_tasks(account: DealerAccount, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    calls = [
        {
            "customer": account.customer,
            "purpose": str(purpose),
            "due_date": today + dt.timedelta(days=offset),
            "assignee": account.account_manager,
            "store": account.customer.home_store,
            "key": f"dist:{account.pk}:ended:{now:%Y%m%d%H%M%S}:{code}",
        }
        for offset, (code, purpose) in enumerate(AFTER_END_TASKS, start=1)
    ]
    for fn in hooks.functions("schedule_callbacks"):
        fn(calls)


def set_account_manager(account: DealerAccount, manager, *, by, reason: str = "") -> DealerAccount:
    with transaction.atomic():
        old = account.account_manager
        if old.pk == manager.pk:
            return account
        AccountChange.objects.create(
            account=account,
            kind=ChangeKind.MANAGER,
            old_value=old.username,
            new_value=manager.username,
            at=timezone.now(),
            by=by,
            reason=reason,
        )
        account.account_manager = manager
        account.save(update_fields=["account_manager"])
        audit(by, "distributors.manager_changed", account)
    return account


def update_file(account: DealerAccount, *, by, account_fields: dict, customer_fields: dict) -> DealerAccount:
    """The file's own fields: on the account and on the business customer."""
    with transaction.atomic():
        for name, value in account_fields.items():
            setattr(account, name, value)
        account.save(update_fields=list(account_fields))
        customer = account.customer
        for name, value in customer_fields.items():
            setattr(customer, name, value)
        customer.save(update_fields=[*customer_fields, "updated_at"])
        audit(by, "distributors.file_updated", account)
    return account


def add_row(account: DealerAccount, row, *, by):
    """One row of the account's file (a person, a visit, a payment, …), from a form's
    unsaved instance."""
    with transaction.atomic():
        row.account = account
        row.created_by = by
        if isinstance(row, PickUp) and row.policy_id is None:
            row.policy = PickUpPolicy.objects.in_force(row.on)
        row.save()
        audit(by, f"distributors.{row._meta.model_name}_added", account)
    return row


def mark_arrived(shipment, arrived_on: dt.date, *, by):
    with transaction.atomic():
        shipment.arrived_on = arrived_on
        shipment.save(update_fields=["arrived_on"])
        audit(by, "distributors.shipment_arrived", shipment.account)
    return shipment


def default_grade(status: str) -> str:
    return GRADES_BY_STATUS[Status(status)][0] if status in Status.values else Grade.NONE
