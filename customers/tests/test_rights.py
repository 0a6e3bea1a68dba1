"""The customer's rights: a copy of everything held about them, and erasure."""

import datetime as dt
import io
import json

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Category
from complaints.services import log_complaint
from crm.models import AuditEvent
from customers.models import Customer, Purchase
from customers.privacy.models import RightsRequest
from customers.tests.factories import buy
from followups.models import OutboundMessage
from loyalty.models import CardApplication, PointsEntry
from reports import summary
from reports.models import ClerkDay, StorePeriod


@pytest.fixture
def demo_customer(customer_a, store_a, clerk_a):
    """A customer with purchases, points, a complaint, a message and a card application."""
    customer_a.set_id_number("11010519491231002X")
    customer_a.address, customer_a.birthday = "上海市静安区南京西路1号", dt.date(1990, 3, 15)
    customer_a.save()
    buy(customer_a, "1800", clerk=clerk_a)
    buy(customer_a, "600", clerk=clerk_a)
    log_complaint(store=store_a, received_by=clerk_a, category=Category.objects.create(name="质量"),
                  channel="in_store", description="纽扣掉了", customer=customer_a)  # fmt: skip
    OutboundMessage.objects.create(key="t1", customer=customer_a, store=store_a, mobile=customer_a.mobile,
                                   body="王女士您好，感谢惠顾", status="sent")  # fmt: skip
    CardApplication.objects.filter(customer=customer_a).update(relative_name="王伟", relative_phone="13911112222")
    return customer_a


def export(client, customer, fmt):
    return client.get(reverse("customers:rights_export", args=[customer.pk]), {"format": fmt})


def test_it_exports_everything_as_json_and_xlsx(client_for, head_office, clerk_a, demo_customer):
    client_for(clerk_a).get(demo_customer.get_absolute_url())
    client = client_for(head_office)
    data = json.loads(export(client, demo_customer, "json").content)
    assert data["profile"][0]["name"] == "王芳" and data["profile"][0]["id_number"] == "110***********002X"
    assert len(data["purchases"]) == 2 and {line["item"] for line in data["purchase_lines"]} == {"衬衫"}
    assert (
        sum(p["points"] for p in data["points"])
        == PointsEntry.objects.filter(customer=demo_customer).aggregate(s=Sum("points"))["s"]
        > 0
    )
    assert data["complaints"][0]["description"] == "纽扣掉了"
    assert data["messages_sent"][0]["body"] == "王女士您好，感谢惠顾"
    assert data["card_applications"] and "consents" in data and "followups" in data
    assert any(e["action"] == "customer.viewed" and e["actor_id"] == clerk_a.pk for e in data["access_log"])
    assert "11010519491231002X" not in json.dumps(data)

    response = export(client, demo_customer, "xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    titles = set(book.sheetnames)
    assert {"顾客资料", "消费记录", "积分明细", "投诉", "短信"} <= titles
    texts = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert {"纽扣掉了", "王女士您好，感谢惠顾", "衬衫"} <= texts
    assert AuditEvent.objects.filter(action="customer.rights.exported").count() == 2


def test_it_exports_within_a_minute(client_for, head_office, demo_customer, django_assert_max_num_queries):
    with django_assert_max_num_queries(60):
        assert export(client_for(head_office), demo_customer, "json").status_code == 200


def test_it_lets_the_home_manager_export_only_after_head_office_approves(
    client_for, manager_a, head_office, demo_customer
):
    manager = client_for(manager_a)
    assert export(manager, demo_customer, "json").status_code == 403
    manager.post(reverse("customers:rights_request", args=[demo_customer.pk]), {"kind": "export"})
    req = RightsRequest.objects.get()
    assert req.status == "pending" and export(manager, demo_customer, "json").status_code == 403
    client_for(head_office).post(reverse("customers:rights_decide", args=[req.pk]), {"decision": "approve"})
    assert export(manager, demo_customer, "json").status_code == 200


@pytest.mark.parametrize("fmt", ["\x00", "csv", "", "²"])
def test_it_refuses_an_unknown_format(client_for, head_office, demo_customer, fmt):
    assert (
        export(client_for(head_office), demo_customer, fmt).status_code == 400
    )  # a bad parameter (crm.params), not a missing page


class TestAccess:
    def test_it_refuses_clerks_and_supervisors(self, client_for, clerk_a, supervisor, customer_a):
        for user in (clerk_a, supervisor):
            client = client_for(user)
            assert export(client, customer_a, "json").status_code == 403
            assert (
                client.post(
                    reverse("customers:rights_request", args=[customer_a.pk]), {"kind": "erase", "confirm": "on"}
                ).status_code
                == 403
            )
            assert client.get(reverse("customers:rights_requests")).status_code == 403

    def test_it_is_404_for_another_store(self, client_for, manager_b, customer_a):
        client = client_for(manager_b)
        assert export(client, customer_a, "json").status_code == 404
        assert (
            client.post(reverse("customers:rights_request", args=[customer_a.pk]), {"kind": "export"}).status_code
            == 404
        )

    def test_the_list_of_requests_is_for_head_office(self, client_for, manager_a, head_office):
        assert client_for(manager_a).get(reverse("customers:rights_requests")).status_code == 403
        assert client_for(head_office).get(reverse("customers:rights_requests")).status_code == 200

    def test_only_head_office_decides(self, client_for, manager_a, customer_a):
        client = client_for(manager_a)
        client.post(reverse("customers:rights_request", args=[customer_a.pk]), {"kind": "erase", "confirm": "on"})
        req = RightsRequest.objects.get()
        assert (
            client.post(reverse("customers:rights_decide", args=[req.pk]), {"decision": "approve"}).status_code == 403
        )
        req.refresh_from_db()
        assert req.status == "pending"


def _report_totals(store):
    summary.summarise(timezone.localdate())
    days = ClerkDay.objects.filter(store=store).aggregate(
        sales=Sum("sales"), purchases=Sum("purchases"), identified=Sum("identified")
    )
    periods = sorted(StorePeriod.objects.filter(store=store).values_list("customers", "amount", "purchases"))
    return days, periods


def test_it_erases_after_approval_and_keeps_the_reports(
    client_for, manager_a, head_office, clerk_b, demo_customer, store_a
):
    before = _report_totals(store_a)
    manager = client_for(manager_a)
    manager.post(reverse("customers:rights_request", args=[demo_customer.pk]), {"kind": "erase"})  # no confirmation
    assert not RightsRequest.objects.exists()
    manager.post(reverse("customers:rights_request", args=[demo_customer.pk]), {"kind": "erase", "confirm": "on"})
    demo_customer.refresh_from_db()
    assert demo_customer.erased_at is None  # waiting for head office
    req = RightsRequest.objects.get()
    client_for(head_office).post(reverse("customers:rights_decide", args=[req.pk]), {"decision": "approve"})

    c = Customer.objects.get(pk=demo_customer.pk)
    assert c.erased_at is not None and c.name == "已注销顾客"
    assert (c.mobile, c.id_number_encrypted, c.birthday, c.address, c.card_number) == (None, "", None, "", None)
    application = CardApplication.objects.get(customer=c)
    assert (application.relative_name, application.relative_phone) == ("", "")
    assert OutboundMessage.objects.get(customer=c).mobile == "" and OutboundMessage.objects.get(customer=c).body == ""
    assert Purchase.objects.filter(customer=c).count() == 2
    # The number no longer finds anyone, at the till of any store.
    lookup = client_for(clerk_b).post(reverse("customers:till_lookup"), {"q": "139 0000 0001"})
    assert lookup.context["elsewhere"] is None and lookup.context["results"] == []
    assert _report_totals(store_a) == before
    assert AuditEvent.objects.filter(action="customer.erasure.approved", actor=head_office).count() == 1
    assert "王芳" not in json.dumps([e.detail for e in AuditEvent.objects.all()], ensure_ascii=False)


def test_head_office_erases_directly_and_once(client_for, head_office, demo_customer):
    client = client_for(head_office)
    url = reverse("customers:rights_request", args=[demo_customer.pk])
    client.post(url, {"kind": "erase", "confirm": "on"})
    client.post(url, {"kind": "erase", "confirm": "on"})
    demo_customer.refresh_from_db()
    assert demo_customer.name == "已注销顾客"
    assert AuditEvent.objects.filter(action="customer.erasure.approved").count() == 1


def test_a_rejected_erasure_changes_nothing(client_for, manager_a, head_office, demo_customer):
    client_for(manager_a).post(
        reverse("customers:rights_request", args=[demo_customer.pk]), {"kind": "erase", "confirm": "on"}
    )
    req = RightsRequest.objects.get()
    client_for(head_office).post(reverse("customers:rights_decide", args=[req.pk]), {"decision": "reject"})
    demo_customer.refresh_from_db()
    assert demo_customer.name == "王芳" and demo_customer.erased_at is None
