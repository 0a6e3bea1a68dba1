"""Loyalty's daily jobs (run by ``run_daily_jobs`` and the beat task)."""

import datetime as dt

from crm.jobs import daily_job
from loyalty import services, vouchers


@daily_job("loyalty.tier_check", order=20)
def tier_check(day: dt.date) -> dict:
    return services.tier_check(day)


@daily_job("loyalty.expire_points", order=21)
def expire_points(day: dt.date) -> dict:
    return services.expire_points(day)


@daily_job("loyalty.vouchers", order=22)
def issue_vouchers(day: dt.date) -> dict:
    """Birthday vouchers and anniversary gifts of the month (issued once a year each)."""
    return vouchers.issue_by_rules(day)
