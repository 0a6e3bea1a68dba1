"""Serving another store's customer at the till: masked lookup, SMS code, sharing."""

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from crm.models import AuditEvent
from customers.models import CustomerStoreShare, Purchase
from customers.tests.test_till import sale_post
from followups.models import OutboundMessage
from followups.sms.backends import locmem

LOOKUP = reverse("customers:till_lookup")
SEND = reverse("customers:serve_code")
VERIFY = reverse("customers:serve_verify")
SALE = reverse("customers:sale")


@pytest.fixture(autouse=True)
def _sms_to_memory(sms_in_memory):
    """Every SMS of these tests goes to ``locmem.outbox`` (the root conftest's fixture)."""


def lookup(client, text="139 0000 0001"):
    return client.post(LOOKUP, {"q": text})


def send_code(client, text="139 0000 0001"):
    token = lookup(client, text).context["elsewhere_token"]
    return token, client.post(SEND, {"token": token})


def last_code() -> str:
    return re.search(r"\d{6}", locmem.outbox[-1].text).group()


def serve(client):
    """Look up customer_a's number, have the code sent and type it in: the sale page's URL."""
    token, _ = send_code(client)
    response = client.post(VERIFY, {"token": token, "code": last_code()})
    assert response.status_code == 302
    return response.url


def test_it_shows_another_stores_manager_only_the_masked_name_and_tier(client_for, manager_b, customer_a):
    response = lookup(client_for(manager_b))
    body = response.content.decode()
    assert "王*" in body and "王芳" not in body and "临时积分卡" in body
    assert "13900000001" not in body and "0000 0001" not in body
    assert str(customer_a.cumulative_spend) not in body or customer_a.cumulative_spend == 0


def test_it_does_not_open_the_sale_without_the_code(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    token, _ = send_code(client)
    # Neither the lookup's token, nor a made-up one, nor the customer's id opens the sale.
    assert client.get(SALE, {"serve": token}).status_code == 404
    assert client.get(SALE, {"serve": "x"}).status_code == 404
    assert client.post(f"{SALE}?customer={customer_a.pk}", sale_post()).status_code == 404
    assert not Purchase.objects.exists() and not CustomerStoreShare.objects.exists()


def test_it_refuses_a_wrong_code_and_allows_three_tries(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    token, _ = send_code(client)
    wrong = "000000" if last_code() != "000000" else "111111"
    for _ in range(3):
        response = client.post(VERIFY, {"token": token, "code": wrong})
        assert response.status_code == 200
    assert "验证码错误次数过多" in response.content.decode()
    # The right code after three wrong ones is refused too.
    assert client.post(VERIFY, {"token": token, "code": last_code()}).status_code == 200


def test_it_refuses_a_code_after_ten_minutes(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    with time_machine.travel("2026-11-20 10:00 +0800"):
        token, _ = send_code(client)
    with time_machine.travel("2026-11-20 10:11 +0800"):
        response = client.post(VERIFY, {"token": token, "code": last_code()})
    assert response.status_code == 200 and "已过期" in response.content.decode()


def test_it_serves_with_the_code_and_shares_after_a_paid_sale(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    url = serve(client)
    assert "13900000001" not in url and "serve=" in url
    page = client.get(url, follow=True)
    body = page.content.decode()
    assert page.status_code == 200 and "王*" in body and "王芳" not in body
    response = client.post(page.context["action"], sale_post())
    purchase = Purchase.objects.get()
    assert response.url == reverse("customers:purchase", args=[purchase.pk])
    assert purchase.customer == customer_a and purchase.total == Decimal("399.00")
    assert client.get(customer_a.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.filter(action="customer.shared.sale", object_id=str(customer_a.pk)).exists()


def test_it_shares_nothing_after_a_zero_sale(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    page = client.get(serve(client), follow=True)
    client.post(page.context["action"], sale_post(lines=[("赠品", "0", 1)]))
    assert Purchase.objects.get().total == 0
    assert not CustomerStoreShare.objects.exists()
    assert client.get(customer_a.get_absolute_url()).status_code == 404


def test_it_binds_the_code_to_the_clerk_who_asked(client_for, clerk_b, customer_a, store_b):
    from crm.models import Role
    from crm.tests.factories import make_staff

    url = serve(client_for(clerk_b))
    colleague = make_staff("clerk_b2", Role.CLERK, store=store_b)
    assert client_for(colleague).get(url).status_code == 404


def test_it_limits_codes_per_customer(client_for, clerk_b, customer_a, settings):
    client = client_for(clerk_b)
    token = lookup(client).context["elsewhere_token"]
    for _ in range(settings.KEDANG_SERVE_CODES_PER_CUSTOMER_HOUR):
        client.post(SEND, {"token": token})
    response = client.post(SEND, {"token": token})
    assert "次数过多" in response.content.decode()
    assert len(locmem.outbox) == settings.KEDANG_SERVE_CODES_PER_CUSTOMER_HOUR


def test_it_limits_codes_per_clerk(client_for, clerk_b, customer_a, settings):
    settings.KEDANG_SERVE_CODES_PER_CLERK_HOUR = 2
    settings.KEDANG_SERVE_CODES_PER_CUSTOMER_HOUR = 10
    client = client_for(clerk_b)
    token = lookup(client).context["elsewhere_token"]
    for _ in range(3):
        response = client.post(SEND, {"token": token})
    assert "次数过多" in response.content.decode() and len(locmem.outbox) == 2


def test_it_sends_the_code_to_a_customer_who_opted_out_and_keeps_it_out_of_the_outbox(client_for, clerk_b, customer_a):
    customer_a.opt_out()
    customer_a.save()
    send_code(client_for(clerk_b))
    assert locmem.outbox[-1].to == customer_a.mobile and "回复TD退订" not in locmem.outbox[-1].text
    message = OutboundMessage.objects.get()
    assert message.status == "sent" and not re.search(r"\d{6}", message.body)


def test_it_limits_and_logs_full_number_lookups(client_for, clerk_b, customer_a, settings):
    settings.KEDANG_TILL_FULL_LOOKUPS_PER_HOUR = 3
    client = client_for(clerk_b)
    for _ in range(3):
        assert lookup(client).context["elsewhere"] == customer_a
    response = lookup(client)
    assert response.context["elsewhere"] is None and response.context["limited"]
    assert "查询次数过多" in response.content.decode()
    events = AuditEvent.objects.filter(action="customer.lookup.full_mobile", actor=clerk_b)
    assert events.count() == 3
    assert all("13900000001" not in str(e.detail) for e in AuditEvent.objects.all())
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):  # an hour later: allowed again
        assert lookup(client_for(clerk_b)).context["elsewhere"] == customer_a


def test_it_does_not_count_partial_lookups(client_for, clerk_a, customer_a):
    lookup(client_for(clerk_a), "0000001")
    assert not AuditEvent.objects.filter(action="customer.lookup.full_mobile").exists()


def test_it_does_not_accept_the_lookup_by_get(client_for, clerk_b, customer_a):
    assert client_for(clerk_b).get(LOOKUP, {"q": "13900000001"}).status_code == 405


def test_it_fixes_the_form_address_for_a_served_customer(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    page = client.get(serve(client), follow=True)
    assert "?serve=" in page.context["action"] and "customer=" not in page.context["action"]


@pytest.mark.parametrize("url", [SEND, VERIFY])
def test_it_refuses_the_code_views_to_head_office_and_supervisors(client_for, head_office, supervisor, url):
    assert client_for(head_office).post(url, {"token": "x"}).status_code == 403
    assert client_for(supervisor).post(url, {"token": "x"}).status_code == 403


def test_it_refuses_another_clerks_token(client_for, clerk_b, clerk_a, customer_b):
    token = lookup(client_for(clerk_b), "139 0000 0002").context["elsewhere_token"]
    assert token == ""  # clerk_b's own customer is not "elsewhere"
    token = lookup(client_for(clerk_a), "139 0000 0002").context["elsewhere_token"]
    assert client_for(clerk_b).post(SEND, {"token": token}).status_code == 404


def test_it_refuses_junk_codes_with_a_form_error(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    token, _ = send_code(client)
    for junk in ["12\x0034", "１２３", "²²²²²²", "9" * 40]:
        response = client.post(VERIFY, {"token": token, "code": junk})
        assert response.status_code == 200


def test_it_accepts_a_full_width_code(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    token, _ = send_code(client)
    wide = last_code().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(VERIFY, {"token": token, "code": wide}).status_code == 302


class TestShareByHeadOffice:
    def url(self, customer):
        return reverse("customers:share", args=[customer.pk])

    def test_it_lets_head_office_share_a_customer(self, client_for, head_office, clerk_b, customer_a, store_b):
        client_for(head_office).post(self.url(customer_a), {"store": store_b.pk})
        assert client_for(clerk_b).get(customer_a.get_absolute_url()).status_code == 200
        assert AuditEvent.objects.filter(action="customer.shared.head_office").exists()

    def test_it_is_refused_to_the_home_stores_manager_and_clerk(
        self, client_for, manager_a, clerk_a, customer_a, store_b
    ):
        for user in (manager_a, clerk_a):
            assert client_for(user).post(self.url(customer_a), {"store": store_b.pk}).status_code == 403
        assert not CustomerStoreShare.objects.exists()

    def test_it_is_refused_to_the_other_store(self, client_for, manager_b, customer_a, store_b):
        assert client_for(manager_b).post(self.url(customer_a), {"store": store_b.pk}).status_code == 403

    def test_it_gives_a_message_for_a_bad_store(self, client_for, head_office, customer_a):
        response = client_for(head_office).post(self.url(customer_a), {"store": "\x00"})
        assert response.status_code == 302 and not CustomerStoreShare.objects.exists()


class TestIdentityFields:
    def edit(self, client, customer, **changes):
        data = {
            "kind": customer.kind,
            "name": customer.name,
            "gender": customer.gender,
            "mobile": customer.mobile or "",
            "home_store": customer.home_store_id,
            "preferred_call_time": "",
            "source_channel": "",
            "development_stage": "",
        }
        if customer.marketing_consent:
            data["marketing_consent"] = "on"
        data.update(changes)
        return client.post(
            reverse("customers:edit", args=[customer.pk]), {k: v for k, v in data.items() if v is not None}
        )

    def share(self, customer, store):
        CustomerStoreShare.objects.create(customer=customer, store=store)

    def test_it_refuses_another_store_moving_the_customer(self, client_for, manager_b, customer_a, store_a, store_b):
        self.share(customer_a, store_b)
        response = self.edit(client_for(manager_b), customer_a, home_store=store_b.pk)
        assert response.status_code == 403
        customer_a.refresh_from_db()
        assert customer_a.home_store == store_a

    def test_it_refuses_another_store_changing_consent_or_mobile(self, client_for, manager_b, customer_a, store_b):
        self.share(customer_a, store_b)
        client = client_for(manager_b)
        assert self.edit(client, customer_a, marketing_consent=None).status_code == 403
        assert self.edit(client, customer_a, mobile="13700000009").status_code == 403
        customer_a.refresh_from_db()
        assert customer_a.mobile == "+8613900000001" and customer_a.marketing_consent

    def test_it_lets_another_store_edit_other_fields(self, client_for, manager_b, customer_a, store_b):
        self.share(customer_a, store_b)
        response = self.edit(client_for(manager_b), customer_a, mobile="139 0000 0001", size="XL")
        assert response.status_code == 302
        customer_a.refresh_from_db()
        assert customer_a.size == "XL"

    def test_it_refuses_the_home_stores_clerk(self, client_for, clerk_a, customer_a, store_b):
        assert self.edit(client_for(clerk_a), customer_a, home_store=store_b.pk).status_code == 403

    def test_it_lets_the_home_stores_manager_and_head_office(
        self, client_for, manager_a, head_office, customer_a, store_b
    ):
        assert self.edit(client_for(manager_a), customer_a, mobile="13700000009").status_code == 302
        customer_a.refresh_from_db()
        assert self.edit(client_for(head_office), customer_a, home_store=store_b.pk).status_code == 302
        customer_a.refresh_from_db()
        assert customer_a.home_store == store_b and customer_a.mobile == "+8613700000009"


def test_it_keys_each_sale_once(client_for, clerk_b, customer_a):
    client = client_for(clerk_b)
    page = client.get(serve(client), follow=True)
    data = sale_post(key=uuid.uuid4())
    client.post(page.context["action"], data)
    client.post(page.context["action"], data)
    assert Purchase.objects.count() == 1


def test_it_lists_own_customers_with_masked_mobiles(client_for, clerk_a, customer_a):
    body = lookup(client_for(clerk_a), "0000001").content.decode()
    assert "王芳" in body and "139****0001" in body and "0000 0001" not in body
