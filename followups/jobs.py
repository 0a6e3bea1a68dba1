"""Follow-ups' daily jobs (orders 30-40), run by beat and by ``run_daily_jobs --date D``."""

import datetime as dt

from crm.jobs import daily_job
from followups.models import FollowUpTask
from followups.services import damping, greetings, outbox


@daily_job("followups.greetings", order=30)
def generate_greetings(day: dt.date) -> dict:
    return greetings.generate_greetings(day)


@daily_job("followups.damping", order=32)
def apply_damping(day: dt.date) -> dict:
    return damping.apply_damping(day)


@daily_job("followups.overdue", order=34)
def mark_overdue(day: dt.date) -> dict:
    marked = FollowUpTask.objects.pending().calls().filter(due_date__lt=day, overdue=False).update(overdue=True)
    return {"marked_overdue": marked}


@daily_job("followups.send_messages", order=36)
def send_messages(day: dt.date) -> dict:
    counts = outbox.queue_due_messages(day)
    counts.update(outbox.send_due_messages())
    return counts
