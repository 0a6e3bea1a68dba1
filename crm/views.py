from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from crm import hooks
from crm.access import require_profile
from crm.celery import app as celery_app
from crm.models import Store


def bad_request(request, exception=None):
    """400 for a parameter that does not parse (``crm.params.BadParameter``), in the user's language."""
    parameter = getattr(exception, "name", "")
    return render(request, "400.html", {"parameter": parameter}, status=400)


@login_required
def home(request):
    profile = require_profile(request.user)
    context = {
        "profile": profile,
        "stores": Store.objects.visible_to(request.user),
        "panels": hooks.panels("home_panels", request),
        "sections": hooks.panels("home_sections", request),
    }
    return render(request, f"crm/home_{profile.role}.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" to a load balancer
        return f"down: {exc.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"down: {exc.__class__.__name__}"
    return "ok"


@never_cache
def healthz(request):
    status = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value == "ok" for value in status.values())
    status["status"] = "ok" if healthy else "down"
    return JsonResponse(status, status=200 if healthy else 503)
