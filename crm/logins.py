"""Logins: lockout after repeated failures (django-axes), every attempt in the audit
log, the demo password refused in production, and the client address behind nginx."""

import datetime as dt

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import audit
from crm.models import staff_profile
from crm.sessions import session_ended, session_started

# The password every demo login has (seed_demo); public, so refused in production.
DEMO_PASSWORD = "kedang-demo"
USERNAME_MAX = 150


def client_ip(request) -> str:
    """The browser's address: nginx's X-Real-IP in production (gunicorn only listens on
    127.0.0.1, so nobody else can set it), the socket's address otherwise."""
    if settings.PRODUCTION and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def client_username(request, credentials=None) -> str:
    """The login name django-axes counts failures for, cut to the longest a login can be:
    a 1,000-character name typed into the form is a failed login, not a database error."""
    raw = (credentials or {}).get("username") if credentials else getattr(request, "POST", {}).get("username")
    return str(raw or "")[:USERNAME_MAX]


def retry_at(request, username: str) -> dt.datetime:
    """When the lock on ``username`` from this address lifts."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + cool_off


def locked_usernames() -> set[str]:
    """The logins locked out now (from any address)."""
    since = timezone.now() - (get_cool_off() or dt.timedelta(0))
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )
    return set(attempts.values_list("username", flat=True))


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, in the user's language, saying when to try again (429)."""
    username = ((credentials or {}).get("username") or request.POST.get("username", ""))[:USERNAME_MAX]
    until = timezone.localtime(retry_at(request, username))
    message = _(
        "Too many failed logins: this login is locked. Try again after %(time)s, or ask head office to unlock it."
    ) % {"time": until.strftime("%H:%M")}
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


class DemoPasswordRefusingBackend(ModelBackend):
    """Django's backend; in production the public demo password opens no login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if settings.PRODUCTION and password == DEMO_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The session's user with their staff profile and store, in one query (every
        staff page reads both)."""
        User = get_user_model()
        try:
            user = User._default_manager.select_related("staff__store").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class NotTheDemoPasswordValidator:
    """The demo password is public: refused as a new password (production only)."""

    def validate(self, password, user=None):
        if password == DEMO_PASSWORD:
            raise ValidationError(_("This is the public demo password; choose another."), code="demo_password")

    def get_help_text(self):
        return _("Not the demo password.")


def on_login(sender, request, user, **kwargs):
    session_started(request, user)
    profile = staff_profile(user)
    audit(user, "login.succeeded", user, store=profile.store if profile else None, ip=client_ip(request))


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:USERNAME_MAX]
    user = get_user_model().objects.filter(username=username).first()
    ip = client_ip(request) if request is not None else ""
    audit(None, "login.failed", user, username=username, ip=ip)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    audit(None, "login.locked", user, username=(username or "")[:USERNAME_MAX], ip=ip_address)


def on_logout(sender, request, user, **kwargs):
    session_ended(request)
