from decimal import Decimal

from api.tests.conftest import sale_body
from complaints.models import ProductReturn
from crm.models import AuditEvent
from customers.models import Purchase
from loyalty.services import points_balance


def _sale(pos):
    body = sale_body(mobile="13900000001")
    body["lines"] = [{"item": "西装", "unit_price": "600.00"}, {"item": "衬衫", "unit_price": "200.00", "quantity": 2}]
    return pos.post("/sales", body).json()


def test_it_returns_lines_and_reverses_their_points_as_the_web_return_does(pos_a, customer_a, clerk_a):
    sale = _sale(pos_a)
    shirt = sale["lines"][1]["line_id"]
    body = {"return_number": "RT-1", "staff_code": "clerk_a", "lines": [{"line_id": shirt, "quantity": 1}]}
    response = pos_a.post("/sales/R-0001/returns", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["refund_amount"] == "200.00" and data["points_reversed"] == 200 and data["points_balance"] == 800
    customer_a.refresh_from_db()
    assert customer_a.cumulative_spend == Decimal("800.00")
    assert AuditEvent.objects.filter(action="api.return_recorded", detail__api_key="S001 till 1").exists()
    again = pos_a.post("/sales/R-0001/returns", body)
    assert again.status_code == 200 and again.json()["return_id"] == data["return_id"]
    assert ProductReturn.objects.count() == 1 and points_balance(customer_a) == 800


def test_it_refuses_more_than_was_bought(pos_a, customer_a, clerk_a):
    sale = _sale(pos_a)
    body = {
        "return_number": "RT-1",
        "staff_code": "clerk_a",
        "lines": [{"line_id": sale["lines"][0]["line_id"], "quantity": 2}],
    }
    assert pos_a.post("/sales/R-0001/returns", body).status_code == 400
    assert not ProductReturn.objects.exists()


def test_store_b_cannot_return_store_as_sale(pos_a, pos_b, customer_a, clerk_a, clerk_b):
    sale = _sale(pos_a)
    body = {
        "return_number": "RT-1",
        "staff_code": "clerk_b",
        "lines": [{"line_id": sale["lines"][0]["line_id"], "quantity": 1}],
    }
    assert pos_b.post("/sales/R-0001/returns", body).status_code == 404
    assert Purchase.objects.get().store.code == "S001" and not ProductReturn.objects.exists()


def test_a_line_of_another_sale_is_refused(pos_a, customer_a, clerk_a):
    _sale(pos_a)
    other = pos_a.post("/sales", sale_body("R-0002")).json()
    body = {
        "return_number": "RT-1",
        "staff_code": "clerk_a",
        "lines": [{"line_id": other["lines"][0]["line_id"], "quantity": 1}],
    }
    assert pos_a.post("/sales/R-0001/returns", body).status_code == 400
