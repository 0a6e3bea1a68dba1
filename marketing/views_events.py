"""Member-event pages: list, the event with its invitations, answers and check-in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.access import get_visible_or_404, require_profile, staff_required, writer_required
from crm.models import Role
from crm.params import next_url
from customers.models import Customer
from marketing import events
from marketing.forms_events import AnswerForm, CheckInForm, EventForm
from marketing.models import Invitation, MemberEvent
from marketing.panels import today_in_store

organiser_required = staff_required(Role.MANAGER, Role.HEAD_OFFICE)


@require_GET
@staff_required()
def event_list(request):
    rows = MemberEvent.objects.visible_to(request.user).select_related("store")[:200]
    return render(request, "marketing/events.html", {"events": rows})


@organiser_required
def event_edit(request, pk: int | None = None):
    event = get_visible_or_404(MemberEvent.objects, request.user, pk=pk) if pk else None
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.created_by = event.created_by or request.user
        event.save()
        return redirect(event)
    return render(request, "marketing/event_form.html", {"form": form, "event": event})


@require_GET
@staff_required()
def event_detail(request, pk: int):
    event = get_visible_or_404(MemberEvent.objects.select_related("store", "segment"), request.user, pk=pk)
    invitations = event.invitations.select_related("customer").order_by("rsvp", "id")
    page = Paginator(invitations, 100).get_page(request.GET.get("page"))
    context = {"event": event, "page": page, "report": events.report(event), "checkin": CheckInForm()}
    return render(request, "marketing/event.html", context)


@require_POST
@organiser_required
def event_invite(request, pk: int):
    event = get_visible_or_404(MemberEvent.objects, request.user, pk=pk)
    try:
        counts = events.invite(event, by=request.user)
        messages.success(request, _("%(invited)s customers invited (%(sms)s SMS, %(calls)s calls).") % counts)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(event)


@require_POST
@writer_required
def invitation_answer(request, pk: int, invitation: int):
    event = get_visible_or_404(MemberEvent.objects, request.user, pk=pk)
    found = event.invitations.filter(pk=invitation).first()
    if found is None:
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an answer and the number of people (1 to 20)."))
        return redirect(event)
    result = events.answer(
        found, form.cleaned_data["rsvp"], party_size=form.cleaned_data["party_size"], by=request.user
    )
    if result.rsvp == "waitlist":
        messages.warning(request, _("The event is full: the customer is on the waiting list."))
    return redirect(event)


@require_POST
@writer_required
def event_check_in(request, pk: int):
    event = get_visible_or_404(MemberEvent.objects, request.user, pk=pk)
    form = CheckInForm(request.POST)
    invitation = events.find_invitation(event, form.data.get("q", "")) if form.is_valid() else None
    if invitation is None:
        messages.error(request, _("No invitation for that card number or mobile."))
    elif events.check_in(invitation, by=request.user):
        messages.success(request, _("%(name)s checked in.") % {"name": invitation.customer.masked_name()})
    else:
        messages.info(request, _("Already checked in."))
    return redirect(event)


@require_POST
@staff_required(Role.CLERK, Role.MANAGER)
def till_check_in(request, invitation: int):
    """The check-in button of the till's events panel: today's events of the clerk's store,
    for a customer the clerk may see."""
    store_id = require_profile(request.user).store_id
    start, end = today_in_store(store_id)
    found = (
        Invitation.objects.filter(pk=invitation, event__store_id=store_id)
        .filter(customer__in=Customer.objects.visible_to(request.user))
        .select_related("customer", "event")
        .first()
    )
    if found is None:
        raise Http404
    if not start <= found.event.starts_at < end:
        messages.error(request, _("Check-in is only on the day of the event."))
    elif events.check_in(found, by=request.user):
        messages.success(request, _("%(name)s checked in.") % {"name": found.customer.masked_name()})
    else:
        messages.info(request, _("Already checked in."))
    return redirect(next_url(request, found.event.get_absolute_url()))
