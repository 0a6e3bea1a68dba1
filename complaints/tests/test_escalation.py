"""Escalation: owner and store manager told once per breach; a second breach reaches head office."""

import datetime as dt

import time_machine
from django.core.management import call_command

from complaints import services
from complaints.escalation import escalate
from complaints.models import Breach, Complaint, Notification
from complaints.tasks import escalate_task
from complaints.tests.conftest import at

MONDAY = dt.date(2025, 3, 3)


def recipients(complaint):
    return sorted(Notification.objects.filter(complaint=complaint).values_list("recipient__username", flat=True))


def test_it_notifies_the_owner_and_store_manager_when_a_deadline_passes(make_complaint, manager_a, head_office):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY + dt.timedelta(days=1), 11))  # first response was due at 10:00
        counts = escalate()
    assert counts["first_breaches"] == 1
    assert recipients(complaint) == ["clerk_a", "manager_a"]
    complaint.refresh_from_db()
    assert complaint.breach_level == 1 and complaint.sla_breached
    assert "首次响应" in Notification.objects.filter(recipient=manager_a).get().text


def test_it_notifies_once_when_run_twice_the_same_day(make_complaint, manager_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY + dt.timedelta(days=1), 11))
        escalate()
        clock.move_to(at(MONDAY + dt.timedelta(days=1), 12))
        second = escalate()
    assert second["first_breaches"] == 0 and second["notifications"] == 0
    assert Notification.objects.filter(complaint=complaint).count() == 2
    assert Breach.objects.filter(complaint=complaint).count() == 1


def test_the_daily_job_and_the_hourly_task_share_the_claim(make_complaint, manager_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY + dt.timedelta(days=1), 11))
        call_command("run_daily_jobs", "--date", str(MONDAY + dt.timedelta(days=1)))
        escalate_task()
        call_command("run_daily_jobs", "--date", str(MONDAY + dt.timedelta(days=1)))
    assert Notification.objects.filter(complaint=complaint).count() == 2


def test_it_escalates_a_second_breach_to_head_office(make_complaint, manager_a, head_office):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY + dt.timedelta(days=1), 11))
        escalate()
        clock.move_to(at(MONDAY + dt.timedelta(days=1), 20))
        assert escalate()["second_breaches"] == 0  # not yet 24 hours after the first
        clock.move_to(at(MONDAY + dt.timedelta(days=2), 11))
        assert escalate()["second_breaches"] == 1
        assert escalate()["second_breaches"] == 0
    complaint.refresh_from_db()
    assert complaint.breach_level == 2
    assert Notification.objects.filter(recipient=head_office, complaint=complaint).count() == 1
    assert Notification.objects.filter(recipient=manager_a, complaint=complaint).count() == 2


def test_it_treats_missing_the_other_deadline_as_a_second_breach(make_complaint, clerk_a, head_office):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY, 12))
        services.start_investigation(complaint, clerk_a)
        clock.move_to(at(MONDAY + dt.timedelta(days=7), 11))
        assert escalate()["first_breaches"] == 1  # resolution deadline
        clock.move_to(at(MONDAY + dt.timedelta(days=8), 11))
        assert escalate()["second_breaches"] == 1
    assert Notification.objects.filter(recipient=head_office).count() == 1


def test_it_leaves_paused_and_resolved_complaints_alone(make_complaint, clerk_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        waiting = make_complaint()
        services.wait_on_customer(waiting, clerk_a)
        done = make_complaint()
        services.resolve(done, clerk_a, resolution_type="explanation", amount=None)
        clock.move_to(at(MONDAY + dt.timedelta(days=10), 10))
        assert escalate()["overdue"] == 0
    assert not Notification.objects.exists()


def test_a_reopened_complaint_can_breach_again(make_complaint, clerk_a, manager_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY + dt.timedelta(days=1), 11))
        escalate()
        services.resolve(complaint, clerk_a, resolution_type="explanation", amount=None)
        services.reopen(complaint, clerk_a)
        clock.move_to(at(MONDAY + dt.timedelta(days=9), 11))
        assert escalate()["first_breaches"] == 1
    assert Complaint.objects.get().breach_level == 1
