"""Another store's customer at the POS: the till's rule (masked lookup, SMS code) through the API."""

import re

import pytest

from api.tests.conftest import sale_body
from crm.models import AuditEvent
from customers.models import CustomerStoreShare, Purchase
from followups.sms.backends import locmem


@pytest.fixture(autouse=True)
def _sms_to_memory(sms_in_memory):
    """Every SMS of these tests goes to ``locmem.outbox`` (the root conftest's fixture)."""


def test_a_sale_for_another_stores_customer_needs_their_code(pos_a, customer_b, clerk_a, clerk_a2, store_a):
    refused = pos_a.post("/sales", sale_body(mobile="13900000002"))
    assert refused.status_code == 403 and refused.json()["code"] == "other_store"
    assert not Purchase.objects.exists() and not CustomerStoreShare.objects.exists()

    sent = pos_a.post("/members/serve-code", {"mobile": "13900000002", "staff_code": "clerk_a"})
    assert sent.status_code == 202 and len(locmem.outbox) == 1
    code = re.search(r"\d{6}", locmem.outbox[-1].text).group()
    wrong = "000000" if code != "000000" else "111111"
    body = {"mobile": "13900000002", "staff_code": "clerk_a", "code": wrong}
    assert pos_a.post("/members/serve-code/verify", body).status_code == 403
    verified = pos_a.post("/members/serve-code/verify", {**body, "code": code})
    assert verified.status_code == 200
    token = verified.json()["serve_token"]

    other_clerk = pos_a.post("/sales", sale_body(serve_token=token, staff="clerk_a2"))
    assert other_clerk.status_code == 403 and other_clerk.json()["code"] == "serve_token"
    sale = pos_a.post("/sales", sale_body(serve_token=token))
    assert sale.status_code == 201 and sale.json()["points_earned"] == 1000
    assert Purchase.objects.get().customer == customer_b
    assert CustomerStoreShare.objects.filter(customer=customer_b, store=store_a).exists()
    actions = AuditEvent.objects.filter(detail__api_key="S001 till 1").values_list("action", flat=True)
    assert {"api.serve_code_sent", "api.serve_code_refused", "api.serve_code_verified", "api.sale_recorded"} <= set(
        actions
    )


def test_chain_wide_lookups_are_logged_and_limited_per_key(settings, pos_a, customer_b, customer_a):
    settings.KEDANG_TILL_FULL_LOOKUPS_PER_HOUR = 2
    answers = [pos_a.post("/members/lookup", {"mobile": "13900000002"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    logged = AuditEvent.objects.filter(action="customer.lookup.full_mobile", detail__api_key="S001 till 1")
    assert logged.count() == 2 and all("13900000002" not in str(e.detail) for e in logged)
    assert pos_a.post("/members/lookup", {"mobile": "13900000001"}).status_code == 200, "own customers are not limited"


def test_a_code_is_only_sent_for_another_stores_customer(pos_a, customer_a, clerk_a):
    assert pos_a.post("/members/serve-code", {"mobile": "13900000001", "staff_code": "clerk_a"}).status_code == 404
    assert not locmem.outbox
