from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from crm import health, hooks
from crm.access import require_profile
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


@never_cache
def healthz(request):
    status = health.status()
    healthy = all(value == "ok" for value in status.values())
    status["status"] = "ok" if healthy else "down"
    return JsonResponse(status, status=200 if healthy else 503)
