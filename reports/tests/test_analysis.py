"""Churn, spend classes with ties, RFM quintiles and the evaluation on store C's
quarter (see conftest): ten customers, spend 100, 90, 90, 70, 60, 50, 40, 30, 20, 20."""

import pytest

from reports.models import CustomerPeriod, FrequencyBands, StorePeriod
from reports.tests.conftest import AMOUNTS

pytestmark = pytest.mark.django_db
Q1 = "2025Q1"


def _facts(people):
    by_customer = {f.customer_id: f for f in CustomerPeriod.objects.filter(period__key=Q1)}
    return [by_customer[p.pk] for p in people]


def test_it_computes_churn_by_the_seed_formula(summarised, store_c):
    row = StorePeriod.objects.get(period__key=Q1, store=store_c)
    # 10 customers bought in the quarter, 3 of them a second time: churn 1 - 3/10.
    assert (row.customers, row.repeat_customers) == (10, 3)


def test_it_shows_churn_and_repeat_rate_per_store(summarised, client_for, head_office):
    response = client_for(head_office).get("/reports/churn/", {"period": Q1})
    assert response.status_code == 200
    table = response.context["tables"][0]
    row = next(r for r in table.rows if r[0].startswith("S003"))
    assert row[1:3] == [10, 3]
    assert row[3].value == pytest.approx(0.3)
    assert row[4].value == pytest.approx(0.7)
    assert "70.0%" in response.content.decode()


def test_it_counts_churn_reasons(summarised, client_for, head_office):
    response = client_for(head_office).get("/reports/churn/", {"period": Q1})
    rows = response.context["tables"][1].rows
    assert sorted(r[1] for r in rows) == [0, 0, 0, 0, 0, 0, 1, 2]
    assert rows[0][1] == 2  # moved away, the first reason of seed 003


def test_it_classes_spend_by_pareto_with_ties_kept_together(summarised):
    classes = [f.abc for f in _facts(summarised["quarter"])]
    # Spend 100, 90, 90 | 70, 60 | 50, 40, 30 | 20, 20: the two 90s share second place,
    # which lies in the top 20%, so both are important (3 of 10); the tied 20s are both small.
    assert classes == ["important"] * 3 + ["major"] * 2 + ["ordinary"] * 3 + ["small"] * 2


def test_it_scores_rfm_quintiles_and_names_the_segments(summarised):
    facts = _facts(summarised["quarter"])
    assert [f.m for f in facts] == [5, 4, 4, 4, 3, 3, 2, 2, 1, 1]
    assert [f.f for f in facts] == [5, 4, 4, 1, 1, 1, 1, 1, 1, 1]
    assert [f.r for f in facts] == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert [f.segment for f in facts] == [
        "champions",
        "champions",
        "loyal",
        "promising",
        "about_to_sleep",
        "about_to_sleep",
        "hibernating",
        "hibernating",
        "hibernating",
        "hibernating",
    ]
    assert [int(f.amount) for f in facts] == AMOUNTS


def test_it_shows_classes_frequency_bands_and_the_rfm_grid(summarised, client_for, head_office, store_c):
    response = client_for(head_office).get("/reports/classes/", {"period": Q1, "store": store_c.pk})
    abc, bands, grid, segments = response.context["tables"]
    assert [r[2].value for r in abc.rows] == [3, 2, 3, 2]
    # Default bands: high from 4 purchases, medium from 2.
    assert [r[2].value for r in bands.rows] == [0, 3, 7]
    r5 = grid.rows[0]
    assert [c.value for c in r5[1:]] == [0, 0, 0, 1, 1]
    assert {str(r[0]): r[1].value for r in segments.rows}[str(segments.rows[0][0])] == 2


def test_head_office_can_change_the_frequency_bands(summarised, client_for, head_office, store_c):
    client = client_for(head_office)
    response = client.post("/reports/bands/", {"high_from": 3, "medium_from": 2})
    assert response.status_code == 302
    assert (FrequencyBands.current().high_from, FrequencyBands.current().medium_from) == (3, 2)
    response = client.get("/reports/classes/", {"period": Q1, "store": store_c.pk})
    assert [r[2].value for r in response.context["tables"][1].rows] == [1, 2, 7]


def test_it_refuses_bands_out_of_order(client_for, head_office):
    response = client_for(head_office).post("/reports/bands/", {"high_from": 2, "medium_from": 2})
    assert response.status_code == 200
    assert FrequencyBands.current().high_from == 4


@pytest.mark.parametrize("who", ["manager_a", "supervisor", "clerk_a"])
def test_only_head_office_edits_the_bands(who, request, client_for):
    assert client_for(request.getfixturevalue(who)).get("/reports/bands/").status_code == 403


def test_it_evaluates_customers_with_satisfaction_and_referrals(summarised, client_for, head_office, store_c):
    response = client_for(head_office).get("/reports/evaluation/", {"period": Q1, "store": store_c.pk})
    summary = response.context["tables"][0]
    row = summary.rows[0]
    # 10 customers, 14 purchases, 570 spent; callback satisfaction 4 and 5; 2 of 10 new referred.
    assert row[1:3] == [10, 14]
    assert row[3] == pytest.approx(1.4)
    assert int(row[4]) == 570
    assert row[6] == 4.5
    assert (row[8], row[9], row[10].value) == (10, 2, pytest.approx(0.2))
    best = response.context["customers"].rows[0]
    assert best[0].value == summarised["quarter"][0].name
    assert (best[2], int(best[3]), best[9], best[11]) == (3, 100, 4.5, 2)


def test_the_evaluation_lists_the_customers_of_a_class(summarised, client_for, head_office, store_c):
    response = client_for(head_office).get(
        "/reports/evaluation/", {"period": Q1, "abc": "important", "store": store_c.pk}
    )
    assert [r[0].value for r in response.context["customers"].rows] == [p.name for p in summarised["quarter"][:3]]


def test_the_evaluation_includes_complaint_survey_scores(summarised, client_for, head_office, store_c):
    import datetime as dt

    from complaints.defaults import install_defaults
    from complaints.models import Category, Complaint
    from reports import summary
    from reports.tests.conftest import TODAY, at

    install_defaults()
    person = summarised["quarter"][1]
    received = at(dt.date(2025, 2, 3))
    Complaint.objects.create(
        store=store_c,
        customer=person,
        category=Category.objects.first(),
        channel="hotline",
        description="缩水",
        received_by=head_office,
        received_at=received,
        first_response_due=received,
        resolution_due=received,
        status="closed",
        survey_score=2,
        survey_answered_at=at(dt.date(2025, 2, 10)),
    )
    summary.summarise(TODAY)
    response = client_for(head_office).get("/reports/evaluation/", {"period": Q1, "store": store_c.pk})
    assert response.context["tables"][0].rows[0][7] == 2
    assert response.context["complaint_total"]["count"] == 1


def test_a_manager_analyses_only_their_store(summarised, client_for, manager_a, store_c):
    client = client_for(manager_a)
    response = client.get("/reports/churn/", {"period": Q1})
    assert [r[0] for r in response.context["tables"][0].rows] == ["S001 南京西路店"]
    assert client.get("/reports/churn/", {"period": Q1, "store": store_c.pk}).status_code == 404
    response = client.get("/reports/evaluation/", {"period": Q1})
    assert {r[1] for r in response.context["customers"].rows} == {"南京西路店"}


def test_a_supervisor_analyses_only_their_region(summarised, client_for, supervisor, store_c):
    client = client_for(supervisor)
    response = client.get("/reports/classes/", {"period": Q1})
    # Only store A's four customers (store C is in another region), each spent 100: one
    # tie at first place, so all four are important.
    assert [r[2].value for r in response.context["tables"][0].rows] == [4, 0, 0, 0]
    assert client.get("/reports/evaluation/", {"period": Q1, "store": store_c.pk}).status_code == 404


@pytest.mark.parametrize("page", ["churn", "classes", "evaluation"])
def test_clerks_and_outsiders_get_no_analysis(page, summarised, client_for, clerk_a, clerk_b):
    assert client_for(clerk_a).get(f"/reports/{page}/").status_code == 403
    assert client_for(clerk_b).get(f"/reports/{page}/").status_code == 403


def test_an_unknown_period_is_not_found(summarised, client_for, head_office):
    assert client_for(head_office).get("/reports/churn/", {"period": "1999Q1"}).status_code == 404


@pytest.mark.parametrize("page", ["churn", "classes", "evaluation"])
def test_analysis_pages_render_in_the_same_number_of_queries_however_much_data(
    page, summarised, client_for, head_office, store_c, django_assert_max_num_queries
):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import summary
    from reports.tests.conftest import TODAY, customer, sale

    client = client_for(head_office)
    url = f"/reports/{page}/"
    client.get(url, {"period": Q1})
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"period": Q1})
    for n in range(40):
        person = customer(store_c, None, created=dt.date(2025, 2, 1))
        for _ in range(n % 4 + 1):
            sale(store_c, None, person, dt.date(2025, 2, 3))
    summary.summarise(TODAY)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, {"period": Q1}).status_code == 200
