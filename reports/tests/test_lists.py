import pytest

pytestmark = pytest.mark.django_db
RANGE = {"from": "2025-03-10", "to": "2025-03-12"}


def test_the_callback_list_shows_the_missed_callbacks_of_a_clerk(summarised, client_for, manager_a, clerk_a, store_a):
    response = client_for(manager_a).get(
        "/reports/callbacks/", {**RANGE, "store": store_a.pk, "clerk": clerk_a.pk, "state": "missed"}
    )
    assert response.status_code == 200
    assert [r[0].isoformat() for r in response.context["table"].rows] == ["2025-03-11"]


@pytest.mark.parametrize(("state", "count"), [("on_time", 1), ("late", 1), ("open", 1), ("", 4)])
def test_the_callback_list_matches_the_dashboard(state, count, summarised, client_for, manager_a, clerk_a):
    response = client_for(manager_a).get("/reports/callbacks/", {**RANGE, "clerk": clerk_a.pk, "state": state})
    assert len(response.context["table"].rows) == count


def test_the_purchase_list_leaves_out_imported_opening_balances(summarised, client_for, manager_a, clerk_a):
    response = client_for(manager_a).get("/reports/purchases/", {**RANGE, "clerk": clerk_a.pk})
    assert len(response.context["table"].rows) == 4
    anonymous = client_for(manager_a).get("/reports/purchases/", {**RANGE, "clerk": clerk_a.pk, "identified": "0"})
    assert len(anonymous.context["table"].rows) == 1


def test_the_new_customer_list_filters_those_accepting_messages(summarised, client_for, manager_a):
    response = client_for(manager_a).get("/reports/new-customers/", {**RANGE, "opted_in": "1"})
    assert len(response.context["table"].rows) == 2


def test_a_clerk_sees_only_their_own_rows_whatever_they_ask(summarised, client_for, clerk_a, clerk_a2):
    response = client_for(clerk_a).get("/reports/purchases/", {**RANGE, "clerk": clerk_a2.pk})
    assert len(response.context["table"].rows) == 4
    names = {r[3] for r in response.context["table"].rows}
    assert names == {"小王"}


@pytest.mark.parametrize("path", ["/reports/callbacks/", "/reports/purchases/", "/reports/new-customers/"])
def test_an_outsider_sees_nothing_of_another_store(path, summarised, client_for, clerk_b, manager_b, store_a):
    assert client_for(clerk_b).get(path, {**RANGE, "store": store_a.pk}).status_code == 404
    assert client_for(manager_b).get(path, {**RANGE, "store": store_a.pk}).status_code == 404
    response = client_for(manager_b).get(path, RANGE)
    assert response.context["table"].rows == []
