import pytest

from reports import summary
from reports.tests.conftest import MON, TODAY, sale

pytestmark = pytest.mark.django_db
URL = "/reports/mine/"


def test_a_clerk_sees_their_own_figures_only(summarised, client_for, clerk_a):
    response = client_for(clerk_a).get(URL)
    assert response.status_code == 200
    mine = response.context["mine"]
    assert (mine.calls_due, mine.calls_on_time, mine.purchases, mine.identified) == (4, 1, 4, 3)
    rows = response.context["table"].rows
    assert len(rows) == 1 and rows[0][0] == "小王"
    assert "小李" not in response.content.decode()


def test_a_clerk_without_work_sees_zeros(summarised, client_for, clerk_b):
    response = client_for(clerk_b).get(URL)
    assert response.status_code == 200
    assert response.context["mine"].purchases == 0


def test_a_manager_also_has_their_own_figures(summarised, client_for, manager_a, store_a):
    sale(store_a, manager_a, None, MON)
    summary.summarise(TODAY)
    response = client_for(manager_a).get(URL)
    assert response.context["mine"].purchases == 1


@pytest.mark.parametrize("who", ["supervisor", "head_office"])
def test_people_without_a_till_have_no_own_figures(who, request, client_for):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 403


def test_it_renders_in_the_same_number_of_queries_however_much_data(
    summarised, client_for, clerk_a, store_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(clerk_a)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for _ in range(20):
        sale(store_a, clerk_a, None, MON)
    summary.summarise(TODAY)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).context["mine"].purchases == 24
