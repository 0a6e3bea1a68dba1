import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from crm.models import StaffProfile, Store
from customers.models import Customer, Purchase


def seed_and_snapshot():
    """Load the demo into a savepoint, read it back, and roll it away again."""
    with transaction.atomic():
        call_command("seed_demo", customers=15, seed=7, today="2026-11-01", stdout=io.StringIO())
        snapshot = {
            # shops only: later apps may add a store of their own (distributors' DIST)
            "stores": Store.objects.filter(staff__isnull=False).distinct().count(),
            "logins": set(StaffProfile.objects.values_list("user__username", flat=True)),
            "customers": list(
                Customer.objects.filter(kind="person")
                .order_by("mobile")
                .values_list("name", "mobile", "home_store__code", "cumulative_spend")
            ),
            "purchases": list(
                Purchase.objects.order_by("store__code", "receipt_number").values_list(
                    "receipt_number", "total", "purchased_at", "customer__mobile"
                )
            ),
        }
        transaction.set_rollback(True)
    return snapshot


def test_it_loads_stores_logins_and_customers_the_same_way_for_the_same_seed(db):
    first = seed_and_snapshot()
    assert first["stores"] == 3
    assert first["logins"] >= {"clerk", "manager", "supervisor", "hq"}
    assert len(first["customers"]) == 15
    dates = [p[2] for p in first["purchases"]]
    assert (max(dates) - min(dates)).days >= 200  # about 8 months of sales
    assert not Customer.objects.exists()
    assert seed_and_snapshot() == first


def test_it_refuses_a_database_that_already_has_stores_unless_asked_to_skip(store_a):
    with pytest.raises(CommandError):
        call_command("seed_demo", customers=5, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", customers=5, if_empty=True, stdout=out)
    assert "already loaded" in out.getvalue() and not Customer.objects.exists()
