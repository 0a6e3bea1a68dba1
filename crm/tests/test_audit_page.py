"""Head office's audit page and the access log it shows."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm.models import AuditEvent

AUDIT = reverse("audit")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def views(actor, customer, n, at):
    events = AuditEvent.objects.bulk_create(
        AuditEvent(actor=actor, action="customer.viewed", object_type="customers.customer", object_id=str(customer.pk))
        for _ in range(n)
    )
    AuditEvent.objects.filter(pk__in=[e.pk for e in events]).update(at=at)


def test_it_logs_every_profile_view(client_for, clerk_a, customer_a, store_a):
    client_for(clerk_a).get(customer_a.get_absolute_url())
    event = AuditEvent.objects.get(action="customer.viewed")
    assert (event.actor, event.store, event.object_id) == (clerk_a, store_a, str(customer_a.pk))


def test_it_is_for_head_office_only(client_for, clerk_a, manager_a, supervisor, client):
    for user in (clerk_a, manager_a, supervisor):
        assert client_for(user).get(AUDIT).status_code == 403
    assert client.get(AUDIT).status_code == 302


def test_it_filters_by_staff_store_customer_action_and_date(
    client_for, head_office, clerk_a, clerk_b, customer_a, customer_b, store_a
):
    client_for(clerk_a).get(customer_a.get_absolute_url())
    client_for(clerk_b).get(customer_b.get_absolute_url())
    client = client_for(head_office)
    AuditEvent.objects.filter(action="login.succeeded").delete()  # the three logins above
    page = client.get(AUDIT)
    assert page.status_code == 200 and "审计" in page.content.decode()

    def shown(**filters):
        return [(e.actor, e.object_id) for e in client.get(AUDIT, filters).context["page"]]

    assert shown(staff=clerk_a.pk) == [(clerk_a, str(customer_a.pk))]
    assert shown(store=store_a.pk) == [(clerk_a, str(customer_a.pk))]
    assert shown(customer=customer_b.pk) == [(clerk_b, str(customer_b.pk))]
    assert len(shown(action="customer.viewed")) == 2
    assert shown(date_to="2000-01-01") == []
    assert len(shown(date_from="2000-01-01")) == 2


@pytest.mark.parametrize("junk", ["\x00", "²", "９", "9" * 40, "-1"])
def test_it_answers_junk_filters_without_an_error(client_for, head_office, junk):
    for field in ("staff", "store", "customer", "action", "date_from"):
        assert client_for(head_office).get(AUDIT, {field: junk}).status_code == 200
    # a page number that is not one is refused (crm.params), not guessed
    assert client_for(head_office).get(AUDIT, {"page": junk}).status_code == 400


def test_it_exports_the_filtered_log_and_audits_the_export(client_for, head_office, clerk_a, customer_a):
    client_for(clerk_a).get(customer_a.get_absolute_url())
    response = client_for(head_office).get(AUDIT, {"staff": clerk_a.pk, "action": "customer.viewed", "format": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == str(customer_a.pk)
    assert AuditEvent.objects.get(action="export").detail["what"] == "audit"


def test_it_flags_staff_with_unusual_volume_of_profile_views(
    client_for, head_office, clerk_a, clerk_b, customer_a, settings
):
    settings.KEDANG_AUDIT_VIEWS_PER_HOUR_ALERT = 20
    views(clerk_a, customer_a, 21, dt.datetime(2026, 11, 20, 14, 5, tzinfo=SHANGHAI))
    views(clerk_b, customer_a, 20, dt.datetime(2026, 11, 20, 14, 5, tzinfo=SHANGHAI))
    views(clerk_b, customer_a, 15, dt.datetime(2026, 11, 20, 15, 5, tzinfo=SHANGHAI))
    response = client_for(head_office).get(AUDIT)
    flagged = response.context["flagged"]
    assert [(f["actor"], f["views"]) for f in flagged] == [(clerk_a.pk, 21)]
    assert 'id="audit-flagged"' in response.content.decode() and "小王" in response.content.decode()


def test_it_shows_a_page_in_few_queries(client_for, head_office, clerk_a, customer_a, django_assert_max_num_queries):
    views(clerk_a, customer_a, 120, dt.datetime(2026, 11, 20, 14, tzinfo=SHANGHAI))
    client = client_for(head_office)
    with django_assert_max_num_queries(12):
        assert client.get(AUDIT).status_code == 200


class TestIdNumberDisclosure:
    def url(self, customer):
        return reverse("customers:id_number", args=[customer.pk])

    @pytest.fixture
    def with_id(self, customer_a):
        customer_a.set_id_number("11010519491231002X")
        customer_a.save()
        return customer_a

    def test_it_shows_the_home_manager_the_full_number_and_logs_it(self, client_for, manager_a, with_id):
        response = client_for(manager_a).post(self.url(with_id))
        assert "11010519491231002X" in response.content.decode()
        assert AuditEvent.objects.filter(action="customer.disclosed.id_number", actor=manager_a).count() == 1

    def test_it_refuses_a_clerk(self, client_for, clerk_a, with_id):
        assert client_for(clerk_a).post(self.url(with_id)).status_code == 403

    def test_it_is_404_for_another_store(self, client_for, manager_b, with_id):
        assert client_for(manager_b).post(self.url(with_id)).status_code == 404

    def test_it_is_a_post(self, client_for, manager_a, with_id):
        assert client_for(manager_a).get(self.url(with_id)).status_code == 405


def test_a_failed_login_by_nobody_known_shows_on_the_audit_page(client, client_for, head_office):
    """A failed login has no actor: the page must still render (it was a 500)."""
    client.post("/login/", {"username": "nobody-" + "x" * 300, "password": "wrong-password"})
    response = client_for(head_office).get("/audit/")
    assert response.status_code == 200
