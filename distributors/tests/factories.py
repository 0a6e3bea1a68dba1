"""Test and demo helpers for business accounts."""

from distributors.models import Status
from distributors.services.accounts import open_account


def make_account(manager, company="华东服饰贸易有限公司", status=Status.POTENTIAL, grade="", by=None, **fields):
    return open_account(
        company=company,
        contact_name=fields.pop("contact_name", "陈总"),
        account_manager=manager,
        by=by or manager,
        status=status,
        grade=grade,
        **fields,
    )
