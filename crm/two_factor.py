"""Second factor (TOTP with django-otp, plus one-time recovery codes) for head office
and system administrators, when KEDANG_2FA_REQUIRED (on by default in production).

Until the second factor is given, such a login reaches nothing but the enrolment and
verification pages, logout and the language switch.
"""

import re
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm.access import audit
from crm.models import staff_profile

RECOVERY_CODES = 10
OPEN_URL_NAMES = ("two_factor_setup", "two_factor_verify", "logout", "set_language")


def needs_second_factor(user) -> bool:
    if not settings.KEDANG_2FA_REQUIRED or not user.is_authenticated:
        return False
    profile = staff_profile(user)
    return user.is_superuser or (profile is not None and profile.is_head_office)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if ok and "\x00" not in target else default


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if needs_second_factor(user) and not user.is_verified():
            open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            if request.path not in open_paths:
                page = "two_factor_verify" if has_authenticator(user) else "two_factor_setup"
                back = request.get_full_path() if request.method == "GET" else "/"
                return redirect(f"{reverse(page)}?{urlencode({'next': back})}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Code"), max_length=20)

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "").replace("-", "")
        if not re.fullmatch(r"[A-Za-z0-9]{6,16}", token, flags=re.ASCII):
            raise forms.ValidationError(_("Enter the 6-digit code from the app, or a recovery code."))
        return token.lower()


def pending_authenticator(user) -> TOTPDevice:
    """The user's not-yet-confirmed authenticator (made once, so reloading keeps the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return mark_safe(image.to_string(encoding="unicode"))  # made here from our own data


def base32_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_authenticator(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a first code; returns the new recovery codes, or None."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        StaticDevice.objects.filter(user=device.user).delete()
        recovery = StaticDevice.objects.create(user=device.user, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
        audit(request.user, "2fa.enrolled", request.user)
    otp_login(request, device)
    return codes


def verify_second_factor(request, token: str) -> bool:
    """Accept a code from the authenticator or an unused recovery code (used up)."""
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            audit(request.user, "2fa.verified", request.user, device=device.name)
            return True
    audit(request.user, "2fa.failed", request.user)
    return False
