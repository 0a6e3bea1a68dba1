import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from api.tests.conftest import sale_body
from crm.models import AuditEvent
from customers.models import Purchase
from loyalty.models import PointsEntry
from loyalty.services import points_balance


def test_it_records_a_sale_for_a_member_found_by_mobile(pos_a, customer_a, clerk_a):
    response = pos_a.post("/sales", sale_body(mobile="13900000001"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["created"] is True and data["anonymous"] is False
    assert data["total"] == "1000.00" and data["points_earned"] == 1000 and data["points_balance"] == 1000
    purchase = Purchase.objects.get(receipt_number="R-0001")
    assert purchase.customer == customer_a and purchase.clerk == clerk_a
    assert AuditEvent.objects.filter(action="api.sale_recorded", detail__api_key="S001 till 1").count() == 1


def test_it_records_the_same_receipt_once(pos_a, customer_a):
    first = pos_a.post("/sales", sale_body(mobile="13900000001"))
    again = pos_a.post("/sales", sale_body(mobile="13900000001"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["created"] is False and again.json()["sale_id"] == first.json()["sale_id"]
    assert Purchase.objects.filter(receipt_number="R-0001").count() == 1
    assert PointsEntry.objects.filter(customer=customer_a).count() == 1
    assert points_balance(customer_a) == 1000


def test_it_records_an_unknown_customer_as_an_anonymous_sale(pos_a, store_a, clerk_a):
    response = pos_a.post("/sales", sale_body(mobile="13911112222"))
    assert response.status_code == 201
    assert response.json()["anonymous"] is True and response.json()["points_balance"] is None
    assert Purchase.objects.get(store=store_a, receipt_number="R-0001").customer is None


def test_it_applies_the_tier_discount_and_reports_card_eligibility(pos_a, customer_a):
    customer_a.tier = "B"
    customer_a.save()
    response = pos_a.post("/sales", sale_body(mobile="13900000001", amount="4000.00"))
    data = response.json()
    assert data["discount_rate"] == "0.0500" and data["total"] == "3800.00"
    assert data["card_application"]["target_tier"] == "A"


def test_it_keeps_the_time_of_sale(pos_a, customer_a):
    response = pos_a.post("/sales", sale_body(mobile="13900000001", purchased_at="2026-11-20T15:30:00"))
    assert response.status_code == 201
    purchase = Purchase.objects.get(receipt_number="R-0001")
    assert purchase.purchased_at == dt.datetime(2026, 11, 20, 7, 30, tzinfo=dt.UTC)


def test_a_key_of_store_a_cannot_record_for_store_b(pos_a, store_b, clerk_b):
    response = pos_a.post("/sales", sale_body(store="S002", staff="clerk_b"))
    assert response.status_code == 403
    assert not Purchase.objects.exists()


def test_a_clerk_of_another_store_cannot_serve_the_sale(pos_a, clerk_b):
    response = pos_a.post("/sales", sale_body(staff="clerk_b"))
    assert response.status_code == 400 and response.json()["code"] == "clerk"


def test_a_receipt_number_typed_at_the_web_till_is_a_conflict(pos_a, customer_a, clerk_a):
    from customers.tests.factories import buy

    buy(customer_a, "10", clerk=clerk_a, receipt_number="R-0001")
    response = pos_a.post("/sales", sale_body(mobile="13900000001"))
    assert response.status_code == 409


@pytest.mark.parametrize(
    "change",
    [
        {"lines": []},
        {"lines": [{"item": "x", "unit_price": "-1"}]},
        {"lines": [{"item": "x", "unit_price": "1", "quantity": 10**30}]},
        {"receipt_number": "R\x00"},
        {"purchased_at": "0001-01-01T00:00:00+14:00"},
        {"mobile": "１３９"},
        {"staff_code": ""},
    ],
)
def test_it_answers_bad_input_with_400(pos_a, clerk_a, change):
    response = pos_a.post("/sales", {**sale_body(), **change})
    assert response.status_code == 400, response.content
    assert not Purchase.objects.exists()


def test_it_refuses_a_request_without_a_valid_key(client, clerk_a):
    assert client.post("/api/v1/sales", sale_body(), content_type="application/json").status_code == 401
    response = client.post(
        "/api/v1/sales", sale_body(), content_type="application/json", headers={"Authorization": "Bearer kd_0_0"}
    )
    assert response.status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_receipt_posted_twice_at_the_same_moment_records_one_sale(store_a, clerk_a, customer_a, head_office):
    """Two POS retries race on PostgreSQL: one purchase, one points entry."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    from api.keys import create_key
    from api.tests.conftest import PosClient

    _key, raw = create_key(name="S001 till 1", store=store_a, by=head_office)
    barrier = threading.Barrier(2)
    answers = []

    def post():
        client = PosClient(raw)
        barrier.wait()
        answers.append(client.post("/sales", sale_body(mobile="13900000001")).status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 201]
    assert Purchase.objects.filter(receipt_number="R-0001").count() == 1
    assert PointsEntry.objects.filter(customer=customer_a).count() == 1
    assert points_balance(customer_a) == 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_anonymous_receipt_posted_twice_at_the_same_moment_records_one_sale(store_a, clerk_a, head_office):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    from api.keys import create_key
    from api.tests.conftest import PosClient

    _key, raw = create_key(name="S001 till 1", store=store_a, by=head_office)
    barrier = threading.Barrier(2)
    answers = []

    def post():
        client = PosClient(raw)
        barrier.wait()
        answers.append(client.post("/sales", sale_body()).status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 201]
    assert Purchase.objects.filter(receipt_number="R-0001").count() == 1


def test_a_sale_through_the_api_leaves_the_same_rows_as_the_web_till(pos_a, client_for, clerk_a, store_a):
    """The same sale for two identical customers: one at the web till, one from the POS."""
    from customers.tests.factories import CustomerFactory
    from followups.models import FollowUpTask
    from loyalty.models import CardApplication, TierEvaluation

    till_customer = CustomerFactory(name="甲", mobile="+8613900000011", home_store=store_a, clerk=clerk_a)
    pos_customer = CustomerFactory(name="乙", mobile="+8613900000012", home_store=store_a, clerk=clerk_a)
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        till = client_for(clerk_a).post(
            f"/till/sale/?customer={till_customer.pk}",
            {
                "receipt_number": "W-1",
                "idempotency_key": "6c8a3e5e-8a3c-4c55-9d7c-2a4a1c6a0001",
                "note": "",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-item": "西装",
                "lines-0-quantity": "1",
                "lines-0-unit_price": "1600.00",
            },
        )
        assert till.status_code == 302, till.content.decode()[:2000]
        api = pos_a.post("/sales", sale_body("P-1", mobile="13900000012", amount="1600.00"))
        assert api.status_code == 201

    def rows(customer):
        purchase = Purchase.objects.get(customer=customer)
        evaluation = TierEvaluation.objects.get(customer=customer, purchase=purchase)
        return {
            "purchase": (
                purchase.subtotal,
                purchase.discount_rate,
                purchase.total,
                purchase.clerk_id,
                purchase.purchased_at,
            ),
            "points": list(
                PointsEntry.objects.filter(customer=customer).values_list("kind", "points", "balance_after")
            ),
            "evaluation": (
                evaluation.current_tier,
                evaluation.eligible_tier,
                evaluation.max_single,
                evaluation.cumulative,
            ),
            "applications": list(
                CardApplication.objects.filter(customer=customer).values_list("target_tier", "status")
            ),
            "plan": sorted(
                FollowUpTask.objects.filter(customer=customer).values_list(
                    "kind", "channel", "due_date", "assignee_id", "store_id", "status"
                )
            ),
        }

    till_rows, api_rows = rows(till_customer), rows(pos_customer)
    assert till_rows == api_rows
    assert till_rows["points"] == [("earn", 1600, 1600)] and till_rows["applications"] == [("B", "created")]
    assert till_rows["plan"], "the purchase gets its follow-up plan"
    assert Decimal(api.json()["total"]) == till_rows["purchase"][2]


def test_it_takes_a_members_voucher_off_after_the_discount_and_uses_it_once(pos_a, customer_a):
    from loyalty import vouchers
    from loyalty.voucher_models import VoucherKind, VoucherSource, VoucherStatus, VoucherType

    vtype = VoucherType.objects.create(name="50元代金券", kind=VoucherKind.AMOUNT, amount=Decimal("50"))
    voucher = vouchers.issue(vtype, customer_a, source=VoucherSource.MANUAL, reason="补偿")
    first = pos_a.post("/sales", sale_body(mobile="13900000001", voucher_code=voucher.code))
    assert first.status_code == 201, first.content
    assert first.json()["voucher_discount"] == "50.00" and first.json()["total"] == "950.00"
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED

    again = pos_a.post("/sales", sale_body("R-0002", mobile="13900000001", voucher_code=voucher.code))
    assert again.status_code == 400 and again.json()["code"] == "voucher"
    assert "已经使用" in again.json()["detail"]
    assert not Purchase.objects.filter(receipt_number="R-0002").exists()
