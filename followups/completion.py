"""The follow-up completion list: every task of a date range (by due day) with its status
and outcome, for store managers, supervisors and head office, on screen and as a workbook.

``CompletionFilter`` reads the page's filters (due-day range, store, clerk, status);
``filter_tasks`` applies them to a queryset already scoped to the user, so the page and
the export show the same rows. Done "on time" means done on or before the due day,
store-local, as in the dashboards.
"""

import datetime as dt
from collections.abc import Iterator

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Store, staff_name
from followups.forms import StaffChoiceField
from followups.models import FollowUpTask, TaskStatus

DEFAULT_DAYS = 30
CHUNK = 1000

STATUS_CHOICES = [
    ("", gettext_lazy("Any status")),
    ("done", gettext_lazy("Done")),
    ("on_time", gettext_lazy("Done on time")),
    ("late", gettext_lazy("Done late")),
    ("open", gettext_lazy("Not yet due")),
    ("overdue", gettext_lazy("Overdue, not done")),
    ("cancelled", gettext_lazy("Cancelled")),
    ("superseded", gettext_lazy("Replaced by a newer purchase")),
]

HEADERS = (
    gettext_lazy("Due"),
    gettext_lazy("Customer"),
    gettext_lazy("Mobile"),
    gettext_lazy("Store"),
    gettext_lazy("Channel"),
    gettext_lazy("Purpose"),
    gettext_lazy("Assigned to"),
    gettext_lazy("Status"),
    gettext_lazy("On time"),
    gettext_lazy("Outcome"),
    gettext_lazy("Satisfaction (1-5)"),
    gettext_lazy("Completed"),
    gettext_lazy("Completed by"),
    gettext_lazy("Attempts"),
    gettext_lazy("Note"),
)


class CompletionFilter(forms.Form):
    since = forms.DateField(label=gettext_lazy("Due from"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("Due until"), widget=forms.DateInput(attrs={"type": "date"}))
    store = forms.ModelChoiceField(
        label=gettext_lazy("Store"),
        queryset=Store.objects.none(),
        required=False,
        empty_label=gettext_lazy("All stores"),
    )
    clerk = StaffChoiceField(
        label=gettext_lazy("Clerk"), queryset=None, required=False, empty_label=gettext_lazy("Everyone")
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, params, *, user, today: dt.date):
        data = params.copy()
        # No range asked for: the last 30 days, so the page and the export agree.
        if not data.get("since"):
            data["since"] = (today - dt.timedelta(days=DEFAULT_DAYS)).isoformat()
        if not data.get("until"):
            data["until"] = today.isoformat()
        super().__init__(data)
        stores = Store.objects.visible_to(user)
        self.fields["store"].queryset = stores
        self.fields["clerk"].queryset = (
            get_user_model().objects.filter(staff__store__in=stores).select_related("staff").order_by("username")
        )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start of the range is after its end."))
        return data

    @property
    def names_another_store(self) -> bool:
        """A store or clerk the user does not see was asked for."""
        return "store" in self.errors or "clerk" in self.errors

    def used_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "since": data["since"].isoformat(),
            "until": data["until"].isoformat(),
            "store": data["store"].pk if data.get("store") else "",
            "clerk": data["clerk"].pk if data.get("clerk") else "",
            "status": data.get("status", ""),
        }


def filter_tasks(tasks, data: dict, today: dt.date):
    """``tasks`` (scoped to the user) narrowed by the cleaned filter ``data``."""
    tasks = tasks.filter(due_date__gte=data["since"], due_date__lte=data["until"])
    if data.get("store"):
        tasks = tasks.filter(store=data["store"])
    if data.get("clerk"):
        tasks = tasks.filter(assignee=data["clerk"])
    status = data.get("status")
    if status in ("done", "on_time", "late"):
        tasks = tasks.filter(status=TaskStatus.DONE)
        if status != "done":
            tasks = tasks.annotate(done_on=TruncDate("completed_at"))
            lookup = "done_on__lte" if status == "on_time" else "done_on__gt"
            tasks = tasks.filter(**{lookup: F("due_date")})
    elif status == "open":
        tasks = tasks.filter(status=TaskStatus.PENDING, due_date__gte=today)
    elif status == "overdue":
        tasks = tasks.filter(status=TaskStatus.PENDING, due_date__lt=today)
    elif status in (TaskStatus.CANCELLED, TaskStatus.SUPERSEDED):
        tasks = tasks.filter(status=status)
    return tasks.select_related("customer", "store", "assignee__staff", "completed_by__staff").order_by(
        "due_date", "store_id", "id"
    )


def totals(tasks) -> dict:
    """How many tasks, how many done, how many done on time."""
    return tasks.annotate(done_on=TruncDate("completed_at")).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
        on_time=Count("id", filter=Q(status=TaskStatus.DONE, done_on__lte=F("due_date"))),
    )


ON_TIME_LABELS = {
    "on_time": gettext_lazy("Yes"),
    "late": gettext_lazy("No, late"),
    "overdue": gettext_lazy("Overdue"),
    "": "",
}


def on_time(task: FollowUpTask, today: dt.date) -> str:
    """ "on_time", "late", "overdue" (still to do, due day passed) or ""."""
    if task.status == TaskStatus.DONE and task.completed_at:
        return "on_time" if timezone.localdate(task.completed_at) <= task.due_date else "late"
    if task.status == TaskStatus.PENDING and task.due_date < today:
        return "overdue"
    return ""


def task_rows(tasks, today: dt.date) -> Iterator[list]:
    """One row per task, in ``HEADERS`` order, read in chunks."""
    for t in tasks.iterator(CHUNK):
        yield [
            t.due_date,
            t.customer.name,
            t.customer.masked_mobile(),
            t.store.name,
            t.get_channel_display(),
            t.purpose,
            staff_name(t.assignee),
            t.get_status_display(),
            str(ON_TIME_LABELS[on_time(t, today)]),
            t.get_outcome_display() if t.outcome else "",
            t.satisfaction,
            t.completed_at.replace(microsecond=0) if t.completed_at else None,
            staff_name(t.completed_by),
            t.attempts,
            t.note,
        ]
