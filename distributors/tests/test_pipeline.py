import pytest
import time_machine

from customers.models import Customer
from distributors.models import AccountChange, ChangeKind, EndReason, Grade, Status
from distributors.services.accounts import TransitionRefused, allowed_moves, move
from followups.models import FollowUpTask

ALLOWED = [
    (Status.POTENTIAL, "", Status.INTENT, Grade.SOON),
    (Status.POTENTIAL, "", Status.INTENT, Grade.NEEDS_TIME),
    (Status.INTENT, Grade.SOON, Status.INTENT, Grade.NEEDS_TIME),
    (Status.INTENT, Grade.NEEDS_TIME, Status.POTENTIAL, ""),
    (Status.INTENT, Grade.SOON, Status.EXISTING, Grade.KEY),
    (Status.INTENT, Grade.SOON, Status.EXISTING, Grade.QUALIFIED),
    (Status.INTENT, Grade.SOON, Status.EXISTING, Grade.UNQUALIFIED),
    (Status.EXISTING, Grade.KEY, Status.EXISTING, Grade.UNQUALIFIED),
    (Status.EXISTING, Grade.QUALIFIED, Status.ENDED, ""),
    (Status.ENDED, "", Status.INTENT, Grade.NEEDS_TIME),
]
REFUSED = [
    (Status.POTENTIAL, "", Status.EXISTING, Grade.KEY),
    (Status.POTENTIAL, "", Status.ENDED, ""),
    (Status.POTENTIAL, "", Status.POTENTIAL, ""),
    (Status.INTENT, Grade.SOON, Status.ENDED, ""),
    (Status.INTENT, Grade.SOON, Status.INTENT, Grade.SOON),
    (Status.INTENT, Grade.SOON, Status.INTENT, Grade.KEY),
    (Status.INTENT, Grade.SOON, Status.EXISTING, ""),
    (Status.EXISTING, Grade.KEY, Status.INTENT, Grade.SOON),
    (Status.EXISTING, Grade.KEY, Status.POTENTIAL, ""),
    (Status.ENDED, "", Status.EXISTING, Grade.QUALIFIED),
    (Status.ENDED, "", Status.POTENTIAL, ""),
]


def _account_in(am, status, grade):
    from distributors.tests.factories import make_account

    return make_account(am, status=status, grade=grade)


@pytest.mark.parametrize(("old", "old_grade", "new", "new_grade"), ALLOWED)
def test_it_allows_the_pipeline_moves_and_records_who_when_why(am_a, old, old_grade, new, new_grade):
    account = _account_in(am_a, old, old_grade)
    end = EndReason.PAYMENTS if new == Status.ENDED else ""
    move(account, new, new_grade, by=am_a, reason="见面谈过", end_reason=end)
    assert (account.status, account.grade) == (new, new_grade)
    assert Customer.objects.get(pk=account.customer_id).development_stage == new
    change = AccountChange.objects.filter(account=account, kind=ChangeKind.STATUS).last()
    assert (change.old_status, change.old_grade, change.new_status, change.new_grade) == (
        old,
        old_grade,
        new,
        new_grade,
    )
    assert change.by == am_a and change.reason == "见面谈过" and change.at is not None
    assert (new, new_grade) in allowed_moves(_account_in(am_a, old, old_grade))


@pytest.mark.parametrize(("old", "old_grade", "new", "new_grade"), REFUSED)
def test_it_refuses_the_moves_the_pipeline_does_not_allow(am_a, old, old_grade, new, new_grade):
    account = _account_in(am_a, old, old_grade)
    changes = AccountChange.objects.filter(account=account).count()
    with pytest.raises(TransitionRefused):
        move(account, new, new_grade, by=am_a, reason="试试", end_reason=EndReason.OTHER)
    account.refresh_from_db()
    assert (account.status, account.grade) == (old, old_grade)
    assert AccountChange.objects.filter(account=account).count() == changes


def test_it_refuses_to_end_a_cooperation_without_a_reason(am_a):
    account = _account_in(am_a, Status.EXISTING, Grade.QUALIFIED)
    with pytest.raises(TransitionRefused):
        move(account, Status.ENDED, by=am_a, reason="", end_reason=EndReason.PAYMENTS)
    with pytest.raises(TransitionRefused):
        move(account, Status.ENDED, by=am_a, reason="回款太慢", end_reason="")
    assert account.status == Status.EXISTING


def test_it_puts_the_after_termination_tasks_on_the_account_managers_worklist(am_a):
    account = _account_in(am_a, Status.EXISTING, Grade.QUALIFIED)
    move(account, Status.ENDED, by=am_a, reason="达不到公司标准", end_reason=EndReason.BELOW_STANDARD)
    tasks = FollowUpTask.objects.filter(customer=account.customer)
    assert tasks.count() == 3
    assert {t.assignee for t in tasks} == {am_a}
    assert list(FollowUpTask.objects.visible_to(am_a).filter(customer=account.customer)) == list(tasks)
    assert account.end_reason == EndReason.BELOW_STANDARD


def test_it_keeps_the_time_in_each_stage(am_a):
    from distributors.analysis import stage_days

    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        account = _account_in(am_a, Status.POTENTIAL, "")
    with time_machine.travel("2026-03-11 10:00 +0800", tick=False):
        move(account, Status.INTENT, Grade.NEEDS_TIME, by=am_a)
    with time_machine.travel("2026-03-16 10:00 +0800", tick=False):
        move(account, Status.INTENT, Grade.SOON, by=am_a)  # a change of class stays in the stage
    with time_machine.travel("2026-04-10 10:00 +0800", tick=False):
        move(account, Status.EXISTING, Grade.KEY, by=am_a)
    with time_machine.travel("2026-04-20 10:00 +0800", tick=False):
        assert [days for _label, days in stage_days(account)] == [10.0, 30.0, 10.0]
