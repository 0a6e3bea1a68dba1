import datetime as dt

from complaints.escalation import escalate_for_day
from crm.jobs import daily_job


@daily_job("complaints.escalate", order=50)
def escalate(day: dt.date) -> dict:
    return escalate_for_day(day)
