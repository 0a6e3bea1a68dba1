"""Returns and exchanges: points reversed exactly, spend reduced, tier kept, in one transaction."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import EventKind, ProductReturn, ReturnKind
from complaints.returns import Replacement, ReturnItem, record_return
from customers.models import Customer, Tier
from customers.services import LineData, record_purchase
from loyalty.services import adjust_points, points_balance


@pytest.fixture
def two_line_purchase(customer_a, clerk_a, store_a):
    purchase, _ = record_purchase(
        store=store_a,
        clerk=clerk_a,
        customer=customer_a,
        lines=[
            LineData(item="西装", unit_price=Decimal("1200.00")),
            LineData(item="领带", unit_price=Decimal("300.00"), quantity=2),
        ],
    )
    return purchase


def lines(purchase):
    return {line.item: line for line in purchase.lines.all()}


def test_a_return_reverses_exactly_the_points_its_lines_earned(two_line_purchase, customer_a, clerk_a):
    assert points_balance(customer_a) == 1800
    ret, created = record_return(
        purchase=two_line_purchase, items=[ReturnItem(lines(two_line_purchase)["领带"], 1)], by=clerk_a
    )
    assert created
    assert (ret.refund_amount, ret.points_reversed, ret.points_unrecovered) == (Decimal("300.00"), 300, 0)
    assert points_balance(customer_a) == 1500
    assert Customer.objects.get().cumulative_spend == Decimal("1500.00")


def test_returning_everything_takes_back_every_point(two_line_purchase, customer_a, clerk_a):
    by_item = lines(two_line_purchase)
    record_return(purchase=two_line_purchase, items=[ReturnItem(by_item["领带"], 1)], by=clerk_a)
    record_return(
        purchase=two_line_purchase, items=[ReturnItem(by_item["领带"], 1), ReturnItem(by_item["西装"], 1)], by=clerk_a
    )
    assert points_balance(customer_a) == 0
    assert Customer.objects.get().cumulative_spend == Decimal("0.00")


def test_points_already_spent_stop_the_balance_at_zero_and_are_recorded(two_line_purchase, customer_a, clerk_a):
    adjust_points(customer_a, -1000, reason="换礼品", by=clerk_a, key="spent")
    ret, _ = record_return(
        purchase=two_line_purchase, items=[ReturnItem(lines(two_line_purchase)["西装"], 1)], by=clerk_a
    )
    assert points_balance(customer_a) == 0
    assert (ret.points_reversed, ret.points_unrecovered) == (800, 400)


def test_the_clerk_sees_the_points_that_could_not_be_recovered(two_line_purchase, customer_a, clerk_a, client_for):
    adjust_points(customer_a, -1000, reason="换礼品", by=clerk_a, key="spent")
    ret, _ = record_return(
        purchase=two_line_purchase, items=[ReturnItem(lines(two_line_purchase)["西装"], 1)], by=clerk_a
    )
    page = client_for(clerk_a).get(reverse("complaints:return_detail", args=[ret.pk])).content.decode()
    assert "400" in page and "积分余额现为零" in page


def test_a_return_never_lowers_the_card_tier(two_line_purchase, customer_a, clerk_a):
    Customer.objects.filter(pk=customer_a.pk).update(tier=Tier.B)
    record_return(purchase=two_line_purchase, items=[ReturnItem(lines(two_line_purchase)["西装"], 1)], by=clerk_a)
    assert Customer.objects.get().tier == Tier.B


def test_a_discounted_purchase_refunds_what_was_paid(customer_a, clerk_a, store_a):
    purchase, _ = record_purchase(
        store=store_a, clerk=clerk_a, customer=customer_a, lines=[LineData(item="衬衫", unit_price=Decimal("500.00"))]
    )
    type(purchase).objects.filter(pk=purchase.pk).update(total=Decimal("450.00"), subtotal=Decimal("500.00"))
    purchase.refresh_from_db()
    ret, _ = record_return(purchase=purchase, items=[ReturnItem(purchase.lines.get(), 1)], by=clerk_a)
    assert ret.refund_amount == Decimal("450.00")


def test_it_refuses_to_take_back_more_than_was_bought(two_line_purchase, clerk_a):
    tie = lines(two_line_purchase)["领带"]
    record_return(purchase=two_line_purchase, items=[ReturnItem(tie, 2)], by=clerk_a)
    with pytest.raises(ValidationError):
        record_return(purchase=two_line_purchase, items=[ReturnItem(tie, 1)], by=clerk_a)


def test_the_same_return_submitted_twice_is_recorded_once(two_line_purchase, customer_a, clerk_a):
    key = uuid.uuid4()
    tie = lines(two_line_purchase)["领带"]
    record_return(purchase=two_line_purchase, items=[ReturnItem(tie, 1)], by=clerk_a, key=key)
    _, created = record_return(purchase=two_line_purchase, items=[ReturnItem(tie, 1)], by=clerk_a, key=key)
    assert not created
    assert ProductReturn.objects.count() == 1
    assert points_balance(customer_a) == 1500


def test_a_like_for_like_exchange_records_both_lines_and_moves_nothing(two_line_purchase, customer_a, clerk_a):
    suit = lines(two_line_purchase)["西装"]
    ret, _ = record_return(
        purchase=two_line_purchase,
        items=[ReturnItem(suit, 1)],
        by=clerk_a,
        kind=ReturnKind.EXCHANGE,
        replacement=Replacement(item="西装", size="52", value=Decimal("1200.00")),
    )
    assert ret.lines.get().purchase_line == suit
    assert (ret.replacement_item, ret.replacement_size, ret.replacement_value) == ("西装", "52", Decimal("1200.00"))
    assert (ret.refund_amount, ret.points_reversed) == (Decimal("0.00"), 0)
    assert points_balance(customer_a) == 1800


def test_a_cheaper_exchange_refunds_the_difference(two_line_purchase, customer_a, clerk_a):
    ret, _ = record_return(
        purchase=two_line_purchase,
        items=[ReturnItem(lines(two_line_purchase)["西装"], 1)],
        by=clerk_a,
        kind=ReturnKind.EXCHANGE,
        replacement=Replacement(item="休闲西装", value=Decimal("1000.00")),
    )
    assert (ret.refund_amount, ret.points_reversed) == (Decimal("200.00"), 200)
    assert Customer.objects.get().cumulative_spend == Decimal("1600.00")


def test_a_return_from_a_complaint_appears_on_its_timeline(two_line_purchase, make_complaint, clerk_a):
    complaint = make_complaint(purchase=two_line_purchase)
    record_return(
        purchase=two_line_purchase,
        items=[ReturnItem(lines(two_line_purchase)["领带"], 1)],
        by=clerk_a,
        complaint=complaint,
    )
    assert "领带 × 1" in complaint.events.get(kind=EventKind.RETURN).text


def test_the_return_page_records_a_return(two_line_purchase, customer_a, clerk_a, client_for):
    tie = lines(two_line_purchase)["领带"]
    url = reverse("complaints:return_create", args=[two_line_purchase.pk])
    client = client_for(clerk_a)
    assert "领带" in client.get(url).content.decode()
    response = client.post(url, {"kind": "return", f"qty_{tie.pk}": "2", "reason": "不合适", "key": str(uuid.uuid4())})
    ret = ProductReturn.objects.get()
    assert response.url == reverse("complaints:return_detail", args=[ret.pk])
    assert ret.refund_amount == Decimal("600.00")
    assert points_balance(customer_a) == 1200


def test_an_outsider_cannot_return_another_stores_purchase(two_line_purchase, clerk_b, client_for):
    url = reverse("complaints:return_create", args=[two_line_purchase.pk])
    assert client_for(clerk_b).get(url).status_code == 404
    tie = lines(two_line_purchase)["领带"]
    assert (
        client_for(clerk_b).post(url, {"kind": "return", f"qty_{tie.pk}": "1", "key": str(uuid.uuid4())}).status_code
        == 404
    )
    assert not ProductReturn.objects.exists()


def test_a_supervisor_cannot_record_a_return(two_line_purchase, supervisor, client_for):
    url = reverse("complaints:return_create", args=[two_line_purchase.pk])
    assert client_for(supervisor).get(url).status_code == 403
