"""Head office's audit page: the access and change log, filtered, exported, with alerts."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from crm import audit_log
from crm.access import head_office_required
from crm.params import choice_param, filter_values, page_param
from crm.xlsx import xlsx_response


@head_office_required
def audit_page(request):
    form = audit_log.AuditFilterForm(request.GET or None)
    events = form.events()
    if choice_param(request.GET, "format", ["xlsx"]):
        headers = [_("Time"), _("Staff"), _("Store"), _("Action"), _("Object"), _("Number"), _("Detail")]
        rows = audit_log.export_rows(events)
        return xlsx_response(_("audit log"), _("Audit log"), headers, rows, user=request.user, what="audit",
                             filters=filter_values(request.GET))  # fmt: skip
    page = Paginator(events, 50).get_page(page_param(request.GET))
    audit_log.annotate(page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "flagged": audit_log.heavy_viewers(events),
        "query": query.urlencode(),
    }
    return render(request, "crm/audit.html", context)
