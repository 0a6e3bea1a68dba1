"""Second-factor pages, and head office's staff page (unlock a login, end its sessions)."""

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm import two_factor
from crm.access import audit, head_office_required
from crm.logins import locked_usernames
from crm.models import UserSession
from crm.sessions import end_sessions


@login_required
def two_factor_setup(request):
    if two_factor.has_authenticator(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = two_factor.pending_authenticator(request.user)
    form = two_factor.TokenForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_authenticator(request, device, form.cleaned_data["token"])
        if codes is not None:
            return render(request, "crm/two_factor_codes.html", {"codes": codes, "next": two_factor.safe_next(request)})
        form.add_error("token", _("That code is not right; check the phone's time and try again."))
    context = {
        "form": form,
        "qr": two_factor.qr_svg(device),
        "secret": two_factor.base32_secret(device),
        "next": two_factor.safe_next(request),
    }
    return render(request, "crm/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    if not two_factor.has_authenticator(request.user):
        return redirect("two_factor_setup")
    form = two_factor.TokenForm(request.POST or None)
    if form.is_valid():
        if two_factor.verify_second_factor(request, form.cleaned_data["token"]):
            return redirect(two_factor.safe_next(request))
        form.add_error("token", _("That code is not right, or too many tries: wait a moment and try again."))
    return render(request, "crm/two_factor_verify.html", {"form": form, "next": two_factor.safe_next(request)})


@head_office_required
def staff_list(request):
    users = (
        get_user_model()
        .objects.filter(staff__isnull=False)
        .select_related("staff__store")
        .order_by("staff__store__code", "staff__role", "username")
    )
    page = Paginator(users, 100).get_page(request.GET.get("page"))
    sessions = UserSession.objects.filter(user__in=page.object_list).values_list("user_id").annotate(n=Count("id"))
    counts, locked = dict(sessions), locked_usernames()
    rows = [(user, counts.get(user.pk, 0), user.get_username() in locked) for user in page.object_list]
    return render(request, "crm/staff.html", {"page": page, "rows": rows})


@require_POST
@head_office_required
def staff_unlock(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk, staff__isnull=False)
    axes_reset(username=user.get_username())
    audit(request.user, "login.unlocked", user)
    messages.success(request, _("%(name)s can log in again.") % {"name": user.staff.name})
    return redirect("staff")


@require_POST
@head_office_required
def staff_end_sessions(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk, staff__isnull=False)
    keep = request.session.session_key if user == request.user else None
    count = end_sessions(user, actor=request.user, keep_key=keep)
    messages.success(request, _("%(count)d sessions of %(name)s ended.") % {"count": count, "name": user.staff.name})
    return redirect("staff")


@require_POST
@login_required
def end_my_other_sessions(request):
    count = end_sessions(request.user, actor=request.user, keep_key=request.session.session_key)
    messages.success(request, _("Logged out everywhere else (%(count)d sessions).") % {"count": count})
    return redirect("home")
