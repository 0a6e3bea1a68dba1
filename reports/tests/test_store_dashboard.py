import pytest

from reports import summary
from reports.tests.conftest import MON, TODAY, callback, customer, sale

pytestmark = pytest.mark.django_db
URL = "/reports/store/"


def _rows(response):
    table = response.context["tables"][0]
    return {row[0]: row for row in table.rows}, table.footer


def test_it_shows_callback_completion_and_capture_per_clerk(summarised, client_for, manager_a):
    response = client_for(manager_a).get(URL)
    assert response.status_code == 200
    rows, footer = _rows(response)
    a = rows["小王"]
    # due 4: on time 1, late 1, missed 1, not yet due 1; the late one done on Tuesday
    # counts there too; completion: 2 done (on time or late) of 3 whose day has come
    assert [c.value for c in a[1:8]] == [4, 1, 1, 1, 1, 1, pytest.approx(2 / 3)]
    assert [c.value for c in a[8:11]] == [4, 3, 0.75]
    assert [c.value for c in a[11:14]] == [2, 1, 0.5]
    assert [c.value for c in footer[8:11]] == [6, 4, pytest.approx(4 / 6)]
    page = response.content.decode()
    assert "66.7%" in page and "75.0%" in page and "<svg" in page


def test_each_figure_links_to_the_list_behind_it(summarised, client_for, manager_a, clerk_a, store_a):
    client = client_for(manager_a)
    rows, _footer = _rows(client.get(URL))
    missed = rows["小王"][4]
    assert f"clerk={clerk_a.pk}" in missed.url and "state=missed" in missed.url
    listed = client.get(missed.url)
    assert listed.status_code == 200
    assert len(listed.context["table"].rows) == 1
    identified = client.get(rows["小王"][9].url)
    assert len(identified.context["table"].rows) == 3


def test_it_shows_open_complaints_and_card_applications(summarised, client_for, manager_a, store_a):
    response = client_for(manager_a).get(URL)
    assert response.context["complaints"] == {"open": 0, "overdue": 0}
    assert f"store={store_a.pk}" in response.context["complaints_url"]
    assert response.context["tables"][1].name == "applications"


def test_it_takes_this_month_or_any_range(summarised, client_for, manager_a):
    client = client_for(manager_a)
    month = client.get(URL, {"range": "month"})
    assert month.context["period"].start.isoformat() == "2025-03-01"
    custom = client.get(URL, {"range": "custom", "from": "2025-03-11", "to": "2025-03-11"})
    rows, _footer = _rows(custom)
    assert rows["小王"][8].value == 1  # the anonymous sale on Tuesday


def test_a_manager_sees_only_their_store(summarised, client_for, manager_b, store_a):
    response = client_for(manager_b).get(URL)
    assert response.context["store"].code == "S002"
    assert client_for(manager_b).get(URL, {"store": store_a.pk}).status_code == 404


def test_a_supervisor_sees_stores_of_their_region_only(summarised, client_for, supervisor, store_a, store_c):
    client = client_for(supervisor)
    assert client.get(URL, {"store": store_a.pk}).status_code == 200
    assert client.get(URL, {"store": store_c.pk}).status_code == 404


@pytest.mark.parametrize("who", ["clerk_a", "clerk_b"])
def test_clerks_get_no_store_dashboard(who, request, summarised, client_for):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def _more_data(store_a, store_b, clerk_a, clerk_a2, n=30):
    from crm.models import Role
    from crm.tests.factories import make_staff

    extra = [make_staff(f"extra{i}", Role.CLERK, store=store_a) for i in range(5)]
    for i in range(n):
        clerk = [clerk_a, clerk_a2, *extra][i % 7]
        person = customer(store_a, clerk, created=MON)
        sale(store_a, clerk, person, MON)
        sale(store_b, None, None, MON)
        callback(store_a, clerk, person, MON)


def test_it_renders_in_the_same_number_of_queries_however_much_data(
    summarised, client_for, manager_a, store_a, store_b, clerk_a, clerk_a2, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager_a)
    client.get(URL)  # sessions, caches
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _more_data(store_a, store_b, clerk_a, clerk_a2)
    summary.summarise(TODAY)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert len(response.context["tables"][0].rows) == 7
    assert len(small.captured_queries) <= 15
