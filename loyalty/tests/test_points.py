import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from customers.tests.factories import buy
from loyalty import services
from loyalty.models import EntryKind, Gift, PointsAccount, PointsEntry

pytestmark = pytest.mark.django_db


def test_it_earns_one_point_per_yuan_rounded_down(customer_a, clerk_a):
    buy(customer_a, "899.99", clerk=clerk_a)
    assert services.points_balance(customer_a) == 899
    entry = PointsEntry.objects.get(customer=customer_a)
    assert entry.kind == EntryKind.EARN and entry.by == clerk_a and entry.purchase is not None


def test_it_earns_at_the_configured_rate(customer_a, clerk_a, settings):
    settings.LOYALTY_POINTS_PER_CNY = "0.5"
    buy(customer_a, "301", clerk=clerk_a)
    assert services.points_balance(customer_a) == 150


def test_it_earns_once_for_the_same_purchase_submitted_twice(customer_a, clerk_a):
    key = uuid.uuid4()
    buy(customer_a, "500", clerk=clerk_a, idempotency_key=key)
    buy(customer_a, "500", clerk=clerk_a, idempotency_key=key)
    assert services.points_balance(customer_a) == 500
    assert PointsEntry.objects.filter(customer=customer_a).count() == 1


def test_it_earns_once_when_the_receiver_runs_twice(customer_a, clerk_a):
    purchase = buy(customer_a, "500", clerk=clerk_a)
    services.on_purchase_recorded(purchase)
    assert services.points_balance(customer_a) == 500


def test_it_gives_no_points_for_imported_or_anonymous_purchases(customer_a, store_a, clerk_a):
    buy(customer_a, "5000", clerk=clerk_a, is_imported=True)
    buy(None, "700", store=store_a, clerk=clerk_a)
    assert services.points_balance(customer_a) == 0
    assert not PointsEntry.objects.exists()


def test_it_redeems_part_of_the_balance_and_takes_stock(customer_a, clerk_a, gift):
    services.earn_points(customer_a, 2500, reason="test", by=clerk_a, key="k1")
    redemption = services.redeem_gift(customer_a, gift, quantity=2, by=clerk_a, key="r1")
    assert redemption.points == 2000
    assert services.points_balance(customer_a) == 500
    gift.refresh_from_db()
    assert gift.stock == 8
    assert redemption.entry.points == -2000 and redemption.entry.balance_after == 500


def test_it_redeems_once_for_the_same_key(customer_a, clerk_a, gift):
    services.earn_points(customer_a, 2500, reason="test", by=clerk_a, key="k1")
    first = services.redeem_gift(customer_a, gift, by=clerk_a, key="r1")
    again = services.redeem_gift(customer_a, gift, by=clerk_a, key="r1")
    assert first.pk == again.pk
    assert services.points_balance(customer_a) == 1500


def test_it_refuses_a_gift_the_balance_does_not_cover_in_chinese(customer_a, clerk_a, gift):
    services.earn_points(customer_a, 999, reason="test", by=clerk_a, key="k1")
    with translation.override("zh-hans"), pytest.raises(services.PointsError) as error:
        services.redeem_gift(customer_a, gift, by=clerk_a, key="r1")
    assert "积分不足" in error.value.messages[0]
    gift.refresh_from_db()
    assert gift.stock == 10 and services.points_balance(customer_a) == 999


def test_it_refuses_a_gift_out_of_stock(customer_a, clerk_a):
    gift = Gift.objects.create(name="围巾", points_price=100, stock=1)
    services.earn_points(customer_a, 1000, reason="test", by=clerk_a, key="k1")
    with pytest.raises(services.PointsError) as error:
        services.redeem_gift(customer_a, gift, quantity=2, by=clerk_a, key="r1")
    assert error.value.code == "out_of_stock"
    assert services.points_balance(customer_a) == 1000


def test_it_adjusts_down_but_never_below_zero(customer_a, head_office):
    services.adjust_points(customer_a, 300, reason="补录", by=head_office, key="a1")
    services.adjust_points(customer_a, -100, reason="更正", by=head_office, key="a2")
    with pytest.raises(services.PointsError):
        services.adjust_points(customer_a, -201, reason="更正", by=head_office, key="a3")
    assert services.points_balance(customer_a) == 200 == services.ledger_sum(customer_a)


def test_the_database_refuses_a_negative_balance(customer_a, clerk_a):
    services.earn_points(customer_a, 10, reason="test", by=clerk_a, key="k1")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(customer=customer_a).update(balance=-1)


def test_it_opens_a_balance_once_per_key(customer_a, clerk_a):
    services.open_balance(customer_a, 1234, by=clerk_a, key="import:1:row7")
    entry = services.open_balance(customer_a, 1234, by=clerk_a, key="import:1:row7")
    assert entry.kind == EntryKind.OPENING
    assert services.points_balance(customer_a) == 1234


def test_it_reverses_points_in_proportion_to_the_returned_amount(customer_a, clerk_a):
    purchase = buy(customer_a, "1000", clerk=clerk_a)
    result = services.reverse_purchase_points(purchase, amount=Decimal("333.33"), by=clerk_a, key="ret1")
    assert (result.points_reversed, result.points_unrecovered) == (333, 0)
    assert services.points_balance(customer_a) == 667


def test_it_reverses_only_what_is_left_and_records_the_shortfall(customer_a, clerk_a, gift):
    purchase = buy(customer_a, "1200", clerk=clerk_a)
    services.redeem_gift(customer_a, gift, by=clerk_a, key="r1")
    result = services.reverse_purchase_points(purchase, amount=Decimal("1200"), by=clerk_a, key="ret1")
    assert (result.points_reversed, result.points_unrecovered) == (200, 1000)
    assert result.entry.unrecovered == 1000
    assert services.points_balance(customer_a) == 0 == services.ledger_sum(customer_a)


def test_it_reverses_once_per_key_and_never_more_than_was_earned(customer_a, clerk_a):
    purchase = buy(customer_a, "1000", clerk=clerk_a)
    services.earn_points(customer_a, 5000, reason="other", by=clerk_a, key="k1")
    services.reverse_purchase_points(purchase, amount=Decimal("600"), by=clerk_a, key="ret1")
    again = services.reverse_purchase_points(purchase, amount=Decimal("600"), by=clerk_a, key="ret1")
    assert again.points_reversed == 600
    second = services.reverse_purchase_points(purchase, amount=Decimal("600"), by=clerk_a, key="ret2")
    assert second.points_reversed == 400
    assert services.points_balance(customer_a) == 5000


def test_it_tells_the_points_to_the_next_gift(customer_a, clerk_a, gift):
    Gift.objects.create(name="袜子", points_price=300, stock=5)
    Gift.objects.create(name="缺货的", points_price=500, stock=0)
    services.earn_points(customer_a, 400, reason="test", by=clerk_a, key="k1")
    found, missing = services.points_to_next_gift(customer_a)
    assert (found, missing) == (gift, 600)
    services.earn_points(customer_a, 600, reason="test", by=clerk_a, key="k2")
    assert services.points_to_next_gift(customer_a) is None


def test_it_expires_the_oldest_points_first(customer_a, clerk_a, settings):
    settings.LOYALTY_POINTS_EXPIRE_DAYS = 30
    import time_machine

    with time_machine.travel(dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)):
        services.earn_points(customer_a, 100, reason="old", by=clerk_a, key="old")
    with time_machine.travel(dt.datetime(2025, 1, 20, 12, tzinfo=dt.UTC)):
        services.earn_points(customer_a, 50, reason="new", by=clerk_a, key="new")
        services.adjust_points(customer_a, -60, reason="spent", by=clerk_a, key="spend")
    result = services.expire_points(dt.date(2025, 2, 5))
    assert result == {"expired_entries": 1, "points": 40}
    assert services.points_balance(customer_a) == 50 == services.ledger_sum(customer_a)
    assert services.expire_points(dt.date(2025, 2, 5))["points"] == 0
    assert services.expire_points(dt.date(2025, 2, 25))["points"] == 50
    assert services.points_balance(customer_a) == 0


def test_it_expires_nothing_when_expiry_is_off(customer_a, clerk_a):
    services.earn_points(customer_a, 100, reason="old", by=clerk_a, key="old")
    assert services.expire_points(dt.date(2099, 1, 1))["points"] == 0


def test_an_imported_customers_points_become_an_opening_balance(customer_a, clerk_a):
    from customers.importing.signals import customer_imported
    from loyalty import receivers_import

    receivers_import.connect()  # as ready() does; another app's test may have disconnected it
    for _ in range(2):
        customer_imported.send(
            sender=None, customer=customer_a, points=321, tier="C", by=clerk_a, key="import-opening:1"
        )
    entry = PointsEntry.objects.get(customer=customer_a)
    assert (entry.kind, entry.points) == (EntryKind.OPENING, 321)
