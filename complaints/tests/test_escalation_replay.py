"""Escalation over many complaints: a replay of the day adds nothing, in a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.escalation import escalate_for_day
from complaints.models import Breach, Complaint, ComplaintEvent, Notification
from complaints.tests.conftest import at

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)


def complaints_over_two_weeks(make_complaint, clerk_a, count: int) -> None:
    """Complaints taken on the days before, some answered (only resolution can be missed)."""
    for n in range(count):
        with time_machine.travel(at(MONDAY - dt.timedelta(days=n % 14), 9 + n % 8), tick=False):
            complaint = make_complaint()
            if n % 3 == 0:
                services.start_investigation(complaint, clerk_a)


def state():
    return (
        sorted(Breach.objects.values_list("complaint_id", "round", "level", "kind", "at")),
        ComplaintEvent.objects.filter(kind="escalated").count(),
        Notification.objects.count(),
    )


def test_a_second_run_of_the_day_adds_nothing(make_complaint, clerk_a, manager_a, head_office):
    complaints_over_two_weeks(make_complaint, clerk_a, 40)
    with time_machine.travel(at(MONDAY, 11), tick=False) as clock:
        first = escalate_for_day(MONDAY)
        after_first = state()
        clock.move_to(at(MONDAY, 11, 20))
        second = escalate_for_day(MONDAY)
    assert first["first_breaches"] > 10 and first["second_breaches"] > 5
    assert second == {**first, "first_breaches": 0, "second_breaches": 0, "notifications": 0}
    assert state() == after_first


def test_replaying_a_past_day_later_adds_nothing(make_complaint, clerk_a, manager_a, head_office):
    complaints_over_two_weeks(make_complaint, clerk_a, 30)
    with time_machine.travel(at(MONDAY + dt.timedelta(days=1), 8), tick=False) as clock:
        escalate_for_day(MONDAY)
        after_first = state()
        clock.move_to(at(MONDAY + dt.timedelta(days=3), 15))
        again = escalate_for_day(MONDAY)
    assert again["first_breaches"] == again["second_breaches"] == again["notifications"] == 0
    assert state() == after_first


def test_both_deadlines_missed_are_two_breaches_in_one_run(make_complaint, manager_a, head_office):
    with time_machine.travel(at(MONDAY - dt.timedelta(days=10), 10), tick=False):
        complaint = make_complaint()
    with time_machine.travel(at(MONDAY, 11), tick=False):
        counts = escalate_for_day(MONDAY)
    assert (counts["first_breaches"], counts["second_breaches"]) == (1, 1)
    assert sorted(Breach.objects.filter(complaint=complaint).values_list("level", "kind")) == [
        (1, "first_response"),
        (2, "resolution"),
    ]
    assert Notification.objects.filter(recipient=head_office, complaint=complaint).count() == 1


def test_the_run_costs_the_same_queries_for_ten_or_sixty_overdue(make_complaint, clerk_a, manager_a, head_office):
    def queries(day):
        with time_machine.travel(at(day, 11), tick=False), CaptureQueriesContext(connection) as ctx:
            counts = escalate_for_day(day)
        return len(ctx.captured_queries), counts

    complaints_over_two_weeks(make_complaint, clerk_a, 10)
    few, few_counts = queries(MONDAY)
    complaints_over_two_weeks(make_complaint, clerk_a, 50)
    many, many_counts = queries(MONDAY + dt.timedelta(days=1))
    assert many_counts["first_breaches"] >= 30
    assert many <= few + 1, (few, many)


def test_complaints_with_both_breaches_are_not_read_again(make_complaint, clerk_a, manager_a, head_office):
    complaints_over_two_weeks(make_complaint, clerk_a, 40)
    with time_machine.travel(at(MONDAY, 11), tick=False):
        first = escalate_for_day(MONDAY)
    done = set(Breach.objects.filter(level=2).values_list("complaint_id", flat=True))
    assert first["second_breaches"] > 5
    later = at(MONDAY, 11, 20)
    read = []

    def note(sender, instance, **kwargs):
        read.append(instance.pk)

    post_init.connect(note, sender=Complaint)
    try:
        with time_machine.travel(later, tick=False):
            again = escalate_for_day(MONDAY)
    finally:
        post_init.disconnect(note, sender=Complaint)
    assert again["overdue"] == first["overdue"], "they are still overdue"
    assert again["first_breaches"] == again["second_breaches"] == 0
    overdue = set(Complaint.objects.overdue(later).values_list("pk", flat=True))
    assert done <= overdue
    assert sorted(read) == sorted(overdue - done)
