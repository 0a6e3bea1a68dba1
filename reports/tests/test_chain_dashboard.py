import datetime as dt

import pytest

from customers.models import Customer
from loyalty.models import CardApplication, RuleVersion
from reports import summary
from reports.tests.conftest import MON, TODAY, at, customer, sale

pytestmark = pytest.mark.django_db
URL = "/reports/chain/"


def _table(response, name):
    return next(t for t in response.context["tables"] if t.name == name)


def test_head_office_ranks_every_store(summarised, client_for, head_office):
    response = client_for(head_office).get(URL, {"rank": "capture"})
    assert response.status_code == 200
    ranking = _table(response, "stores")
    # Store C's one sale this week was identified (100%), store A 4 of 6, store B sold nothing.
    assert [r[1].value for r in ranking.rows] == ["S003 北京国贸店", "S001 南京西路店", "S002 杭州湖滨店"]
    assert [r[5].value for r in ranking.rows] == [1.0, pytest.approx(4 / 6), None]
    regions = _table(response, "regions")
    assert [r[0] for r in regions.rows] == ["华东", "华北"]


def test_a_supervisor_sees_only_the_stores_of_their_region(summarised, client_for, supervisor):
    response = client_for(supervisor).get(URL)
    codes = [r[1].value[:4] for r in _table(response, "stores").rows]
    assert sorted(codes) == ["S001", "S002"]
    assert [r[0] for r in _table(response, "regions").rows] == ["华东"]


def test_it_compares_the_tier_mix_with_the_20_40_40_target(summarised, client_for, head_office, store_a):
    Customer.objects.filter(pk__in=[c.pk for c in summarised["week"][:2]]).update(tier="A")
    Customer.objects.filter(pk=summarised["week"][2].pk).update(tier="B")
    summary.summarise(TODAY)
    response = client_for(head_office).get(URL)
    tiers = {t["tier"]: t for t in response.context["tiers"]}
    # 17 customers in all (7 of store A, 10 of store C): 2 gold, 1 silver, 14 points cards.
    assert (tiers["A"]["customers"], tiers["B"]["customers"], tiers["C"]["customers"]) == (2, 1, 14)
    assert tiers["A"]["share"] == pytest.approx(2 / 17) and tiers["A"]["target"] == 0.20
    row = next(r for r in _table(response, "tiers").rows if r[0].startswith("S001"))
    assert [c.value for c in row[1:4]] == [2, 1, 4]
    assert "tier=A" in row[1].url


def test_it_shows_the_card_register_pipeline_with_ageing(summarised, client_for, head_office, store_a):
    rule = RuleVersion.objects.order_by("-number").first()
    people = summarised["week"]
    for person, days, status in [(people[0], 1, "created"), (people[1], 5, "entered"), (people[2], 20, "approved")]:
        CardApplication.objects.create(
            customer=person,
            store=store_a,
            from_tier="C",
            target_tier="B",
            status=status,
            rule_version=rule,
            created_at=at(TODAY - dt.timedelta(days=days)),
        )
    response = client_for(head_office).get(URL)
    pipeline = next(r for r in _table(response, "pipeline").rows if r[0].value.startswith("S001"))
    # created, entered, submitted, approved, notified, notified again; then "not submitted after 3 days"
    assert pipeline[1:7] == [1, 1, 0, 1, 0, 0]
    assert pipeline[7].value == 1
    ageing = {str(r[0]): r[1:] for r in _table(response, "ageing").rows}
    assert list(ageing.values())[0] == [1, 0, 0, 0]
    assert list(ageing.values())[1] == [0, 1, 0, 0]
    assert list(ageing.values())[3] == [0, 0, 0, 1]


@pytest.mark.parametrize("who", ["manager_a", "clerk_a", "clerk_b"])
def test_store_staff_get_no_chain_dashboard(who, request, summarised, client_for):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 403


def test_it_renders_in_the_same_number_of_queries_however_much_data(
    summarised, client_for, head_office, store_a, store_b, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.tests.factories import StoreFactory

    client = client_for(head_office)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for n in range(10):
        store = StoreFactory(code=f"S9{n:02d}", region=f"R{n % 3}")
        for _ in range(3):
            person = customer(store, None, created=MON)
            sale(store, None, person, MON)
    summary.summarise(TODAY)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert len(_table(response, "stores").rows) == 13
    assert len(small.captured_queries) <= 15
