"""Spreadsheets in and out: the customer export and the import of a store's workbook.

Only store managers and head office reach these (``export_required``); a manager imports
only into their own store, and sees only their store's imports.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.access import audit, export_required, get_visible_or_404, require_profile
from crm.models import Store
from crm.params import flag_param, text_param
from crm.xlsx import xlsx_response
from customers.exporting import customer_rows, export_headers
from customers.forms import CustomerFilterForm
from customers.importing import services
from customers.importing.models import ImportJob, ImportStatus
from customers.importing.report import rows_left_out, write_template
from customers.models import Customer

EXPORT_FILTERS = ("q", "store", "tier", "last_from", "last_to")


@require_GET
@export_required
def customer_export(request):
    """The customer list, with the filters it was showing, as a workbook."""
    filters = {k: text_param(request.GET, k) for k in EXPORT_FILTERS}
    customers = CustomerFilterForm(request.GET, user=request.user).filter(Customer.objects.visible_to(request.user))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        _("customers") + f"-{stamp}.xlsx",
        _("Customers"),
        export_headers(),
        customer_rows(customers),
        user=request.user,
        what="customers",
        filters=filters,
    )


class UploadForm(forms.Form):
    store = forms.ModelChoiceField(label=gettext_lazy("Store"), queryset=Store.objects.none())
    file = forms.FileField(label=gettext_lazy("Customer workbook (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        profile = require_profile(user)
        stores = Store.objects.visible_to(user).filter(is_active=True)
        if not profile.is_head_office:
            stores = stores.filter(pk=profile.store_id)
        self.fields["store"].queryset = stores
        if stores.count() == 1:
            self.fields["store"].initial = stores.first()


@export_required
def import_start(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_import(
                store=form.cleaned_data["store"],
                user=request.user,
                upload=upload,
                name=upload.name,
                size=upload.size,
            )
        except services.FileRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            if job.is_waiting_for_queue:
                messages.warning(request, _("The file is kept and will be checked shortly."))
            return redirect("spreadsheets:import_detail", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("store", "created_by")[:20]
    return render(request, "spreadsheets/import_start.html", {"form": form, "jobs": jobs})


def _job(request, pk: int) -> ImportJob:
    return get_visible_or_404(ImportJob.objects.select_related("store", "created_by"), request.user, pk=pk)


def _status(job: ImportJob) -> dict:
    """What the status part shows: the job, and the rows it leaves out with their reasons
    (listed as soon as the check is done, so the manager reads them before confirming)."""
    checked = job.status in (ImportStatus.CHECKED, ImportStatus.IMPORTING, ImportStatus.DONE)
    left_out = rows_left_out(job) if checked and job.not_imported_rows else []
    return {"job": job, "can_cancel": services.can_cancel(job), "left_out": left_out}


@require_GET
@export_required
def import_detail(request, pk: int):
    return render(request, "spreadsheets/import_detail.html", _status(_job(request, pk)))


@require_GET
@export_required
def import_status(request, pk: int):
    """The part of the page that htmx polls while the job runs."""
    return render(request, "spreadsheets/_import_status.html", _status(_job(request, pk)))


@require_POST
@export_required
def import_confirm(request, pk: int):
    job = _job(request, pk)
    if not services.can_import_into(request.user, job.store):
        raise PermissionDenied
    if not services.confirm(job, request.user, file_wins=flag_param(request.POST, "file_wins") is True):
        messages.info(request, _("This import was already confirmed."))
    return redirect("spreadsheets:import_detail", pk=job.pk)


@require_POST
@export_required
def import_cancel(request, pk: int):
    job = _job(request, pk)
    if services.cancel(job, request.user):
        messages.info(request, _("The import was cancelled; nothing was written."))
    return redirect("spreadsheets:import_start")


@require_GET
@export_required
def import_report(request, pk: int):
    job = _job(request, pk)
    if not job.report:
        raise Http404
    suffix = _("report")
    name = f"{job.original_name.rsplit('.', 1)[0]}-{suffix}.xlsx"
    audit(request.user, "report.downloaded", job, store=job.store, what="import_report")
    return FileResponse(job.report.open("rb"), as_attachment=True, filename=name)


@require_GET
@export_required
def import_template(request):
    import tempfile

    handle = tempfile.SpooledTemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_template(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=_("customer import template") + ".xlsx")
