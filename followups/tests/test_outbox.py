import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from customers.models import ContactLog, ContactOutcome
from followups.models import FollowUpTask, MessageStatus, OutboundMessage, TaskStatus
from followups.services import outbox
from followups.services.greetings import generate_greetings
from followups.sms import SmsError, SmsMessage
from followups.sms.backends.filebased import SmsBackend as FileBackend
from followups.tests.conftest import at

pytestmark = pytest.mark.django_db

BIRTHDAY = dt.date(2025, 4, 10)


@pytest.fixture
def birthday_message(make_customer):
    customer = make_customer(name="王芳", gender="F", birthday=dt.date(1990, 4, 10))
    generate_greetings(BIRTHDAY)
    outbox.queue_due_messages(BIRTHDAY)
    return customer, OutboundMessage.objects.get(customer=customer)


def test_it_sends_the_day_2_sms_with_points_and_the_opt_out_line(make_customer, purchase_on, sms_outbox):
    customer = make_customer(name="王芳", gender="F")
    purchase_on(customer, dt.date(2025, 4, 1), amount="1200", item="羊毛西装")

    outbox.queue_due_messages(dt.date(2025, 4, 3))
    outbox.send_due_messages()

    (sms,) = sms_outbox
    assert sms.to == customer.mobile
    assert sms.text.startswith("王女士您好，感谢您光临南京西路店选购羊毛西装。您当前积分1200分，累计消费1200.00元。")
    assert sms.text.endswith("回复TD退订")
    task = FollowUpTask.objects.get(customer=customer, rule__day_offset=2)
    assert task.status == TaskStatus.DONE
    assert task.contact_log.outcome == ContactOutcome.SENT


def test_each_message_is_sent_once_however_often_the_sender_runs(birthday_message, sms_outbox):
    outbox.send_due_messages()
    outbox.send_due_messages()
    outbox.queue_due_messages(BIRTHDAY)
    outbox.send_due_messages()

    assert len(sms_outbox) == 1
    assert OutboundMessage.objects.get().status == MessageStatus.SENT
    assert ContactLog.objects.filter(outcome=ContactOutcome.SENT).count() == 1


def test_a_message_claimed_by_another_sender_is_left_alone(birthday_message):
    _, message = birthday_message
    assert outbox.claim(message.pk) is not None
    assert outbox.claim(message.pk) is None


def test_a_message_abandoned_by_a_dead_sender_is_sent_later(birthday_message, sms_outbox, settings):
    _, message = birthday_message
    outbox.claim(message.pk)  # and the worker dies here

    assert outbox.send_due_messages()["sent"] == 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.KEDANG_SMS_CLAIM_TIMEOUT + 1)):
        assert outbox.send_due_messages()["sent"] == 1
    assert len(sms_outbox) == 1


class Broken:
    def send(self, message):
        raise SmsError("gateway down")


def test_failures_are_retried_with_backoff_then_marked_failed(birthday_message, settings, monkeypatch):
    _, message = birthday_message
    settings.KEDANG_SMS_MAX_ATTEMPTS = 3
    monkeypatch.setattr(outbox, "get_backend", lambda: Broken())
    now = timezone.now()

    assert outbox.send_due_messages(now)["retry"] == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.next_attempt_at - now >= dt.timedelta(seconds=59)
    assert outbox.send_due_messages(now)["retry"] == 0  # not before the backoff is over
    with time_machine.travel(now + dt.timedelta(minutes=1, seconds=1)):
        assert outbox.send_due_messages()["retry"] == 1
    with time_machine.travel(now + dt.timedelta(minutes=4)):
        assert outbox.send_due_messages()["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.FAILED, 3, "gateway down")
    assert message.task.status == TaskStatus.CANCELLED


def test_no_sms_without_consent_or_with_an_invalid_number(make_customer, purchase_on, sms_outbox):
    no_consent = make_customer(marketing_consent=False)
    invalid = make_customer(mobile_invalid=True)
    purchase_on(no_consent, dt.date(2025, 4, 1))
    purchase_on(invalid, dt.date(2025, 4, 1))

    outbox.queue_due_messages(dt.date(2025, 4, 3))
    outbox.send_due_messages()

    assert sms_outbox == []
    assert OutboundMessage.objects.count() == 0
    assert FollowUpTask.objects.filter(rule__day_offset=2, status=TaskStatus.CANCELLED).count() == 2


def test_an_opt_out_between_queuing_and_sending_stops_the_message(birthday_message, sms_outbox):
    customer, message = birthday_message
    customer.opt_out()
    customer.save()

    assert outbox.send_due_messages()["cancelled"] == 1
    assert sms_outbox == []


def test_the_file_backend_writes_a_message_once(tmp_path):
    backend = FileBackend(directory=tmp_path)
    message = SmsMessage(id="task:1", to="+8613900000001", text="你好")

    backend.send(message)
    backend.send(message)

    (written,) = tmp_path.iterdir()
    assert json.loads(written.read_text())["text"] == "你好"


class FakeGateway(BaseHTTPRequestHandler):
    received: list = []
    fail_next = 0

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != "Bearer k-123":
            self.send_response(401)
        elif FakeGateway.fail_next:
            FakeGateway.fail_next -= 1
            self.send_response(503)
        else:
            if body["id"] not in {r["id"] for r in FakeGateway.received}:
                FakeGateway.received.append(body | {"idempotency_key": self.headers.get("Idempotency-Key")})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": f"gw-{len(FakeGateway.received)}"}).encode())
            return
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    FakeGateway.received = []
    FakeGateway.fail_next = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.KEDANG_SMS_BACKEND = "followups.sms.backends.http.SmsBackend"
    settings.KEDANG_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.KEDANG_SMS_HTTP_KEY = "k-123"
    yield FakeGateway
    server.shutdown()
    server.server_close()


def test_the_http_gateway_gets_each_message_with_its_id(birthday_message, gateway):
    customer, message = birthday_message
    gateway.fail_next = 1

    with time_machine.travel(at(BIRTHDAY, 8)):
        assert outbox.send_due_messages()["retry"] == 1
    with time_machine.travel(at(BIRTHDAY, 9)):
        assert outbox.send_due_messages()["sent"] == 1

    (received,) = gateway.received
    assert received["id"] == received["idempotency_key"] == message.key
    assert received["to"] == customer.mobile
    assert received["text"].endswith("回复TD退订")
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (MessageStatus.SENT, "gw-1")


def test_the_http_gateway_rejecting_the_key_is_an_error(settings, gateway):
    from followups.sms.backends.http import SmsBackend

    with pytest.raises(SmsError):
        SmsBackend(key="wrong").send(SmsMessage(id="x", to="+8613900000001", text="hi"))


def test_an_sms_more_than_three_days_late_is_dropped_not_sent(make_customer, purchase_on, sms_outbox):
    customer = make_customer(name="王芳", gender="F")
    purchase_on(customer, dt.date(2025, 4, 1), amount="1200", item="羊毛西装")

    outbox.queue_due_messages(dt.date(2025, 4, 7))  # day 2's SMS is 4 days late
    outbox.send_due_messages()

    late = FollowUpTask.objects.get(customer=customer, rule__day_offset=2)
    assert late.status == TaskStatus.CANCELLED and late.note == "system:too_late"
    assert sms_outbox == []


def test_an_sms_three_days_late_is_still_sent(make_customer, purchase_on, sms_outbox):
    customer = make_customer(name="王芳", gender="F")
    purchase_on(customer, dt.date(2025, 4, 1), amount="1200", item="羊毛西装")

    outbox.queue_due_messages(dt.date(2025, 4, 6))
    outbox.send_due_messages()

    assert len(sms_outbox) == 1


def test_a_batch_claims_no_more_messages_than_its_size(make_customer):
    """A sender that asks for 500 holds 500: the rest stay queued for the next batch or
    another sender (PostgreSQL once claimed all 1,000 with a LIMIT inside the UPDATE)."""
    customer = make_customer(name="王芳", gender="F")
    OutboundMessage.objects.bulk_create(
        OutboundMessage(
            key=f"test:{n}", customer=customer, store=customer.home_store, mobile=customer.mobile, body="hi"
        )
        for n in range(1000)
    )
    now = timezone.now()

    batch = outbox.claim_batch(now, after=0, size=500)

    assert len(batch) == 500
    assert OutboundMessage.objects.filter(status=MessageStatus.SENDING).count() == 500
    assert OutboundMessage.objects.filter(status=MessageStatus.QUEUED).count() == 500
    assert outbox.claim_batch(now, after=batch[-1].pk, size=500)[0].pk > batch[-1].pk


def test_queueing_looks_up_each_task_s_message_by_key_not_by_joining_the_outbox(make_customer, purchase_on):
    """A LEFT JOIN of the outbox (the ORM's ``messages__isnull``) is not an anti-join for
    PostgreSQL: each batch hashed every message queued so far."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = make_customer(name="王芳", gender="F")
    purchase_on(customer, dt.date(2025, 4, 1), amount="1200", item="羊毛西装")
    with CaptureQueriesContext(connection) as ctx:
        counts = outbox.queue_due_messages(dt.date(2025, 4, 3))
    assert counts["messages_queued"] == 1
    reads = [q["sql"] for q in ctx.captured_queries if "followups_outboundmessage" in q["sql"]]
    assert reads and not [sql for sql in reads if 'LEFT OUTER JOIN "followups_outboundmessage"' in sql]
