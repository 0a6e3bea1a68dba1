"""The reports app's daily job: keep the summary tables up to date."""

import datetime as dt

from crm.jobs import daily_job
from reports import summary


@daily_job("reports.summarise", order=90)
def summarise(day: dt.date) -> dict:
    return summary.summarise(day)
