import io

from django.core.management import call_command

from crm.models import StaffProfile, Store
from customers.models import Customer, Purchase


def snapshot():
    return (
        list(Customer.objects.order_by("mobile").values_list("name", "mobile", "home_store__code", "cumulative_spend")),
        list(
            Purchase.objects.order_by("store__code", "receipt_number").values_list(
                "receipt_number", "total", "purchased_at"
            )
        ),
    )


def test_it_loads_stores_logins_and_customers_the_same_way_for_the_same_seed(db):
    call_command("seed_demo", customers=40, seed=7, today="2026-11-01", stdout=io.StringIO())
    assert Store.objects.count() == 3
    assert set(StaffProfile.objects.values_list("user__username", flat=True)) >= {
        "clerk",
        "manager",
        "supervisor",
        "hq",
    }
    assert Customer.objects.count() == 40
    first = snapshot()
    dates = [p[2] for p in first[1]]
    assert (max(dates) - min(dates)).days >= 200  # about 8 months of sales
    Purchase.objects.all().delete()
    Customer.objects.all().delete()
    StaffProfile.objects.all().delete()
    Store.objects.all().delete()
    call_command("seed_demo", customers=40, seed=7, today="2026-11-01", stdout=io.StringIO())
    assert snapshot() == first
