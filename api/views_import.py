"""The POS's daily export: a store manager (or head office) uploads it, checks, confirms."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from api import pos_import
from api.forms import PosUploadForm
from api.models import PosImport
from crm.access import export_required, get_visible_or_404, require_profile
from crm.models import Store
from customers.importing.safety import FileRefused


def _stores(user):
    profile = require_profile(user)
    stores = Store.objects.visible_to(user).filter(is_active=True)
    return stores if profile.is_head_office else stores.filter(pk=profile.store_id)


@export_required
def imports(request):
    form = PosUploadForm(request.POST or None, request.FILES or None, stores=_stores(request.user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pos = pos_import.start_import(
                store=form.cleaned_data["store"],
                user=request.user,
                upload=upload,
                name=upload.name,
                size=upload.size,
                sales_day=form.cleaned_data["sales_day"],
            )
        except FileRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("pos:import", pk=pos.pk)
    recent = PosImport.objects.visible_to(request.user).select_related("store")[:20]
    return render(request, "api/imports.html", {"form": form, "imports": recent})


def _import(request, pk: int) -> PosImport:
    return get_visible_or_404(PosImport.objects.select_related("store"), request.user, pk=pk)


@require_GET
@export_required
def import_detail(request, pk: int):
    pos = _import(request, pk)
    rejected = [row for row in pos.checked_rows if row["errors"]][:200]
    return render(request, "api/import_detail.html", {"pos": pos, "rejected": rejected})


@require_POST
@export_required
def import_confirm(request, pk: int):
    pos = _import(request, pk)
    if pos.status != PosImport.Status.CHECKED:
        messages.info(request, _("This export was already imported."))
    else:
        pos_import.confirm(pos, request.user)
    return redirect("pos:import", pk=pos.pk)


@require_GET
@export_required
def import_report(request, pk: int):
    pos = _import(request, pk)
    if not pos.report:
        raise Http404
    name = f"{pos.original_name.rsplit('.', 1)[0]}-{_('report')}.xlsx"
    return FileResponse(pos.report.open("rb"), as_attachment=True, filename=name)
