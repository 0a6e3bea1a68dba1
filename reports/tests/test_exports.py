import io

import pytest
from openpyxl import load_workbook

from crm.models import AuditEvent

pytestmark = pytest.mark.django_db


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[c.value for c in row] for row in workbook.active.iter_rows()]


def test_a_manager_exports_the_clerk_table_and_it_is_audited(summarised, client_for, manager_a):
    response = client_for(manager_a).get("/reports/store/", {"export": "clerks"})
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[1][0] == "小王" and rows[1][7] == 66.7
    assert rows[-1][8] == 6  # the total row
    event = AuditEvent.objects.get(action="export")
    assert event.detail["what"] == "reports.store.clerks"
    assert event.detail["rows"] == 3


@pytest.mark.parametrize(
    ("path", "table"),
    [
        ("/reports/chain/", "stores"),
        ("/reports/chain/", "tiers"),
        ("/reports/chain/", "ageing"),
        ("/reports/churn/", "reasons"),
        ("/reports/classes/", "rfm"),
        ("/reports/evaluation/", "summary"),
        ("/reports/evaluation/", "customers"),
        ("/reports/callbacks/", "callbacks"),
    ],
)
def test_head_office_exports_every_table(path, table, summarised, client_for, head_office):
    response = client_for(head_office).get(path, {"period": "2025Q1", "export": table})
    assert response.status_code == 200
    assert len(_sheet(response)) >= 2


def test_the_customer_export_has_every_customer_not_just_a_page(summarised, client_for, head_office, store_c):
    response = client_for(head_office).get(
        "/reports/evaluation/", {"period": "2025Q1", "store": store_c.pk, "export": "customers"}
    )
    assert len(_sheet(response)) == 11


@pytest.mark.parametrize("who", ["supervisor", "clerk_a"])
def test_supervisors_and_clerks_may_not_export(who, request, summarised, client_for):
    path = "/reports/chain/" if who == "supervisor" else "/reports/mine/"
    client = client_for(request.getfixturevalue(who))
    assert client.get(path, {"export": "stores"}).status_code in (403, 200)
    assert client.get("/reports/purchases/", {"export": "purchases"}).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_an_unknown_table_is_not_found(summarised, client_for, manager_a):
    assert client_for(manager_a).get("/reports/store/", {"export": "nope"}).status_code == 404
