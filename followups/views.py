import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from crm.access import (
    export_required,
    get_visible_or_404,
    head_office_required,
    require_profile,
    staff_required,
    writer_required,
)
from crm.models import Role, Store
from crm.params import choice_param, id_param, page_param, text_param
from crm.xlsx import xlsx_response
from customers.models import ContactOutcome, Customer
from customers.validators import normalise_mobile
from followups import forms
from followups.completion import HEADERS, ON_TIME_LABELS, CompletionFilter, filter_tasks, on_time, task_rows, totals
from followups.models import CadenceRule, FollowUpTask, Holiday, MessageStatus, MessageTemplate, OutboundMessage
from followups.services import messages as sms_messages
from followups.services import outbox, plans
from followups.services.worklist import attach_glance, merge_same_customer, record_outcome, script_text, worklist

manager_required = staff_required(Role.MANAGER, Role.HEAD_OFFICE)
# Whoever has tasks on a worklist records their outcomes: store staff, and the account
# managers whose business accounts get calls from the distributors' rhythm.
worker_required = staff_required(Role.CLERK, Role.MANAGER, Role.HEAD_OFFICE, Role.ACCOUNT_MANAGER, Role.SALES_MANAGER)


def complaint_url(task: FollowUpTask) -> str:
    """Where "reached with a problem" leads, once the complaints app provides it."""
    try:
        base = reverse("complaints:create")
    except NoReverseMatch:
        return ""
    return f"{base}?customer={task.customer_id}&source=callback&task={task.pk}"


@staff_required()
def today(request):
    profile = require_profile(request.user)
    day = timezone.localdate()
    mine = profile.role == Role.CLERK and choice_param(request.GET, "who", ["mine", "store"]) != "store"
    tasks = list(worklist(request.user, day, assignee=request.user if mine else None))
    attach_glance(tasks)
    tasks = merge_same_customer(tasks)
    return render(
        request,
        "followups/today.html",
        {"tasks": tasks, "day": day, "mine": mine, "outcomes": forms.OutcomeForm().fields["outcome"].choices},
    )


@staff_required()
def task_detail(request, pk):
    task = get_visible_or_404(FollowUpTask.objects.select_related("customer", "store", "assignee"), request.user, pk=pk)
    return render(
        request,
        "followups/task.html",
        {
            "task": task,
            "script_text": script_text(task),
            "complaint_url": complaint_url(task),
            "reassign_form": forms.ReassignForm(store=task.store, initial={"assignee": task.assignee_id}),
            "date_form": forms.DateForm(initial={"due_date": task.proposed_due_date or task.due_date}),
            "outcomes": forms.OutcomeForm().fields["outcome"].choices,
        },
    )


@worker_required
@require_POST
def outcome(request, pk):
    task = get_visible_or_404(FollowUpTask.objects, request.user, pk=pk)
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose an outcome."))
    done = record_outcome(task, by=request.user, **form.cleaned_data)
    task = FollowUpTask.objects.select_related("customer", "store", "assignee", "assignee__staff").get(pk=task.pk)
    if done is None:
        messages.info(request, _("This follow-up was already recorded."))
    if request.headers.get("HX-Request"):
        return render(request, "followups/_task_done.html", {"task": task, "complaint_url": complaint_url(task)})
    if task.outcome == ContactOutcome.PROBLEM and complaint_url(task):
        return redirect(complaint_url(task))
    return redirect("followups:today")


@writer_required
@require_POST
def propose(request, pk):
    task = get_visible_or_404(FollowUpTask.objects, request.user, pk=pk)
    form = forms.DateForm(request.POST)
    if form.is_valid():
        plans.propose(task, form.cleaned_data["due_date"], form.cleaned_data["note"], by=request.user)
        messages.success(request, _("Your proposal was sent to the store manager."))
    return redirect("followups:task", pk=task.pk)


@manager_required
@require_POST
def reschedule(request, pk):
    task = get_visible_or_404(FollowUpTask.objects, request.user, pk=pk)
    form = forms.DateForm(request.POST)
    if form.is_valid():
        plans.reschedule(task, form.cleaned_data["due_date"], by=request.user)
        messages.success(request, _("The date was changed."))
    return redirect("followups:task", pk=task.pk)


@manager_required
@require_POST
def cancel(request, pk):
    task = get_visible_or_404(FollowUpTask.objects, request.user, pk=pk)
    plans.cancel(task, by=request.user)
    messages.success(request, _("The follow-up was cancelled."))
    return redirect("followups:plan", pk=task.customer_id)


@manager_required
@require_POST
def reassign(request, pk):
    task = get_visible_or_404(FollowUpTask.objects.select_related("store"), request.user, pk=pk)
    form = forms.ReassignForm(request.POST, store=task.store)
    if form.is_valid():
        plans.reassign(task, form.cleaned_data["assignee"], by=request.user)
        messages.success(request, _("The follow-up was reassigned."))
    return redirect("followups:task", pk=task.pk)


@manager_required
def reassign_all(request):
    profile = require_profile(request.user)
    stores = Store.objects.visible_to(request.user)
    store_id = id_param(request.POST, "store") or id_param(request.GET, "store") or profile.store_id
    store = get_object_or_404(stores, pk=store_id)
    form = forms.ReassignAllForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        moved = plans.reassign_all(store, form.cleaned_data["from_user"], form.cleaned_data["to_user"], by=request.user)
        messages.success(request, _("%(count)d follow-ups were reassigned.") % {"count": moved})
        return redirect("followups:today")
    return render(request, "followups/reassign_all.html", {"form": form, "store": store})


@staff_required()
def customer_plan(request, pk):
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    tasks = (
        FollowUpTask.objects.visible_to(request.user)
        .filter(customer=customer)
        .select_related("store", "assignee", "assignee__staff", "purchase")
        .order_by("-due_date", "-id")[:200]
    )
    profile = require_profile(request.user)
    add_form = None
    if profile.role in (Role.MANAGER, Role.HEAD_OFFICE):
        store = profile.store or customer.home_store
        add_form = forms.AddTaskForm(
            store=store,
            initial={"token": uuid.uuid4(), "due_date": timezone.localdate(), "assignee": customer.clerk_id},
        )
    return render(request, "followups/plan.html", {"customer": customer, "tasks": tasks, "add_form": add_form})


@manager_required
@require_POST
def add_task(request, pk):
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    profile = require_profile(request.user)
    store = profile.store or customer.home_store
    form = forms.AddTaskForm(request.POST, store=store)
    if form.is_valid():
        data = form.cleaned_data
        plans.add_task(
            customer,
            channel=data["channel"],
            purpose=data["purpose"],
            due_date=data["due_date"],
            assignee=data["assignee"],
            store=store,
            by=request.user,
            script=data["script"],
            token=data["token"],
        )
        messages.success(request, _("The follow-up was added."))
    else:
        messages.error(request, _("The follow-up was not added: check the fields."))
    return redirect("followups:plan", pk=customer.pk)


@writer_required
@require_POST
def opt_out(request, pk):
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    sms_messages.stop_messages(customer, by=request.user)
    messages.success(request, _("%(name)s will get no more marketing messages.") % {"name": customer.name})
    return redirect("followups:plan", pk=customer.pk)


@staff_required(Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)
def outbox_list(request):
    rows = OutboundMessage.objects.visible_to(request.user).select_related("customer", "store")
    status = choice_param(request.GET, "status", MessageStatus.values)
    if status:
        rows = rows.filter(status=status)
    return render(request, "followups/outbox.html", {"rows": rows[:200], "status": status})


# --- completion list ----------------------------------------------------------------------


def _completion(request):
    """(filter form, filtered tasks or None when the filters are not valid, today)."""
    today = timezone.localdate()
    form = CompletionFilter(request.GET, user=request.user, today=today)
    if not form.is_valid():
        return form, None, today
    return form, filter_tasks(FollowUpTask.objects.visible_to(request.user), form.cleaned_data, today), today


@staff_required(Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)
def completion(request):
    """Follow-up tasks by due day with status and outcome: who did what, and on time."""
    form, tasks, today = _completion(request)
    page, counts = None, None
    if tasks is not None:
        counts = totals(tasks)
        page = Paginator(tasks, 50).get_page(page_param(request.GET))
        for task in page:
            task.on_time_state = on_time(task, today)
            task.on_time_label = ON_TIME_LABELS[task.on_time_state]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "followups/completion.html",
        {"form": form, "page": page, "counts": counts, "query": query.urlencode(), "today": today},
    )


@require_GET
@export_required
def completion_export(request):
    form, tasks, today = _completion(request)
    if tasks is None:
        if form.names_another_store:
            raise Http404
        return HttpResponseBadRequest(_("Check the filters."))
    return xlsx_response(
        _("follow-up-completion") + f"-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        _("Follow-up completion"),
        HEADERS,
        task_rows(tasks, today),
        user=request.user,
        what="followups.completion",
        filters=form.used_filters(),
    )


# --- head office: cadence, templates, holidays -------------------------------------------


@head_office_required
def rules(request):
    return render(
        request,
        "followups/rules.html",
        {"rules": CadenceRule.objects.select_related("template"), "templates": MessageTemplate.objects.all()},
    )


@head_office_required
def rule_edit(request, pk=None):
    rule = get_object_or_404(CadenceRule, pk=pk) if pk else None
    form = forms.CadenceRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The cadence was saved."))
        return redirect("followups:rules")
    return render(request, "followups/form.html", {"form": form, "title": _("Cadence step")})


@head_office_required
def template_edit(request, pk=None):
    template = get_object_or_404(MessageTemplate, pk=pk) if pk else None
    form = forms.MessageTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The message template was saved."))
        return redirect("followups:rules")
    body = form["body"].value() or ""
    return render(
        request,
        "followups/template_form.html",
        {
            "form": form,
            "preview": outbox.preview(body, sms_messages.SAMPLE_CONTEXT),
            "placeholders": list(sms_messages.PLACEHOLDERS.items()),
        },
    )


@head_office_required
@require_POST
def template_preview(request):
    body = text_param(request.POST, "body", max_length=2000)
    return render(request, "followups/_preview.html", {"preview": outbox.preview(body, sms_messages.SAMPLE_CONTEXT)})


@head_office_required
def holidays(request):
    form = forms.HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The holiday was added."))
        return redirect("followups:holidays")
    return render(request, "followups/holidays.html", {"form": form, "holidays": Holiday.objects.all()[:100]})


# --- the gateway's callback --------------------------------------------------------------


@csrf_exempt
@require_POST
def inbound(request):
    """Replies from the SMS gateway: ``X-Kedang-Token`` header, form or JSON ``from`` and ``text``."""
    token = settings.KEDANG_SMS_INBOUND_TOKEN
    if not token or not constant_time_compare(request.headers.get("X-Kedang-Token", ""), token):
        raise PermissionDenied
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return HttpResponseBadRequest("bad JSON")
    else:
        data = request.POST
    try:
        mobile = normalise_mobile(str(data.get("from", "")))
    except Exception:
        return HttpResponseBadRequest("bad number")
    message = sms_messages.record_inbound(mobile, str(data.get("text", "")))
    return JsonResponse({"ok": True, "opt_out": message.is_opt_out})
