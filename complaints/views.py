"""Complaint pages: lists, intake, the complaint with its timeline, and its actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaints import attachments, services
from complaints.exporting import HEADERS, complaint_rows
from complaints.forms import (
    AgreementForm,
    AssignForm,
    ComplaintForm,
    EventForm,
    FilterForm,
    ResolutionForm,
    StatusForm,
    SurveyForm,
)
from complaints.models import Attachment, Complaint, Status
from crm.access import export_required, get_visible_or_404, require_profile, staff_required, writer_required
from crm.params import BadParameter, as_id, choice_param, id_param, page_param
from crm.xlsx import xlsx_response
from customers.models import Customer, Purchase


def _refused(request, refused: list[str]) -> None:
    for message in refused:
        messages.error(request, message)


SCOPES = ("mine", "store", "surveys")


def _listed(request):
    """(complaints, filter form, scope): the list's rows with its tab and filters applied."""
    profile = require_profile(request.user)
    default = "mine" if profile.can_write and not profile.is_head_office else "store"
    scope = choice_param(request.GET, "scope", SCOPES, default=default)
    complaints = Complaint.objects.visible_to(request.user)
    if scope == "mine":
        complaints = complaints.filter(owner=request.user).open()
    elif scope == "surveys":
        complaints = complaints.filter(status=Status.CLOSED, survey_answered_at__isnull=True)
    form = FilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        complaints = _filtered(complaints, form.cleaned_data)
    return complaints, form, scope


@staff_required()
def complaint_list(request):
    complaints, form, scope = _listed(request)
    complaints = complaints.select_related("store", "customer", "category", "owner__staff", "department")
    page = Paginator(complaints, 50).get_page(page_param(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/list.html",
        {"page": page, "form": form, "scope": scope, "query": query.urlencode(), "now": timezone.now()},
    )


@require_GET
@export_required
def complaint_export(request):
    """The complaints list, with the tab and filters it was showing, as a workbook."""
    complaints, form, scope = _listed(request)
    if form.is_bound and not form.is_valid():
        if "store" in form.errors:
            raise Http404  # a store the user does not see
        return HttpResponseBadRequest(_("Check the filters."))
    cleaned = form.cleaned_data if form.is_bound else {}
    filters = {key: str(getattr(value, "pk", value)) for key, value in cleaned.items() if value} | {"scope": scope}
    return xlsx_response(
        _("complaints") + f"-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        _("Complaints"),
        HEADERS,
        complaint_rows(complaints),
        user=request.user,
        what="complaints",
        filters=filters,
    )


def _filtered(complaints, data: dict):
    if data["status"] == "open":
        complaints = complaints.open()
    elif data["status"]:
        complaints = complaints.filter(status=data["status"])
    for field in ("category", "severity", "channel", "store"):
        if data[field]:
            complaints = complaints.filter(**{field: data[field]})
    if data["overdue"]:
        complaints = complaints.overdue()
    if data["since"]:
        complaints = complaints.filter(received_at__date__gte=data["since"])
    if data["until"]:
        complaints = complaints.filter(received_at__date__lte=data["until"])
    if data["q"]:
        text = data["q"].strip()
        q = Q(description__icontains=text) | Q(customer__name__icontains=text) | Q(caller_name__icontains=text)
        q |= Q(caller_contact__icontains=text) | Q(customer__mobile__contains=text)
        number = as_id(text.removeprefix("#"))
        if number is not None:
            q |= Q(pk=number)
        complaints = complaints.filter(q)
    return complaints


def _intake_initial(request) -> tuple[dict, Customer | None]:
    """The intake form's prefill from ``?customer=<id>&source=callback&task=<id>&purchase=<id>``."""
    initial = {}
    customer = None
    customer_id = id_param(request.GET, "customer")
    if customer_id is not None:
        customer = get_visible_or_404(Customer.objects, request.user, pk=customer_id)
        initial["customer"] = customer
    if choice_param(request.GET, "source", ["callback"]):
        initial["channel"] = "callback"
    for field, param in (("source_task", "task"), ("purchase", "purchase")):
        value = id_param(request.GET, param)
        if value is not None:
            initial[field] = value
    return initial, customer


_INTAKE_FIELDS = [
    "store",
    "category",
    "channel",
    "description",
    "severity",
    "customer",
    "caller_name",
    "caller_contact",
    "purchase",
    "department",
    "owner",
    "key",
]


@writer_required
def complaint_create(request):
    """Intake. ``?customer=<id>&source=callback&task=<id>`` prefills it from a callback."""
    initial, customer = _intake_initial(request)
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint, created = services.log_complaint(
                received_by=request.user,
                source_task_id=data["source_task"],
                **{name: data[name] for name in _INTAKE_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                _saved, refused = attachments.attach(complaint, data["attachments"], request.user)
                _refused(request, refused)
                messages.success(request, _("Complaint #%(number)s is logged.") % {"number": complaint.pk})
            return redirect(complaint)
    customer = form.cleaned_data.get("customer") if form.is_bound and form.is_valid() else customer
    return render(request, "complaints/form.html", {"form": form, "customer": customer})


@staff_required()
def complaint_detail(request, pk: int):
    complaint = get_visible_or_404(
        Complaint.objects.select_related("store", "customer", "category", "department", "owner__staff", "purchase"),
        request.user,
        pk=pk,
    )
    events = complaint.events.select_related("by__staff").prefetch_related("files")
    context = {
        "complaint": complaint,
        "events": events,
        "files": complaint.attachments.all(),
        "returns": complaint.returns.select_related("purchase").prefetch_related("lines__purchase_line"),
        "now": timezone.now(),
        "can_write": require_profile(request.user).can_write,
        "assign_form": AssignForm(
            complaint=complaint, initial={"department": complaint.department_id, "owner": complaint.owner_id}
        ),
        "event_form": EventForm(),
        "resolution_form": ResolutionForm(
            initial={"resolution_type": complaint.resolution_type, "amount": complaint.resolution_amount}
        ),
        "agreement_form": AgreementForm(),
        "survey_form": SurveyForm(),
        "purchases": _purchases_for_return(request, complaint),
    }
    return render(request, "complaints/detail.html", context)


def _purchases_for_return(request, complaint):
    if complaint.purchase_id:
        return [complaint.purchase]
    if complaint.customer_id:
        return list(Purchase.objects.visible_to(request.user).filter(customer=complaint.customer)[:10])
    return []


def _writable(request, pk: int) -> Complaint:
    return get_visible_or_404(Complaint.objects, request.user, pk=pk)


@require_POST
@writer_required
def complaint_assign(request, pk: int):
    complaint = _writable(request, pk)
    form = AssignForm(request.POST, complaint=complaint)
    if not form.is_valid():
        messages.error(request, _("Choose an owner who works for this store or head office."))
        return redirect(complaint)
    try:
        services.assign(
            complaint,
            request.user,
            department=form.cleaned_data["department"],
            owner=form.cleaned_data["owner"],
            text=form.cleaned_data["text"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(complaint)


@require_POST
@writer_required
def complaint_event(request, pk: int):
    complaint = _writable(request, pk)
    form = EventForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write what happened."))
        return redirect(complaint)
    event = services.add_event(complaint, request.user, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"])
    _saved, refused = attachments.attach(complaint, form.cleaned_data["attachments"], request.user, event=event)
    _refused(request, refused)
    return redirect(complaint)


ACTIONS = {
    "start": services.start_investigation,
    "wait": services.wait_on_customer,
    "resume": services.resume,
    "close": services.close,
    "reopen": services.reopen,
}


@require_POST
@writer_required
def complaint_status(request, pk: int):
    complaint = _writable(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise BadParameter("action")
    try:
        ACTIONS[form.cleaned_data["action"]](complaint, request.user, form.cleaned_data["text"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Status: %(status)s") % {"status": complaint.get_status_display()})
        if form.cleaned_data["action"] == "close" and complaint.survey_task_id is None:
            messages.info(
                request,
                _("No follow-up task could be scheduled: the satisfaction survey is waiting on this complaint."),
            )
    return redirect(complaint)


@require_POST
@writer_required
def complaint_resolve(request, pk: int):
    complaint = _writable(request, pk)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        try:
            services.resolve(
                complaint,
                request.user,
                resolution_type=form.cleaned_data["resolution_type"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Check the resolution and amount."))
    return redirect(complaint)


@require_POST
@writer_required
def complaint_agreement(request, pk: int):
    complaint = _writable(request, pk)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.record_agreement(
                complaint, request.user, agreed=form.cleaned_data["agreed"], text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose whether the customer agrees."))
    return redirect(complaint)


@writer_required
def complaint_survey(request, pk: int):
    """The satisfaction check after closing, recorded by whoever called the customer."""
    complaint = _writable(request, pk)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_survey(
                complaint,
                request.user,
                score=form.cleaned_data["score"],
                satisfied=form.cleaned_data["satisfied"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if complaint.status == Status.CLOSED:
                messages.success(request, _("Thank you: the customer's answer is recorded."))
            else:
                messages.warning(request, _("The customer is not satisfied: the complaint is reopened."))
            return redirect(complaint)
    return render(request, "complaints/survey.html", {"complaint": complaint, "form": form})


@staff_required()
def attachment_download(request, pk: int):
    """Attachments are served only to those who see the complaint, never from a public URL."""
    attachment = get_visible_or_404(Attachment.objects, request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not (attachment.is_image or request.GET.get("inline")),
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
