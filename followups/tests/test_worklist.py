import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import ContactLog, ContactOutcome
from followups.models import FollowUpTask, MessageStatus, OutboundMessage, TaskStatus
from followups.services.plans import schedule_callback

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(customer_a, clerk_a, store_a):
    return schedule_callback(
        customer_a,
        purpose="满意度回访",
        due_date=timezone.localdate(),
        assignee=clerk_a,
        store=store_a,
        note="问候{name}",
        key="t:1",
    )


def test_a_clerk_sees_their_calls_due_today_with_the_script(client_for, clerk_a, call):
    response = client_for(clerk_a).get(reverse("followups:today"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "满意度回访" in page
    assert "问候王女士" in page
    assert "今日回访" in page  # the page is in Chinese


def test_a_clerk_of_another_store_sees_none_of_it(client_for, clerk_b, call):
    response = client_for(clerk_b).get(reverse("followups:today") + "?who=store")

    assert "满意度回访" not in response.content.decode()


@pytest.mark.parametrize(
    "name, method",
    [
        ("followups:task", "get"),
        ("followups:outcome", "post"),
        ("followups:propose", "post"),
        ("followups:reschedule", "post"),
        ("followups:cancel", "post"),
        ("followups:reassign", "post"),
    ],
)
def test_a_clerk_of_another_store_gets_404_on_a_task(client_for, clerk_b, manager_b, call, name, method):
    user = manager_b if name in ("followups:reschedule", "followups:cancel", "followups:reassign") else clerk_b
    response = getattr(client_for(user), method)(reverse(name, args=[call.pk]), {"outcome": "satisfied"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "name, method", [("followups:plan", "get"), ("followups:add_task", "post"), ("followups:opt_out", "post")]
)
def test_a_clerk_of_another_store_gets_404_on_a_customers_plan(
    client_for, clerk_b, manager_b, customer_a, name, method
):
    user = manager_b if name == "followups:add_task" else clerk_b
    response = getattr(client_for(user), method)(reverse(name, args=[customer_a.pk]))

    assert response.status_code == 404


def test_reached_and_satisfied_is_one_click_and_lands_in_the_contact_log(client_for, clerk_a, call):
    response = client_for(clerk_a).post(
        reverse("followups:outcome", args=[call.pk]),
        {"outcome": "satisfied", "satisfaction": "4", "note": "很满意", "attempt": "0"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == TaskStatus.DONE
    log = ContactLog.objects.get()
    assert (log.outcome, log.satisfaction, log.note, log.staff, log.store) == (
        ContactOutcome.SATISFIED,
        4,
        "很满意",
        clerk_a,
        call.store,
    )
    assert call.contact_log == log


def test_the_already_recorded_message_shows_in_the_htmx_answer_not_on_the_next_page(client_for, clerk_a, call):
    client = client_for(clerk_a)
    url = reverse("followups:outcome", args=[call.pk])
    client.post(url, {"outcome": "satisfied", "attempt": "0"}, HTTP_HX_REQUEST="true")

    second = client.post(url, {"outcome": "satisfied", "attempt": "0"}, HTTP_HX_REQUEST="true")

    html = second.content.decode()
    assert 'id="messages" hx-swap-oob="true"' in html and "此回访已经记录过了。" in html
    assert "此回访已经记录过了。" not in client.get(reverse("followups:today")).content.decode()


def test_a_double_click_records_the_outcome_once(client_for, clerk_a, call):
    client = client_for(clerk_a)
    for _ in range(2):
        client.post(reverse("followups:outcome", args=[call.pk]), {"outcome": "not_reached", "attempt": "0"})

    assert ContactLog.objects.count() == 1
    call.refresh_from_db()
    assert call.attempts == 1


def test_not_reached_tries_again_tomorrow_until_the_last_attempt(client_for, clerk_a, call, settings):
    settings.KEDANG_FOLLOWUP_MAX_ATTEMPTS = 2
    client = client_for(clerk_a)
    client.post(reverse("followups:outcome", args=[call.pk]), {"outcome": "not_reached", "attempt": "0"})
    call.refresh_from_db()
    assert (call.status, call.due_date) == (TaskStatus.PENDING, timezone.localdate() + dt.timedelta(days=1))

    client.post(reverse("followups:outcome", args=[call.pk]), {"outcome": "not_reached", "attempt": "1"})
    call.refresh_from_db()
    assert call.status == TaskStatus.DONE


def test_call_back_later_moves_the_call(client_for, clerk_a, call):
    later = timezone.localdate() + dt.timedelta(days=4)
    client_for(clerk_a).post(
        reverse("followups:outcome", args=[call.pk]), {"outcome": "call_back", "callback_on": later.isoformat()}
    )

    call.refresh_from_db()
    assert (call.status, call.due_date) == (TaskStatus.PENDING, later)


def test_wrong_number_flags_the_mobile_and_stops_sms(client_for, clerk_a, call, customer_a, store_a):
    queued = OutboundMessage.objects.create(
        key="x", customer=customer_a, store=store_a, mobile=customer_a.mobile, body="hi"
    )
    client_for(clerk_a).post(reverse("followups:outcome", args=[call.pk]), {"outcome": "wrong_number"})

    customer_a.refresh_from_db()
    assert customer_a.mobile_invalid
    assert not customer_a.can_receive_sms
    queued.refresh_from_db()
    assert queued.status == MessageStatus.CANCELLED


def test_a_problem_offers_to_open_a_complaint_when_complaints_can_take_it(client_for, clerk_a, call):
    from django.urls import NoReverseMatch

    response = client_for(clerk_a).post(
        reverse("followups:outcome", args=[call.pk]), {"outcome": "problem"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    try:
        url = reverse("complaints:create")
    except NoReverseMatch:
        return
    assert f"{url}?customer={call.customer_id}&amp;source=callback&amp;task={call.pk}" in response.content.decode()


def test_a_supervisor_reads_but_cannot_record(client_for, supervisor, call):
    client = client_for(supervisor)

    assert client.get(reverse("followups:today")).status_code == 200
    assert client.post(reverse("followups:outcome", args=[call.pk]), {"outcome": "satisfied"}).status_code == 403


def test_the_worklist_renders_500_calls_in_a_fixed_number_of_queries(client_for, clerk_a, store_a, purchase_on):
    """Slow (about 15 s on a quiet 2-core machine): 500 real sales through the till's
    service, each with its points and plan, so every relation the worklist shows is there
    and a query per row would show in the count."""
    from customers.tests.factories import CustomerFactory

    def render_with(n):
        for i in range(n):
            customer = CustomerFactory(home_store=store_a, clerk=clerk_a, preferred_call_time=["", "morning"][i % 2])
            purchase_on(customer, timezone.localdate() - dt.timedelta(days=3))
        client = client_for(clerk_a)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("followups:today"))
        return response, len(queries)

    _, few = render_with(3)
    response, many = render_with(497)

    assert response.content.decode().count('class="list-group-item"') == 500
    assert many == few


def test_a_manager_reassigns_one_task(client_for, manager_a, clerk_a2, call):
    client_for(manager_a).post(reverse("followups:reassign", args=[call.pk]), {"assignee": clerk_a2.pk})

    call.refresh_from_db()
    assert call.assignee == clerk_a2


def test_a_manager_hands_a_leaving_clerks_tasks_to_another(client_for, manager_a, clerk_a, clerk_a2, call):
    response = client_for(manager_a).post(
        reverse("followups:reassign_all"), {"from_user": clerk_a.pk, "to_user": clerk_a2.pk}
    )

    assert response.status_code == 302
    assert FollowUpTask.objects.filter(assignee=clerk_a2).count() == 1


def test_a_clerk_cannot_reassign(client_for, clerk_a, clerk_a2, call):
    response = client_for(clerk_a).post(reverse("followups:reassign", args=[call.pk]), {"assignee": clerk_a2.pk})

    assert response.status_code == 403


def test_the_clerk_proposes_and_the_manager_sets_the_date(client_for, clerk_a, manager_a, call):
    later = timezone.localdate() + dt.timedelta(days=6)
    client_for(clerk_a).post(reverse("followups:propose", args=[call.pk]), {"due_date": later, "note": "出差"})
    call.refresh_from_db()
    assert (call.proposed_due_date, call.due_date) == (later, timezone.localdate())

    client_for(manager_a).post(reverse("followups:reschedule", args=[call.pk]), {"due_date": later})
    call.refresh_from_db()
    assert (call.proposed_due_date, call.due_date) == (None, later)


def test_a_manager_adds_a_task_once_however_often_the_form_is_sent(client_for, manager_a, clerk_a, customer_a):
    data = {
        "channel": "visit",
        "purpose": "上门量体",
        "due_date": "2025-05-01",
        "assignee": clerk_a.pk,
        "token": "7d3c1b1e-3f0a-4a57-9a4e-2b8f2f2b1c11",
    }
    client = client_for(manager_a)
    client.post(reverse("followups:add_task", args=[customer_a.pk]), data)
    client.post(reverse("followups:add_task", args=[customer_a.pk]), data)

    assert FollowUpTask.objects.filter(customer=customer_a, purpose="上门量体").count() == 1
    assert client.get(reverse("followups:plan", args=[customer_a.pk])).status_code == 200


def test_the_home_page_and_the_customer_profile_show_the_follow_ups(client_for, clerk_a, call, customer_a):
    client = client_for(clerk_a)

    assert "1 个待回访电话" in client.get(reverse("home")).content.decode()
    assert "满意度回访" in client.get(reverse("customers:detail", args=[customer_a.pk])).content.decode()
