"""The SLA clock: calendar hours per category and severity, paused while waiting on the customer."""

import datetime as dt

import time_machine

from complaints import services
from complaints.models import Complaint, ResolutionType, Severity, Sla
from complaints.tests.conftest import at

MONDAY = dt.date(2025, 3, 3)


def test_it_sets_deadlines_from_the_category_and_severity(make_complaint, quality):
    with time_machine.travel(at(MONDAY, 10), tick=False):
        normal = make_complaint()
        critical = make_complaint(severity=Severity.CRITICAL)
    assert normal.first_response_due == at(MONDAY, 10) + dt.timedelta(hours=24)
    assert normal.resolution_due == at(MONDAY, 10) + dt.timedelta(days=7)
    assert critical.first_response_due == at(MONDAY, 12)
    assert critical.resolution_due == at(MONDAY + dt.timedelta(days=1), 10)


def test_it_counts_calendar_hours_through_nights_and_weekends(make_complaint, quality):
    Sla.objects.filter(category=quality, severity=Severity.NORMAL).update(first_response_hours=50)
    with time_machine.travel(at(dt.date(2025, 3, 7), 17), tick=False):  # a Friday evening
        complaint = make_complaint()
    assert complaint.first_response_due == at(dt.date(2025, 3, 9), 19)  # Sunday evening


def test_it_pauses_the_clock_while_waiting_on_the_customer(make_complaint, clerk_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY, 12))
        services.wait_on_customer(complaint, clerk_a, "请顾客寄回衬衫")
        clock.move_to(at(MONDAY + dt.timedelta(days=3), 12))  # 72 hours later the shirt arrives
        assert not complaint.is_overdue()
        assert complaint.sla_elapsed(at(MONDAY + dt.timedelta(days=3), 12)) == dt.timedelta(hours=2)
        services.resume(complaint, clerk_a, "衬衫已收到")
    complaint.refresh_from_db()
    assert complaint.paused_seconds == 72 * 3600
    assert complaint.resolution_due == at(MONDAY + dt.timedelta(days=10), 10)


def test_it_is_not_overdue_while_paused_but_is_after_resuming_late(make_complaint, clerk_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        services.wait_on_customer(complaint, clerk_a)
        clock.move_to(at(MONDAY + dt.timedelta(days=9), 10))
        assert Complaint.objects.overdue().count() == 0
        services.resume(complaint, clerk_a)
        assert Complaint.objects.overdue().count() == 0  # 9 days paused: due in 7 days
        clock.move_to(at(MONDAY + dt.timedelta(days=16), 11))
        assert list(Complaint.objects.overdue()) == [complaint]


def test_it_keeps_the_sla_time_of_the_first_response_and_resolution(make_complaint, clerk_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint()
        clock.move_to(at(MONDAY, 14))
        services.start_investigation(complaint, clerk_a)
        services.wait_on_customer(complaint, clerk_a)
        clock.move_to(at(MONDAY + dt.timedelta(days=2), 14))
        services.resolve(complaint, clerk_a, resolution_type=ResolutionType.REPAIR, amount=None)
    complaint.refresh_from_db()
    assert complaint.first_response_seconds == 4 * 3600
    assert complaint.resolution_seconds == 4 * 3600  # the two days waiting do not count
    assert complaint.sla_breached is False


def test_it_marks_a_late_resolution_as_a_missed_deadline(make_complaint, clerk_a):
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        complaint = make_complaint(severity=Severity.CRITICAL)  # 2 h / 24 h
        clock.move_to(at(MONDAY, 11))
        services.start_investigation(complaint, clerk_a)
        clock.move_to(at(MONDAY + dt.timedelta(days=2), 10))
        services.resolve(complaint, clerk_a, resolution_type=ResolutionType.EXCHANGE, amount=None)
    assert complaint.sla_breached is True


def test_it_uses_new_deadlines_only_for_new_complaints(make_complaint, quality):
    old = make_complaint()
    services.set_deadlines(quality, {Severity.NORMAL: (4, 48)}, by=None)
    new = make_complaint()
    assert new.resolution_due - new.received_at == dt.timedelta(hours=48)
    old.refresh_from_db()
    assert old.resolution_due - old.received_at == dt.timedelta(days=7)
