from api.tests.conftest import sale_body
from loyalty.models import CardApplication
from loyalty.services import earn_points


def test_it_finds_an_own_member_by_mobile_with_points_gift_and_next_card(pos_a, customer_a):
    from loyalty.models import Gift

    Gift.objects.create(name="围巾", points_price=800, stock=5)
    earn_points(customer_a, 300, reason="test", by=None, key="t1")
    response = pos_a.post("/members/lookup", {"mobile": "139 0000 0001"})
    assert response.status_code == 200
    data = response.json()
    assert data["own_store"] is True and data["member_id"] == customer_a.pk
    assert data["masked_name"] == "王*" and data["tier"] == "C"
    assert data["points_balance"] == 300 and data["points_to_next_gift"] == 500 and data["next_gift"] == "围巾"
    assert data["next_card"]["tier"] == "B" and data["next_card"]["cumulative_spend_needed"] == "5000.00"
    assert "王芳" not in response.content.decode()


def test_it_finds_an_own_member_by_card_number(pos_a, customer_a):
    customer_a.card_number = "B2026000001"
    customer_a.tier = "B"
    customer_a.save()
    data = pos_a.post("/members/lookup", {"card_number": "b2026000001"}).json()
    assert data["member_id"] == customer_a.pk and data["discount_rate"] == "0.0500"


def test_another_stores_member_is_found_by_full_mobile_only_masked(pos_a, customer_b):
    earn_points(customer_b, 300, reason="test", by=None, key="t1")
    data = pos_a.post("/members/lookup", {"mobile": "13900000002"}).json()
    assert data["own_store"] is False and data["masked_name"] == "李*"
    assert data["member_id"] is None and data["points_balance"] is None and data["card_number"] is None


def test_another_stores_member_is_not_found_by_card_number(pos_a, customer_b):
    customer_b.card_number = "B2026000009"
    customer_b.save()
    assert pos_a.post("/members/lookup", {"card_number": "B2026000009"}).status_code == 404


def test_a_key_of_store_a_cannot_read_store_bs_member(pos_a, customer_b):
    assert pos_a.get(f"/members/{customer_b.pk}/points").status_code == 404
    assert pos_a.get(f"/members/{customer_b.pk}/card-applications").status_code == 404


def test_it_lists_points_history_and_card_applications(pos_a, customer_a, clerk_a):
    pos_a.post("/sales", sale_body(mobile="13900000001", amount="1600.00"))
    points = pos_a.get(f"/members/{customer_a.pk}/points").json()
    assert [(p["kind"], p["points"], p["receipt_number"]) for p in points] == [("earn", 1600, "R-0001")]
    applications = pos_a.get(f"/members/{customer_a.pk}/card-applications").json()
    assert [(a["target_tier"], a["status"]) for a in applications] == [("B", "created")]
    assert CardApplication.objects.get(customer=customer_a).purchase.receipt_number == "R-0001"


def test_it_answers_bad_lookups_with_400(pos_a, customer_a):
    for body in ({}, {"mobile": "13900000001", "card_number": "x"}, {"mobile": "abc"}, {"mobile": "1\x00"}):
        assert pos_a.post("/members/lookup", body).status_code == 400, body
    assert pos_a.get("/members/99999999999999999999999/points").status_code == 400
    assert pos_a.get("/members/0/points").status_code == 400


def test_lookup_queries_stay_few(pos_a, customer_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        assert pos_a.post("/members/lookup", {"mobile": "13900000001"}).status_code == 200
