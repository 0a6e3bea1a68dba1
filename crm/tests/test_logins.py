"""Lockout after repeated failures (django-axes), on /login/ and /admin/login/, with
every attempt in the audit log."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from crm.logins import DEMO_PASSWORD, NotTheDemoPasswordValidator
from crm.models import AuditEvent

PASSWORD = "right-password-2026"
START = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def clerk(clerk_a):
    clerk_a.set_password(PASSWORD)
    clerk_a.save()
    return clerk_a


def _login(client, password, url="login", username="clerk_a"):
    return client.post(reverse(url), {"username": username, "password": password})


def test_it_refuses_the_sixth_try_even_with_the_right_password_until_the_cool_off(clerk, time_machine):
    time_machine.move_to(START, tick=False)
    client = Client()
    statuses = [_login(client, f"wrong-{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]

    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "登录失败次数过多" in body and "10:15" in body

    time_machine.move_to(START + dt.timedelta(minutes=14), tick=False)
    assert _login(client, PASSWORD).status_code == 429  # still locked, and the time is not pushed back

    time_machine.move_to(START + dt.timedelta(minutes=15, seconds=1), tick=False)
    response = _login(client, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(clerk.pk)


def test_failures_within_the_limit_do_not_lock_and_a_success_clears_them(clerk):
    client = Client()
    for i in range(4):
        _login(client, f"wrong-{i}")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    assert [_login(client, f"again-{i}").status_code for i in range(4)] == [200] * 4


def test_the_lock_is_for_that_login_from_that_address(clerk, clerk_a2):
    clerk_a2.set_password(PASSWORD)
    clerk_a2.save()
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for i in range(5):
        _login(attacker, f"wrong-{i}")
    assert _login(attacker, PASSWORD).status_code == 429
    assert _login(attacker, PASSWORD, username="clerk_a2").status_code == 302  # another login
    assert _login(Client(REMOTE_ADDR="10.0.0.7"), PASSWORD).status_code == 302  # the clerk's own tablet


def test_the_admin_login_is_locked_the_same_way(clerk):
    client = Client()
    statuses = [_login(client, f"wrong-{i}", url="admin:login").status_code for i in range(5)]
    assert statuses[-1] == 429
    assert _login(client, PASSWORD, url="admin:login").status_code == 429
    assert _login(client, PASSWORD).status_code == 429  # and so is the app's own form


def test_every_failed_and_successful_login_is_in_the_audit_log(clerk):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for i in range(5):
        _login(client, f"wrong-{i}")
    _login(client, PASSWORD)
    failures = AuditEvent.objects.filter(action="login.failed", object_id=str(clerk.pk))
    assert failures.count() == 6  # five wrong passwords and the refused right one
    assert {e.detail["ip"] for e in failures} == {"10.0.0.9"}
    assert all("wrong" not in str(e.detail) for e in failures)  # no password is kept
    # the lock at the fifth failure, and the refused try while locked
    assert AuditEvent.objects.filter(action="login.locked", object_id=str(clerk.pk)).count() == 2

    other = Client(REMOTE_ADDR="10.0.0.10")
    _login(other, PASSWORD)
    success = AuditEvent.objects.get(action="login.succeeded")
    assert success.actor == clerk and success.store == clerk.staff.store and success.detail["ip"] == "10.0.0.10"


def test_an_unknown_login_is_logged_too(db):
    _login(Client(), "whatever", username="nobody")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.detail["username"] == "nobody" and event.object_id == ""


def test_the_lockout_message_is_in_english_for_who_chose_english(clerk):
    client = Client()
    client.cookies["django_language"] = "en"
    for i in range(5):
        response = _login(client, f"wrong-{i}")
    assert "Too many failed logins" in response.content.decode()


def test_a_new_password_must_have_ten_characters(client_for, clerk):
    client = client_for(clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Short-9ch", "new_password2": "Short-9ch"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


def test_in_production_the_demo_password_opens_no_login_and_cannot_be_chosen(settings, clerk):
    clerk.set_password(DEMO_PASSWORD)
    clerk.save()
    settings.PRODUCTION = True
    assert _login(Client(), DEMO_PASSWORD).status_code == 200  # the form again, not logged in
    settings.PRODUCTION = False
    assert _login(Client(), DEMO_PASSWORD).status_code == 302  # the embedded demo
    with pytest.raises(ValidationError) as refused:
        NotTheDemoPasswordValidator().validate(DEMO_PASSWORD)
    assert refused.value.code == "demo_password"


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["x" * 1000, "\x00admin", "²" * 300])
def test_an_absurd_login_name_is_a_failed_login_not_a_500(client, username):
    response = client.post("/login/", {"username": username, "password": "p" * 1000})
    assert response.status_code in (200, 400)
