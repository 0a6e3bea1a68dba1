"""Sessions for shared tablets: idle and absolute limits, ending a user's sessions."""

import datetime as dt

from django.conf import settings
from django.test import Client
from django.urls import reverse

from crm.models import AuditEvent, UserSession

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _logged_in(user, time_machine) -> Client:
    time_machine.move_to(START, tick=False)
    client = Client()
    client.force_login(user)
    return client


def _at(time_machine, minutes):
    time_machine.move_to(START + dt.timedelta(minutes=minutes), tick=False)


def test_sessions_end_when_the_browser_closes():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_a_clerk_idle_past_thirty_minutes_is_logged_out(clerk_a, time_machine):
    client = _logged_in(clerk_a, time_machine)
    _at(time_machine, 29)
    assert client.get(reverse("home")).status_code == 200
    _at(time_machine, 29 + 31)
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    follow = client.get(response.url)
    assert "闲置" in follow.content.decode()  # the login page says why


def test_an_htmx_request_after_the_idle_limit_sends_the_whole_page_to_the_login(clerk_a, time_machine):
    client = _logged_in(clerk_a, time_machine)
    _at(time_machine, 31)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))


def test_a_clerk_at_work_stays_logged_in_until_the_absolute_limit(clerk_a, time_machine):
    client = _logged_in(clerk_a, time_machine)
    for minutes in range(20, 12 * 60, 20):
        _at(time_machine, minutes)
        assert client.get(reverse("home")).status_code == 200, minutes
    _at(time_machine, 12 * 60 + 1)
    assert client.get(reverse("home")).status_code == 302


def test_head_office_has_a_longer_idle_limit(head_office, time_machine):
    client = _logged_in(head_office, time_machine)
    _at(time_machine, 90)
    assert client.get(reverse("home")).status_code == 200
    _at(time_machine, 90 + 121)
    assert client.get(reverse("home")).status_code == 302


def test_logging_in_and_out_keeps_the_list_of_sessions(clerk_a):
    client = Client()
    client.force_login(clerk_a)
    assert UserSession.objects.filter(user=clerk_a).count() == 1
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=clerk_a).exists()


def test_a_user_can_log_out_everywhere_else(clerk_a):
    here, tablet, phone = Client(), Client(), Client()
    for client in (here, tablet, phone):
        client.force_login(clerk_a)
    response = here.post(reverse("end_my_other_sessions"))
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert tablet.get(reverse("home")).status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action="sessions.ended")
    assert event.actor == clerk_a and event.detail == {"count": 2}


def test_logging_out_everywhere_is_a_post(client_for, clerk_a):
    assert client_for(clerk_a).get(reverse("end_my_other_sessions")).status_code == 405
