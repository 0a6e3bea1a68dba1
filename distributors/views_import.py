"""Importing a dealer list: upload → report of the rows (valid, rejected with reasons) →
confirm; the rejected rows as a workbook to correct and import again."""

import tempfile

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.xlsx import write_workbook
from customers.importing.safety import FileRefused
from distributors import forms, spreadsheet
from distributors.access import importer_required
from distributors.models import DealerImport
from distributors.services import importing


@importer_required
def upload(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            staged = importing.stage(form.cleaned_data["file"], user=request.user)
        except FileRefused as error:
            form.add_error("file", str(error))
        else:
            return redirect("distributors:import_preview", pk=staged.pk)
    return render(request, "distributors/import.html", {"form": form, "headers": spreadsheet.headers()})


@importer_required
def preview(request, pk):
    staged = get_object_or_404(DealerImport, pk=pk, uploaded_by=request.user)
    return render(request, "distributors/import_preview.html", {"staged": staged})


@importer_required
@require_POST
def confirm(request, pk):
    staged = get_object_or_404(DealerImport, pk=pk, uploaded_by=request.user)
    added = importing.apply(staged, by=request.user)
    messages.success(request, _("%(n)s accounts were added.") % {"n": added})
    return redirect("distributors:import_preview", pk=staged.pk)


@importer_required
def report(request, pk):
    staged = get_object_or_404(DealerImport, pk=pk, uploaded_by=request.user)
    handle = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_workbook(handle, [spreadsheet.report_sheet(staged)])
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{staged.original_name.rsplit('.', 1)[0]}-report.xlsx")
