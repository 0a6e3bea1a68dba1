"""Sessions for shared tablets: they end when the browser closes (settings), after a
spell of idleness, at an absolute maximum, or when someone ends them all.

The clock is read from ``time.time()`` (seconds in the session), so time_machine moves it.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from crm.access import audit
from crm.models import Role, UserSession, staff_profile

STARTED = "kedang_started_at"
SEEN = "kedang_seen_at"
# The session is written at most this often just to move "last seen" on.
SEEN_RESOLUTION = 60
STORE_ROLES = (Role.CLERK, Role.MANAGER)


def idle_limit(user) -> int:
    """Seconds of idleness after which ``user``'s session ends."""
    profile = staff_profile(user)
    if profile is not None and profile.role in STORE_ROLES:
        return settings.KEDANG_SESSION_IDLE_MINUTES * 60
    return settings.KEDANG_SESSION_OFFICE_IDLE_MINUTES * 60


def session_started(request, user) -> None:
    """At login: the clock starts and the session is put on the user's list."""
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    if request.session.session_key:
        UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})


def session_ended(request) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def end_sessions(user, *, actor, keep_key: str | None = None) -> int:
    """Log ``user`` out everywhere (but the session ``keep_key``); audited. Returns how many ended."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    with transaction.atomic():
        rows = UserSession.objects.select_for_update().filter(user=user).exclude(session_key=keep_key or "")
        keys = list(rows.values_list("session_key", flat=True))
        for key in keys:
            store(session_key=key).delete()
        rows.delete()
        audit(actor, "sessions.ended", user, count=len(keys))
    return len(keys)


class SessionLimitsMiddleware:
    """Logs out a session idle past its limit or older than KEDANG_SESSION_MAX_HOURS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                response = redirect_to_login(request.get_full_path())
                if request.headers.get("HX-Request"):
                    # htmx would put the login page inside the fragment: send the whole page there.
                    response = HttpResponse(status=204, headers={"HX-Redirect": response.url})
                return response
        return self.get_response(request)

    def _expired(self, request) -> str:
        session, now = request.session, time.time()
        started, seen = session.get(STARTED), session.get(SEEN)
        if started is None or seen is None:  # a session from before these limits
            session[STARTED] = session[SEEN] = now
            return ""
        if now - started > settings.KEDANG_SESSION_MAX_HOURS * 3600:
            return _("You have been logged in for too long: please log in again.")
        if now - seen > idle_limit(request.user):
            return _("You were logged out after a spell without activity: please log in again.")
        if now - seen > SEEN_RESOLUTION:
            session[SEEN] = now
        return ""
