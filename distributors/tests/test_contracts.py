import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from distributors.models import Contract, ContractStatus, Grade, Status
from distributors.services.accounts import TransitionRefused
from distributors.services.contracts import renewal_reminders, take_step
from followups.models import FollowUpTask


@pytest.fixture
def contract(account_a):
    return Contract.objects.create(
        account=account_a,
        number="HT-2026-01",
        key_terms="独家代理苏州地区；年度任务 200 万",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        remind_days=60,
    )


def test_head_office_reviews_before_signing(contract, am_a, head_office):
    with pytest.raises(TransitionRefused):
        take_step(contract, "sign", by=am_a)  # not reviewed yet
    take_step(contract, "submit", by=am_a)
    assert contract.status == ContractStatus.IN_REVIEW and contract.submitted_at
    with pytest.raises(TransitionRefused):
        take_step(contract, "approve", by=am_a)  # only head office reviews
    with pytest.raises(TransitionRefused):
        take_step(contract, "return", by=head_office, note="")  # a return says what to change
    take_step(contract, "return", by=head_office, note="任务额写清楚")
    assert contract.status == ContractStatus.RETURNED and contract.reviewed_by == head_office
    take_step(contract, "submit", by=am_a)
    take_step(contract, "approve", by=head_office)
    take_step(contract, "sign", by=am_a, signed_on=dt.date(2026, 1, 5))
    assert (contract.status, contract.signed_on) == (ContractStatus.SIGNED, dt.date(2026, 1, 5))
    with pytest.raises(TransitionRefused):
        take_step(contract, "submit", by=am_a)


def test_the_review_buttons_work_from_the_file(client_for, contract, am_a, head_office):
    url = reverse("distributors:contract_step", args=[contract.account_id, contract.pk, "submit"])
    assert client_for(am_a).post(url).status_code == 302
    approve = reverse("distributors:contract_step", args=[contract.account_id, contract.pk, "approve"])
    response = client_for(am_a).post(approve, follow=True)
    assert "只有总部审核合同" in response.content.decode()
    client_for(head_office).post(approve)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    bad = reverse("distributors:contract_step", args=[contract.account_id, contract.pk, "burn"])
    assert client_for(head_office).post(bad).status_code == 404


def test_it_reminds_the_account_manager_of_the_renewal_once(contract, am_a, head_office):
    from distributors.services.accounts import move

    move(contract.account, Status.INTENT, Grade.SOON, by=am_a)
    move(contract.account, Status.EXISTING, Grade.KEY, by=am_a)
    for step in ("submit", "approve", "sign"):
        take_step(contract, step, by=head_office if step == "approve" else am_a)
    with time_machine.travel("2026-10-31 08:00 +0800", tick=False):
        assert renewal_reminders(dt.date(2026, 10, 31)) == {"renewal_reminders": 0}
    assert renewal_reminders(dt.date(2026, 11, 1)) == {"renewal_reminders": 1}
    assert renewal_reminders(dt.date(2026, 11, 2)) == {"renewal_reminders": 0}
    task = FollowUpTask.objects.get(customer=contract.account.customer)
    assert task.assignee == am_a and "HT-2026-01" in task.purpose
