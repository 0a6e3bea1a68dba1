"""Two-step login for head office and system administrators when KEDANG_2FA_REQUIRED."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm.models import AuditEvent


@pytest.fixture(autouse=True)
def _required(settings):
    settings.KEDANG_2FA_REQUIRED = True


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _enrol(client) -> list[str]:
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": _code(device), "next": "/customers/"})
    assert response.status_code == 200
    return response.context["codes"]


def test_head_office_reaches_no_page_before_the_second_factor(client_for, head_office, customer_a):
    client = client_for(head_office)
    for url in (reverse("home"), reverse("customers:list"), reverse("customers:detail", args=[customer_a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup")), url
    assert client.post(reverse("staff_end_sessions", args=[head_office.pk])).status_code == 302
    assert not AuditEvent.objects.filter(action="sessions.ended").exists()  # the POST never ran


def test_enrolment_shows_a_qr_code_drawn_on_the_server_and_gives_recovery_codes(client_for, head_office):
    client = client_for(head_office)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<img" not in body
    assert "otpauth" not in body  # the secret is in the picture and the key, not in a link
    codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="2fa.enrolled", actor=head_office).exists()


def test_a_wrong_first_code_enrols_nothing(client_for, head_office):
    client = client_for(head_office)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_the_next_login_asks_for_the_code_and_a_recovery_code_works_once(client_for, head_office):
    codes = _enrol(client_for(head_office))
    client = client_for(head_office)
    response = client.get(reverse("customers:list"))
    assert response.url == f"{reverse('two_factor_verify')}?next=%2Fcustomers%2F"
    response = client.post(reverse("two_factor_verify"), {"token": codes[0], "next": "/customers/"})
    assert response.status_code == 302 and response.url == "/customers/"
    assert client.get(reverse("customers:list")).status_code == 200

    again = client_for(head_office)
    assert again.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 200  # used up
    assert again.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="2fa.failed").count() == 1


def test_the_authenticator_code_lets_head_office_in(client_for, head_office):
    _enrol(client_for(head_office))
    client = client_for(head_office)
    device = TOTPDevice.objects.get(user=head_office, confirmed=True)
    device.last_t = -1  # the enrolment used this time step's code; a new step is due
    device.save()
    assert client.post(reverse("two_factor_verify"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("token", ["１２３４５６", "12\x003456", "'; drop", "1" * 30])
def test_odd_codes_are_a_form_error(client_for, head_office, token):
    _enrol(client_for(head_office))
    response = client_for(head_office).post(reverse("two_factor_verify"), {"token": token})
    assert response.status_code == 200 and response.context["form"].errors


def test_the_next_address_must_be_on_this_site(client_for, head_office):
    codes = _enrol(client_for(head_office))
    response = client_for(head_office).post(
        reverse("two_factor_verify"), {"token": codes[1], "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_store_staff_need_no_second_factor(client_for, clerk_a, manager_a, supervisor):
    for user in (clerk_a, manager_a, supervisor):
        assert client_for(user).get(reverse("home")).status_code == 200


def test_the_system_administrator_needs_it_for_the_admin(sysadmin):
    client = Client()
    client.force_login(sysadmin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))


def test_it_is_off_in_the_embedded_demo(settings, client_for, head_office):
    settings.KEDANG_2FA_REQUIRED = False
    assert client_for(head_office).get(reverse("home")).status_code == 200
