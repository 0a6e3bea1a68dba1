import io

from django.core.management import call_command
from django.db.models import Count

from crm.models import Role, StaffProfile
from distributors.models import DealerAccount, Payment, PaymentPlan, PickUp, Shipment, Status, StockReport


def test_the_demo_has_a_dozen_dealers_in_every_status_with_money_goods_and_stock(db):
    call_command("seed_demo", customers=10, seed=7, today="2026-11-01", stdout=io.StringIO())
    accounts = DealerAccount.objects.all()
    assert accounts.count() == 12
    assert set(accounts.values_list("status", flat=True)) == set(Status.values)
    assert set(
        accounts.filter(status=Status.EXISTING).exclude(value_class="").values_list("value_class", flat=True)
    ) >= {
        "important",
        "small",
    }
    trading = accounts.filter(status__in=[Status.EXISTING, Status.ENDED])
    for model in (PaymentPlan, Payment, PickUp, Shipment, StockReport):
        counts = model.objects.values("account").annotate(n=Count("pk"))
        assert {c["account"] for c in counts} == set(trading.values_list("pk", flat=True)), model
    roles = dict(
        StaffProfile.objects.filter(user__username__in=["am", "am2", "sales"]).values_list("user__username", "role")
    )
    assert roles == {"am": Role.ACCOUNT_MANAGER, "am2": Role.ACCOUNT_MANAGER, "sales": Role.SALES_MANAGER}
    team = DealerAccount.objects.visible_to(StaffProfile.objects.get(user__username="sales").user)
    assert team.count() == 12
