import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_this_weeks_headline_figures_to_a_manager(summarised, client_for, manager_a):
    page = client_for(manager_a).get("/").content.decode()
    assert 'id="reports-panel"' in page
    assert "66%" in page or "67%" in page  # data capture, 4 of 6


def test_the_home_page_of_a_clerk_has_no_store_figures(summarised, client_for, clerk_a):
    assert 'id="reports-panel"' not in client_for(clerk_a).get("/").content.decode()


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("clerk_a", ["/reports/mine/"]),
        ("manager_a", ["/reports/store/", "/reports/mine/", "/reports/churn/"]),
        ("supervisor", ["/reports/chain/", "/reports/churn/"]),
        ("head_office", ["/reports/chain/", "/reports/churn/"]),
    ],
)
def test_the_navigation_offers_each_role_its_pages(who, links, request, client_for):
    page = client_for(request.getfixturevalue(who)).get("/").content.decode()
    for link in links:
        assert f'href="{link}"' in page


@pytest.mark.parametrize(("who", "target"), [("clerk_a", "mine"), ("manager_a", "store"), ("head_office", "chain")])
def test_the_reports_index_sends_each_role_to_its_dashboard(who, target, request, client_for):
    response = client_for(request.getfixturevalue(who)).get("/reports/")
    assert response.status_code == 302 and response.url == f"/reports/{target}/"
