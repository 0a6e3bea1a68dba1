"""Consent history: every path records when, who, how and the notice; TD sticks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from crm.models import AuditEvent
from customers.models import CustomerStoreShare
from customers.privacy.models import ConsentRecord, PrivacyNotice
from customers.tests.test_till import SALE, new_customer, sale_post
from followups.services.messages import record_inbound

NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def edit_data(customer, **changes):
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "gender": customer.gender,
        "mobile": customer.mobile or "",
        "home_store": customer.home_store_id,
    }
    if customer.marketing_consent:
        data["marketing_consent"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def consent_data(**changes):
    data = {
        "kind": "marketing",
        "granted": "1",
        "method": "till",
        "notice": PrivacyNotice.current().pk,
        "read_notice": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_records_an_opt_out_on_the_edit_form_with_its_time_and_actor(client_for, manager_a, customer_a):
    with time_machine.travel(NOON, tick=False):
        response = client_for(manager_a).post(
            reverse("customers:edit", args=[customer_a.pk]), edit_data(customer_a, marketing_consent=None)
        )
    assert response.status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.marketing_opt_out_at == NOON and customer_a.marketing_consent_at == NOON
    record = ConsentRecord.objects.get(customer=customer_a)
    assert (record.kind, record.granted, record.method, record.by, record.at) == (
        "marketing",
        False,
        "form",
        manager_a,
        NOON,
    )
    assert not customer_a.can_receive_sms


def test_it_records_a_td_reply_in_the_history(customer_a):
    with time_machine.travel(NOON, tick=False):
        record_inbound(customer_a.mobile, "TD")
    record = ConsentRecord.objects.get(customer=customer_a)
    assert (record.kind, record.granted, record.method, record.by, record.at) == ("sms", False, "td_reply", None, NOON)
    customer_a.refresh_from_db()
    assert customer_a.marketing_opt_out_at == NOON and not customer_a.marketing_consent


def test_it_records_a_td_marked_by_hand_with_the_clerk(client_for, clerk_a, customer_a):
    client_for(clerk_a).post(reverse("followups:opt_out", args=[customer_a.pk]))
    record = ConsentRecord.objects.get(customer=customer_a)
    assert (record.method, record.by, record.granted) == ("td_reply", clerk_a, False)


def test_it_does_not_undo_a_td_opt_out_by_ticking_the_box(client_for, manager_a, customer_a):
    record_inbound(customer_a.mobile, "退订")
    customer_a.refresh_from_db()
    response = client_for(manager_a).post(
        reverse("customers:edit", args=[customer_a.pk]), edit_data(customer_a, marketing_consent="on")
    )
    assert response.status_code == 200 and "重新记录" in response.content.decode()
    customer_a.refresh_from_db()
    assert not customer_a.marketing_consent and customer_a.marketing_opt_out_at is not None
    assert ConsentRecord.objects.filter(granted=True).count() == 0


def test_it_undoes_a_td_opt_out_only_with_a_new_recorded_consent(client_for, clerk_a, customer_a):
    record_inbound(customer_a.mobile, "TD")
    client = client_for(clerk_a)
    url = reverse("customers:consent", args=[customer_a.pk])
    response = client.post(url, consent_data(read_notice=None))
    assert response.status_code == 200
    customer_a.refresh_from_db()
    assert not customer_a.can_receive_sms
    with time_machine.travel(NOON, tick=False):
        assert client.post(url, consent_data()).status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.can_receive_sms and customer_a.marketing_consent_at == NOON
    record = ConsentRecord.objects.filter(granted=True).get()
    assert (record.method, record.by, record.notice.version) == ("till", clerk_a, "2026-01")
    assert AuditEvent.objects.filter(action="customer.consent", object_id=str(customer_a.pk)).count() == 2


def test_it_records_consent_given_at_capture_with_the_notice(client_for, clerk_a):
    client_for(clerk_a).post(f"{SALE}?new=1", sale_post(**new_customer(**{"new-marketing_consent": "on"})))
    records = ConsentRecord.objects.order_by("kind")
    assert [(r.kind, r.granted, r.method, r.by) for r in records] == [
        ("data", True, "capture", clerk_a),
        ("marketing", True, "capture", clerk_a),
    ]
    assert all(r.notice == PrivacyNotice.current() for r in records)


def test_it_shows_the_history_on_the_profile(client_for, clerk_a, customer_a):
    record_inbound(customer_a.mobile, "TD")
    body = client_for(clerk_a).get(customer_a.get_absolute_url()).content.decode()
    assert 'id="consent-history"' in body and "回复短信TD" in body and "撤回" in body


def test_it_prints_the_privacy_notice_in_chinese(client_for, clerk_b):
    response = client_for(clerk_b).get(reverse("customers:privacy_notice"))
    body = response.content.decode()
    assert response.status_code == 200 and "个人信息保护法" in body and "data-print" in body
    assert "<script>" not in body
    assert client_for(clerk_b).get(reverse("customers:privacy_notice_version", args=[999999])).status_code == 404


def test_it_sends_anonymous_visitors_of_the_notice_to_the_login(client):
    assert client.get(reverse("customers:privacy_notice")).status_code == 302


class TestConsentPageAccess:
    def url(self, customer):
        return reverse("customers:consent", args=[customer.pk])

    def test_it_is_404_for_another_stores_customer(self, client_for, clerk_b, customer_a):
        assert client_for(clerk_b).get(self.url(customer_a)).status_code == 404

    def test_it_is_403_for_a_store_the_customer_is_shared_with(self, client_for, manager_b, customer_a, store_b):
        CustomerStoreShare.objects.create(customer=customer_a, store=store_b)
        client = client_for(manager_b)
        assert client.get(self.url(customer_a)).status_code == 403
        assert client.post(self.url(customer_a), consent_data()).status_code == 403

    def test_it_is_403_for_a_supervisor(self, client_for, supervisor, customer_a):
        assert client_for(supervisor).get(self.url(customer_a)).status_code == 403

    def test_it_is_open_to_head_office(self, client_for, head_office, customer_a):
        assert client_for(head_office).get(self.url(customer_a)).status_code == 200

    @pytest.mark.parametrize("junk", ["\x00", "²", "9" * 30, "abc"])
    def test_it_gives_a_form_error_for_junk(self, client_for, clerk_a, customer_a, junk):
        response = client_for(clerk_a).post(self.url(customer_a), consent_data(notice=junk, granted=junk))
        assert response.status_code == 200


def test_it_confirms_a_pending_consent_at_the_till(client_for, clerk_a, customer_a):
    customer_a.consent_pending, customer_a.data_consent_at = True, None
    customer_a.marketing_consent = False
    customer_a.save()
    assert not customer_a.can_receive_sms
    client = client_for(clerk_a)
    url = reverse("customers:consent", args=[customer_a.pk])
    response = client.post(url, consent_data())  # marketing before data consent: refused
    assert response.status_code == 200
    client.post(url, consent_data(kind="data"))
    client.post(url, consent_data())
    customer_a.refresh_from_db()
    assert not customer_a.consent_pending and customer_a.can_receive_sms


class TestChangeLog:
    def test_it_records_personal_field_changes_with_sensitive_values_masked(self, client_for, manager_a, customer_a):
        client_for(manager_a).post(
            reverse("customers:edit", args=[customer_a.pk]),
            edit_data(customer_a, name="王芳芳", mobile="13700000009", id_number="11010519491231002X", address="杭州"),
        )
        event = AuditEvent.objects.get(action="customer.changed")
        changes = event.detail["changes"]
        assert event.actor == manager_a and changes["name"] == ["王芳", "王芳芳"]
        assert changes["mobile"] == ["139****0001", "137****0009"]
        assert changes["id_number"] == ["", "110***********002X"]
        assert changes["address"] == ["", "杭州"]
        assert "13700000009" not in str(event.detail) and "11010519491231002X" not in str(event.detail)

    def test_it_shows_the_log_to_managers_not_to_clerks(self, client_for, manager_a, clerk_a, customer_a):
        client_for(manager_a).post(
            reverse("customers:edit", args=[customer_a.pk]), edit_data(customer_a, name="王芳芳")
        )
        assert 'id="change-log"' in client_for(manager_a).get(customer_a.get_absolute_url()).content.decode()
        assert 'id="change-log"' not in client_for(clerk_a).get(customer_a.get_absolute_url()).content.decode()


def test_the_change_log_includes_a_tier_set_by_hand(client_for, head_office, manager_a, customer_a):
    from loyalty import services as loyalty

    loyalty.set_tier_by_hand(customer_a, "B", by=head_office, reason="老客户补办")
    event = AuditEvent.objects.get(action="customer.changed")
    assert event.detail["changes"] == {"tier": ["C", "B"]} and event.actor == head_office
    body = client_for(manager_a).get(customer_a.get_absolute_url()).content.decode()
    assert "C → B" in body
