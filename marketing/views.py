"""Marketing pages: segments, campaigns, approval and results. Thin: parse, fetch scoped,
call one service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.access import export_required, get_visible_or_404, require_profile, staff_required
from crm.models import Role
from crm.xlsx import xlsx_response
from customers.exporting import customer_rows, export_headers
from customers.models import Customer
from marketing import benefits, campaigns, results, segments, texts
from marketing.exporting import HEADERS, result_rows
from marketing.forms import CampaignForm, PreviewForm, ReasonForm, SegmentForm
from marketing.models import Campaign, Segment

reader_required = staff_required(Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)
author_required = staff_required(Role.MANAGER, Role.HEAD_OFFICE)
head_office_required = staff_required(Role.HEAD_OFFICE)


@require_GET
@reader_required
def segment_list(request):
    rows = Segment.objects.visible_to(request.user).select_related("store", "created_by__staff")
    return render(request, "marketing/segments.html", {"segments": rows})


def _save_segment(request, segment: Segment | None):
    initial = SegmentForm.initial_from(segment) if segment else None
    form = SegmentForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        segment = segment or Segment(created_by=request.user)
        segment.name = form.cleaned_data["name"]
        segment.filters = segments.to_json(form.cleaned_data)
        profile = require_profile(request.user)
        segment.store = segment.store if segment.pk else (None if profile.is_head_office else profile.store)
        segment.save()
        return redirect("marketing:segment", segment.pk)
    return render(request, "marketing/segment_form.html", {"form": form, "segment": segment})


@author_required
def segment_create(request):
    return _save_segment(request, None)


@author_required
def segment_edit(request, pk: int):
    return _save_segment(request, get_visible_or_404(Segment.objects, request.user, pk=pk))


@require_GET
@reader_required
def segment_detail(request, pk: int):
    segment = get_visible_or_404(Segment.objects, request.user, pk=pk)
    count, sample = segments.count_and_sample(segments.customers(segment))
    return render(request, "marketing/segment.html", {"segment": segment, "count": count, "sample": sample})


@require_GET
@export_required
def segment_export(request, pk: int):
    """The segment's customers as a workbook (the customer export's columns), audited."""
    segment = get_visible_or_404(Segment.objects, request.user, pk=pk)
    visible = Customer.objects.visible_to(request.user).values("pk")
    chosen = segments.customers(segment).filter(pk__in=visible)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        _("segment") + f"-{segment.pk}-{stamp}.xlsx",
        segment.name,
        export_headers(),
        customer_rows(chosen),
        user=request.user,
        what="marketing.segment",
        filters={"segment": segment.pk},
    )


@require_GET
@author_required
def segment_count(request):
    """The live count while a segment's filters are edited (htmx)."""
    form = SegmentForm(request.GET, user=request.user)
    form.fields["name"].required = False
    if not form.is_valid():
        return render(request, "marketing/_count.html", {"form": form, "invalid": True})
    profile = require_profile(request.user)
    store = None if profile.is_head_office else profile.store
    count, sample = segments.count_and_sample(segments.customers_for(segments.to_json(form.cleaned_data), store))
    return render(request, "marketing/_count.html", {"count": count, "sample": sample})


@require_GET
@reader_required
def campaign_list(request):
    rows = Campaign.objects.visible_to(request.user).select_related("store", "segment", "created_by__staff")
    return render(request, "marketing/campaigns.html", {"campaigns": rows[:200]})


def _save_campaign(request, campaign: Campaign | None):
    if campaign is not None and not campaign.is_editable:
        messages.error(request, _("Only a draft or a campaign sent back for changes can be edited."))
        return redirect(campaign)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        created = form.instance.pk is None
        campaign = form.save(commit=False)
        campaign.store = campaign.segment.store
        campaign.created_by = campaign.created_by or request.user
        campaign.save()
        campaigns.record_saved(campaign, by=request.user, created=created)
        return redirect(campaign)
    return render(request, "marketing/campaign_form.html", {"form": form, "campaign": campaign})


@author_required
def campaign_create(request):
    return _save_campaign(request, None)


@author_required
def campaign_edit(request, pk: int):
    return _save_campaign(request, get_visible_or_404(Campaign.objects, request.user, pk=pk))


@require_GET
@reader_required
def campaign_detail(request, pk: int):
    campaign = get_visible_or_404(Campaign.objects.select_related("segment", "store"), request.user, pk=pk)
    audience = (
        campaign.recipients.count() or segments.customers(campaign.segment).filter(segments.may_get_marketing()).count()
    )
    context = {
        "campaign": campaign,
        "preview": texts.preview(campaign.body, audience),
        "events": campaign.events.select_related("actor__staff"),
        "summary": results.summary(campaign) if campaign.approved_at else None,
        "reason_form": ReasonForm(),
        "first": benefits.tier_labels(benefits.priority_tiers(campaign.notice)),
    }
    return render(request, "marketing/campaign.html", context)


@require_POST
@author_required
def campaign_preview(request):
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Check the message text."))
    body = form.cleaned_data["body"]
    unknown = texts.unknown_placeholders(body)
    return render(request, "marketing/_preview.html", {"preview": texts.preview(body), "unknown": unknown})


def _act(request, pk: int, step):
    campaign = get_visible_or_404(Campaign.objects, request.user, pk=pk)
    try:
        step(campaign)
    except campaigns.Refused as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(campaign)


@require_POST
@author_required
def campaign_submit(request, pk: int):
    return _act(request, pk, lambda c: campaigns.submit(c, by=request.user))


@require_POST
@author_required
def campaign_cancel(request, pk: int):
    return _act(request, pk, lambda c: campaigns.cancel(c, by=request.user))


@require_POST
@head_office_required
def campaign_approve(request, pk: int):
    return _act(request, pk, lambda c: campaigns.approve(c, by=request.user))


@require_POST
@head_office_required
def campaign_decline(request, pk: int, how: str):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("marketing:campaign", pk)
    step = campaigns.reject if how == "reject" else campaigns.send_back
    return _act(request, pk, lambda c: step(c, by=request.user, reason=form.cleaned_data["reason"]))


@require_GET
@reader_required
def campaign_export(request, pk: int):
    campaign = get_visible_or_404(Campaign.objects, request.user, pk=pk)
    if not campaign.approved_at:
        raise PermissionDenied
    name = _("campaign") + f"-{campaign.pk}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return xlsx_response(
        name,
        _("Campaign results"),
        HEADERS,
        result_rows(campaign, results.summary(campaign)),
        user=request.user,
        what="marketing.campaign_results",
        filters={"campaign": campaign.pk},
    )
