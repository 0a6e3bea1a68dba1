"""What follow-ups adds to other apps' pages (registered in apps.py)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Role, staff_profile
from followups.models import FollowUpTask, TaskStatus


def customer_panel(request, customer):
    tasks = (
        FollowUpTask.objects.visible_to(request.user)
        .filter(customer=customer, status=TaskStatus.PENDING)
        .select_related("assignee", "assignee__staff")
        .order_by("due_date", "id")[:5]
    )
    return "followups/_customer_panel.html", {"customer": customer, "tasks": tasks}


def home_panel(request):
    profile = staff_profile(request.user)
    if profile is None or profile.is_head_office:
        return None  # head office reads the chain's callback figures from the reports panel
    due = FollowUpTask.objects.visible_to(request.user).due_on(timezone.localdate()).calls()
    if profile.role == Role.CLERK:
        due = due.filter(assignee=request.user)
    return "followups/_home_panel.html", due.aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(overdue=True)))


def nav_links(request):
    profile = staff_profile(request.user)
    if profile is None:
        return []
    links = [(reverse("followups:today"), _("Follow-ups"))]
    if profile.role == Role.HEAD_OFFICE:
        links.append((reverse("followups:rules"), _("Cadence and messages")))
    return links
