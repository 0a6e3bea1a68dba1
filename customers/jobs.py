"""The customer file's daily jobs (personal data: uploads kept no longer than needed)."""

import datetime as dt

from crm.jobs import daily_job
from customers.privacy import uploads


@daily_job("customers.purge_import_files", order=80)
def purge_import_files(day: dt.date) -> dict:
    return uploads.purge_old_files(day)


@daily_job("customers.retention", order=85)
def retention_review(day: dt.date) -> dict:
    from customers.privacy import retention

    return retention.run(day)
