"""Everything the dealer file page shows about one account, in a fixed number of queries."""

from django.utils import timezone

from customers.models import ContactLog
from distributors import analysis, ledger
from distributors.models import (
    AccountChange,
    BrandShare,
    Communication,
    Contract,
    DealerPerson,
    LogisticsPartner,
    Negotiation,
    OutletGroup,
    PickUp,
    ProgressEntry,
    ServiceRhythm,
    Shipment,
    Visit,
)

RECENT = 20


def context(account) -> dict:
    today = timezone.localdate()
    position = ledger.positions([account.pk], today).get(account.pk) or ledger.allocate([], ledger.ZERO, today)
    rows = {
        "people": DealerPerson.objects.filter(account=account),
        "brands": BrandShare.objects.filter(account=account),
        "outlets": OutletGroup.objects.filter(account=account),
        "logistics": LogisticsPartner.objects.filter(account=account),
        "visits": Visit.objects.filter(account=account)[:RECENT],
        "negotiations": Negotiation.objects.filter(account=account)[:RECENT],
        "contracts": Contract.objects.filter(account=account).select_related("reviewed_by__staff"),
        "communications": Communication.objects.filter(account=account).select_related("created_by__staff")[:RECENT],
        "progress": ProgressEntry.objects.filter(account=account)[:RECENT],
        "pick_ups": PickUp.objects.filter(account=account).select_related("policy")[:RECENT],
        "shipments": Shipment.objects.filter(account=account)[:RECENT],
        "calls": ContactLog.objects.filter(customer=account.customer_id)
        .select_related("staff__staff")
        .order_by("-occurred_at")[:RECENT],
        "changes": AccountChange.objects.filter(account=account).select_related("by__staff").order_by("-at", "-pk"),
    }
    return {
        "account": account,
        **rows,
        "position": position,
        "stock": ledger.stock(account),
        "stage_days": analysis.stage_days(account),
        "rhythm": ServiceRhythm.objects.filter(value_class=account.value_class).first(),
        "spread": account.spread(),
        "today": today,
    }
