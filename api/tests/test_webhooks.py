import datetime as dt
import http.server
import json
import threading
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from api import webhooks
from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from loyalty.services import adjust_points, approve_application, enter_application, submit_application


class Receiver:
    """An HTTP receiver on 127.0.0.1 that answers ``status`` and keeps what it got.

    On a port the system picks: a fixed one is taken when two suites run on one machine."""

    def __init__(self, status: int = 200):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback(settings):
    settings.KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    settings.KEDANG_WEBHOOK_MAX_ATTEMPTS = 3


@pytest.fixture
def receiver(loopback):
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def failing_receiver(loopback):
    server = Receiver(status=500)
    yield server
    server.close()


def test_a_receiver_gets_a_correctly_signed_points_event(receiver, head_office, customer_a):
    endpoint, secret = webhooks.create_endpoint(url=receiver.url, events=["points.changed"], by=head_office)
    adjust_points(customer_a, 50, reason="goodwill", by=head_office, key="adj-1")
    assert webhooks.send_due() == {"delivered": 1, "retrying": 0, "failed": 0}
    [(headers, body)] = receiver.received
    assert webhooks.verify(secret, headers["X-Kedang-Signature"], body)
    assert not webhooks.verify("whsec_wrong", headers["X-Kedang-Signature"], body)
    assert not webhooks.verify(secret, headers["X-Kedang-Signature"], body + b" ")
    document = json.loads(body)
    assert document["event"] == "points.changed" and headers["X-Kedang-Event-Id"] == document["id"]
    assert document["data"] == {
        "member_id": customer_a.pk,
        "kind": "adjust",
        "points": 50,
        "balance": 50,
        "receipt_number": None,
        "at": document["data"]["at"],
    }
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert webhooks.send_due()["delivered"] == 0 and len(receiver.received) == 1


def test_a_failing_receiver_gets_retries_with_backoff_that_stop_at_the_limit(failing_receiver, head_office, customer_a):
    webhooks.create_endpoint(url=failing_receiver.url, events=["points.changed"], by=head_office)
    start = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        adjust_points(customer_a, 50, reason="goodwill", by=head_office, key="adj-1")
        assert webhooks.send_due()["retrying"] == 1
        assert webhooks.send_due()["retrying"] == 0, "not again before the backoff is over"
    delivery = WebhookDelivery.objects.get()
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        assert webhooks.send_due()["retrying"] == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=31 + 60)
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        assert webhooks.send_due()["failed"] == 1
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        assert webhooks.send_due() == {"delivered": 0, "retrying": 0, "failed": 0}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3 and delivery.last_status_code == 500
    ids = {headers["X-Kedang-Event-Id"] for headers, _body in failing_receiver.received}
    assert len(failing_receiver.received) == 3 and ids == {str(delivery.event_id)}


def test_card_approval_sends_card_and_tier_events(receiver, head_office, customer_a, clerk_a, manager_a):
    from customers.tests.factories import buy

    webhooks.create_endpoint(url=receiver.url, events=["card.approved", "tier.changed"], by=head_office)
    buy(customer_a, "1600", clerk=clerk_a)
    application = customer_a.card_applications.get()
    enter_application(application, relative_name="王母", relative_phone="13900000099", by=manager_a)
    submit_application(application, by=manager_a)
    approve_application(application, by=head_office)
    webhooks.send_due()
    events = [json.loads(body) for _headers, body in receiver.received]
    assert sorted(e["event"] for e in events) == ["card.approved", "tier.changed"]
    card = next(e for e in events if e["event"] == "card.approved")["data"]
    assert card["member_id"] == customer_a.pk and card["card_tier"] == "B" and card["card_number"].startswith("B")


def test_an_event_of_a_rolled_back_change_is_never_sent(receiver, head_office, customer_a):
    from django.db import transaction

    webhooks.create_endpoint(url=receiver.url, events=["points.changed"], by=head_office)
    with pytest.raises(RuntimeError), transaction.atomic():
        adjust_points(customer_a, 50, reason="goodwill", by=head_office, key="adj-1")
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_production_addresses_must_be_https(settings, head_office):
    settings.KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    for url in ("http://127.0.0.1:8191/hook", "http://example.com/hook", "ftp://example.com"):
        with pytest.raises(ValidationError):
            webhooks.create_endpoint(url=url, events=["points.changed"], by=head_office)
    endpoint, secret = webhooks.create_endpoint(
        url="https://pos.example.com/k", events=["tier.changed"], by=head_office
    )
    assert secret.startswith("whsec_") and secret not in endpoint.secret_encrypted and endpoint.secret == secret


def test_the_signature_is_refused_when_too_old(head_office):
    body = b'{"id":"x"}'
    signed_at = int(time.time()) - 600
    header = f"t={signed_at},v1={webhooks.sign('s', signed_at, body)}"
    assert not webhooks.verify("s", header, body)
    assert webhooks.verify("s", header, body, now=signed_at + 10)


def test_head_office_registers_an_endpoint_and_sees_its_deliveries(client_for, head_office, manager_a, customer_a):
    response = client_for(head_office).post(
        "/pos/webhooks/", {"url": "https://pos.example.com/hook", "events": ["points.changed"]}
    )
    assert response.status_code == 200 and response.context["secret"] in response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    adjust_points(customer_a, 5, reason="x", by=head_office, key="adj-1")
    page = client_for(head_office).get(f"/pos/webhooks/{endpoint.pk}/")
    assert page.status_code == 200 and str(WebhookDelivery.objects.get().event_id) in page.content.decode()
    assert response.context["secret"] not in page.content.decode()
    for path in ("/pos/webhooks/", f"/pos/webhooks/{endpoint.pk}/"):
        assert client_for(manager_a).get(path).status_code == 403
    assert client_for(manager_a).post(f"/pos/webhooks/{endpoint.pk}/deactivate/").status_code == 403
    assert client_for(head_office).post(f"/pos/webhooks/{endpoint.pk}/deactivate/").status_code == 302
    assert not WebhookEndpoint.objects.get().is_active


def test_the_first_try_is_a_task_queued_after_the_commit(
    receiver, head_office, customer_a, django_capture_on_commit_callbacks, monkeypatch
):
    from crm.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)
    webhooks.create_endpoint(url=receiver.url, events=["points.changed"], by=head_office)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        adjust_points(customer_a, 50, reason="goodwill", by=head_office, key="adj-1")
        assert not receiver.received, "nothing is sent before the commit"
    assert len(callbacks) == 1 and len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
