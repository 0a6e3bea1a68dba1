"""Head office's pages for the POS: API keys and webhook endpoints with their deliveries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import keys as key_service
from api import webhooks as webhook_service
from api.forms import ApiKeyForm, WebhookForm
from api.models import ApiKey, WebhookEndpoint
from crm.access import get_visible_or_404, head_office_required


@head_office_required
def keys(request):
    """Every key with its last use; a new key is shown once, on the page that made it."""
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        key, new_key = key_service.create_key(
            name=form.cleaned_data["name"],
            store=form.cleaned_data["store"],
            rate_limit=form.cleaned_data["rate_limit"],
            by=request.user,
        )
        messages.success(request, _("Key %(name)s made. Copy it now: it is not shown again.") % {"name": key.name})
        form = ApiKeyForm()
    rows = ApiKey.objects.visible_to(request.user).select_related("store")
    return render(request, "api/keys.html", {"form": form, "keys": rows, "new_key": new_key})


@head_office_required
@require_POST
def key_revoke(request, pk: int):
    key = get_visible_or_404(ApiKey.objects.select_related("store"), request.user, pk=pk)
    if key_service.revoke_key(key, by=request.user):
        messages.success(request, _("Key %(name)s revoked.") % {"name": key.name})
    return redirect("pos:keys")


@head_office_required
def webhooks(request):
    form = WebhookForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhook_service.create_endpoint(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("Endpoint added. Copy its secret now: it is not shown again."))
            form = WebhookForm()
    endpoints = WebhookEndpoint.objects.all()
    return render(request, "api/webhooks.html", {"form": form, "endpoints": endpoints, "secret": secret})


@head_office_required
def webhook_detail(request, pk: int):
    # Endpoints are the chain's, not a store's: head office only (the decorator).
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    deliveries = endpoint.deliveries.all()[:100]
    return render(request, "api/webhook_detail.html", {"endpoint": endpoint, "deliveries": deliveries})


@head_office_required
@require_POST
def webhook_deactivate(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    webhook_service.deactivate_endpoint(endpoint, by=request.user)
    return redirect("pos:webhook", pk=endpoint.pk)
