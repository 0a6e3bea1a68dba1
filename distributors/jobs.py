"""The distributors' daily jobs (registered with crm.jobs): value classes first, then
the rhythm's tasks, then contract renewal reminders."""

import datetime as dt

from django.conf import settings
from django.utils import translation

from crm.jobs import daily_job
from distributors.services import contracts, rhythm


@daily_job("distributors.classify", order=55)
def classify(day: dt.date) -> dict:
    return rhythm.classify(day)


@daily_job("distributors.rhythm", order=56)
def service_rhythm(day: dt.date) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return rhythm.generate(day)


@daily_job("distributors.renewals", order=57)
def renewals(day: dt.date) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return contracts.renewal_reminders(day)
