"""The application's URLs plus ``/bench/insert/``: a login-required POST that does one INSERT
(the yardstick ``bench/till_bench.py`` compares the till sale with)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from crm.models import AuditEvent
from crm.urls import urlpatterns as application


@login_required
@require_POST
def one_insert(request):
    AuditEvent.objects.create(actor=request.user, action="bench.insert")
    return HttpResponse(status=204)


urlpatterns = [path("bench/insert/", one_insert), *application]
