"""Closing asks for satisfaction through the follow-ups worklist; a dissatisfied answer reopens."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, EventKind, Notification, Status
from complaints.tests.conftest import at
from crm import hooks


@pytest.fixture
def scheduled():
    """A stand-in for the follow-ups app's schedule_callback hook."""
    calls = []

    def schedule_callback(customer, *, purpose, due_date, assignee, store, note="", key):
        calls.append(dict(customer=customer, purpose=purpose, due_date=due_date, assignee=assignee, note=note, key=key))
        return SimpleNamespace(pk=len(calls) + 100)

    with hooks.override("schedule_callback", schedule_callback):
        yield calls


@pytest.fixture
def no_followups():
    with hooks.override("schedule_callback"):
        yield


def close(complaint, user):
    services.resolve(complaint, user, resolution_type="exchange", amount=None, note="换新")
    services.record_agreement(complaint, user, agreed=True)
    return services.close(complaint, user)


def test_closing_puts_the_satisfaction_check_on_the_owners_worklist(complaint_a, clerk_a, customer_a, scheduled):
    with time_machine.travel(at(dt.date(2025, 3, 3), 15), tick=False):
        close(complaint_a, clerk_a)
    (call,) = scheduled
    assert call["customer"] == customer_a and call["assignee"] == clerk_a
    assert call["due_date"] == dt.date(2025, 3, 4)
    assert reverse("complaints:survey", args=[complaint_a.pk]) in call["note"]
    assert complaint_a.survey_task_id == 101
    assert complaint_a.survey_pending


def test_without_followups_the_survey_waits_on_the_complaint(complaint_a, clerk_a, no_followups, client_for):
    close(complaint_a, clerk_a)
    assert complaint_a.survey_task_id is None
    page = client_for(clerk_a).get(reverse("complaints:list") + "?scope=surveys")
    assert f"#{complaint_a.pk}" in page.content.decode()


def test_a_satisfied_answer_keeps_it_closed(complaint_a, clerk_a, scheduled):
    close(complaint_a, clerk_a)
    services.record_survey(complaint_a, clerk_a, score=5, satisfied=True, comment="很满意")
    assert complaint_a.status == Status.CLOSED
    assert (complaint_a.survey_score, complaint_a.survey_satisfied) == (5, True)
    assert not complaint_a.survey_pending


@pytest.mark.parametrize(("score", "satisfied"), [(2, True), (1, False), (4, False)])
def test_a_dissatisfied_answer_reopens_the_complaint(complaint_a, clerk_a, manager_a, scheduled, score, satisfied):
    close(complaint_a, clerk_a)
    services.record_survey(complaint_a, clerk_a, score=score, satisfied=satisfied, comment="还是有问题")
    complaint = Complaint.objects.get()
    assert complaint.status == Status.INVESTIGATING
    assert complaint.reopened_count == 1
    assert complaint.survey_satisfied is False
    assert complaint.events.filter(kind=EventKind.SURVEY).exists()
    assert Notification.objects.filter(recipient=manager_a, complaint=complaint).exists()


def test_closing_again_after_reopening_asks_again(complaint_a, clerk_a, scheduled):
    close(complaint_a, clerk_a)
    services.record_survey(complaint_a, clerk_a, score=1, satisfied=False)
    close(complaint_a, clerk_a)
    assert [call["key"] for call in scheduled] == [
        f"complaint-survey-{complaint_a.pk}-0",
        f"complaint-survey-{complaint_a.pk}-1",
    ]
    assert complaint_a.survey_pending


def test_the_survey_page_records_the_answer(complaint_a, clerk_a, client_for, scheduled):
    close(complaint_a, clerk_a)
    client = client_for(clerk_a)
    url = reverse("complaints:survey", args=[complaint_a.pk])
    assert "满意" in client.get(url).content.decode()
    response = client.post(url, {"score": "2", "satisfied": "no", "comment": "不满意"}, follow=True)
    assert "顾客不满意，投诉已重新打开。" in response.content.decode()
    assert Complaint.objects.get().status == Status.INVESTIGATING
    # The double click's second submission finds the complaint open again and changes nothing.
    client.post(url, {"score": "2", "satisfied": "no"})
    assert Complaint.objects.get().reopened_count == 1


def test_an_outsider_cannot_open_the_survey(complaint_a, clerk_a, clerk_b, client_for, scheduled):
    close(complaint_a, clerk_a)
    url = reverse("complaints:survey", args=[complaint_a.pk])
    assert client_for(clerk_b).get(url).status_code == 404
    assert client_for(clerk_b).post(url, {"score": "1", "satisfied": "no"}).status_code == 404
    assert Complaint.objects.get().status == Status.CLOSED


def test_the_installed_followups_app_gets_the_survey_task(complaint_a, clerk_a):
    if not hooks.functions("schedule_callback"):
        pytest.skip("no app provides schedule_callback")
    close(complaint_a, clerk_a)
    assert complaint_a.survey_task_id is not None
