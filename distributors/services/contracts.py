"""The contract record (seed 000 合同签订): drafted by the account manager, reviewed by
head office before signing (合同签订前，要对合同条款进行仔细审核), then signed; renewal
reminders go on the account manager's worklist before it ends."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import hooks
from crm.access import audit
from crm.models import Role, staff_profile
from distributors.models import Contract, ContractStatus, DealerAccount, Status
from distributors.services.accounts import TransitionRefused

# step: (statuses it starts from, status it leads to, who may take it)
STEPS = {
    "submit": ((ContractStatus.DRAFT, ContractStatus.RETURNED), ContractStatus.IN_REVIEW, None),
    "approve": ((ContractStatus.IN_REVIEW,), ContractStatus.APPROVED, Role.HEAD_OFFICE),
    "return": ((ContractStatus.IN_REVIEW,), ContractStatus.RETURNED, Role.HEAD_OFFICE),
    "sign": ((ContractStatus.APPROVED,), ContractStatus.SIGNED, None),
}


def take_step(contract: Contract, step: str, *, by, note: str = "", signed_on: dt.date | None = None) -> Contract:
    """Move the contract one step; refused (TransitionRefused) out of order or by the wrong role.
    Only head office approves or returns; nothing is signed before approval."""
    if step not in STEPS:
        raise TransitionRefused(_("Unknown step."))
    sources, target, role = STEPS[step]
    profile = staff_profile(by)
    if role is not None and (profile is None or profile.role != role):
        raise TransitionRefused(_("Only head office reviews contracts."))
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.status not in sources:
            raise TransitionRefused(
                _("A contract that is “%(status)s” cannot take this step.") % {"status": locked.get_status_display()}
            )
        now = timezone.now()
        if step == "submit":
            locked.submitted_at = now
        elif step in ("approve", "return"):
            if step == "return" and not note.strip():
                raise TransitionRefused(_("Say what has to change."))
            locked.reviewed_at, locked.reviewed_by, locked.review_note = now, by, note.strip()
        else:
            locked.signed_on = signed_on or timezone.localdate(now)
        locked.status = target
        locked.save()
        audit(by, f"distributors.contract_{step}", locked.account, contract=locked.pk)
    contract.refresh_from_db()
    return contract


def renewal_reminders(day: dt.date) -> dict:
    """Daily job: a renewal call for each signed contract of a live account whose reminder
    day has come, once per contract (the key)."""
    due = (
        Contract.objects.filter(status=ContractStatus.SIGNED, ends_on__gte=day)
        .exclude(account__status=Status.ENDED)
        .select_related("account__customer__home_store", "account__account_manager")
    )
    calls = []
    for contract in due:
        if contract.ends_on - dt.timedelta(days=contract.remind_days) > day:
            continue
        account: DealerAccount = contract.account
        calls.append(
            {
                "customer": account.customer,
                "purpose": _("Contract %(number)s ends on %(end)s: talk about renewal")
                % {"number": contract.number or contract.pk, "end": contract.ends_on},
                "due_date": day,
                "assignee": account.account_manager,
                "store": account.customer.home_store,
                "key": f"dist:{account.pk}:renewal:{contract.pk}:{contract.ends_on}",
            }
        )
    return {"renewal_reminders": sum(fn(calls) for fn in hooks.functions("schedule_callbacks"))}
