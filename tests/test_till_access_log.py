"""A whole till session against a real gunicorn: its access log holds no mobile number
and no ID-card number (they travel only in POST bodies; the chosen customer is a token)."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from crm.models import Role
from crm.tests.factories import StoreFactory, make_staff
from customers.models import Customer, Purchase
from customers.tests.factories import CustomerFactory

PORTS = range(8150, 8160)  # this checkout's port range
MOBILE_A, MOBILE_NEW, ID_NEW = "13900000001", "13800138000", "11010519491231002X"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8150-8159")


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn on the test database, access log to a file, SMS to files under tmp_path."""
    port = _free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "KEDANG_SMS_BACKEND": "followups.sms.backends.filebased.SmsBackend",
        "KEDANG_SMS_OUTBOX_DIR": str(tmp_path / "sms"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEBUG": "false",
        # The test settings' key is the public demo key, which gunicorn refuses unless told
        # this is the embedded demo.
        "KEDANG_DEMO": "1",
    }
    log = tmp_path / "access.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "crm.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(log), "--no-control-socket", "--error-logfile", str(tmp_path / "error.log")],
        cwd=django_settings.BASE_DIR, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base, log, tmp_path / "sms"
    finally:
        process.terminate()
        process.wait(10)


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> tuple[str, str]:
        response = self.opener.open(self.base + path, timeout=10)
        return response.geturl(), response.read().decode()

    def post(self, path: str, data: dict) -> tuple[str, str]:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"X-CSRFToken": self.csrf()})
        response = self.opener.open(request, timeout=10)
        return response.geturl(), response.read().decode()


def sale_data(**extra) -> dict:
    import uuid

    data = {
        "idempotency_key": str(uuid.uuid4()),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": "衬衫",
        "lines-0-unit_price": "399",
        "lines-0-quantity": "1",
    }
    return {**data, **extra}


@pytest.mark.django_db(transaction=True)
def test_it_keeps_mobile_and_id_numbers_out_of_the_access_log(gunicorn, settings):
    """About 5 s: starts a real gunicorn and drives a whole till session through it."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the server checks with the real ones
    base, log, sms_dir = gunicorn
    store_a, store_b = StoreFactory(code="S001"), StoreFactory(code="S002")
    CustomerFactory(name="王芳", mobile=f"+86{MOBILE_A}", home_store=store_a)
    make_staff("clerk_b", Role.CLERK, store=store_b)
    browser = Browser(base)
    browser.get("/login/")
    browser.post("/login/", {"username": "clerk_b", "password": "pw-kedang-123"})
    browser.get("/till/")

    # Another store's customer: lookup by full number, code by SMS, sale.
    _, results = browser.post("/till/lookup/", {"q": "139 0000 0001"})
    token = re.search(r'"token": "([^"]+)"', results).group(1)
    browser.post("/till/serve/code/", {"token": token})
    code = re.search(r"\d{6}", json.loads(next(sms_dir.glob("*.json")).read_text())["text"]).group()
    sale_url, page = browser.post("/till/serve/verify/", {"token": token, "code": code})
    assert "/till/sale/?serve=" in sale_url and "王*" in page
    action = re.search(r'action="([^"]+)"[^>]*id="sale-form"', page).group(1)
    receipt_url, _ = browser.post(action.replace("&amp;", "&"), sale_data())
    assert "/purchases/" in receipt_url

    # A new customer with an ID number, captured with the sale.
    browser.get("/till/sale/?new=1")
    new = {"new-name": "陈静", "new-mobile": MOBILE_NEW, "new-id_number": ID_NEW, "new-data_consent": "on"}
    receipt_url, _ = browser.post("/till/sale/?new=1", sale_data(**new))
    assert "/purchases/" in receipt_url
    browser.post("/till/lookup/", {"q": MOBILE_NEW})
    customer = Customer.objects.get(mobile=f"+86{MOBILE_NEW}")
    browser.get(f"/customers/{customer.pk}/")
    assert Purchase.objects.count() == 2

    time.sleep(0.3)  # gunicorn writes the access log line after the response
    text = log.read_text()
    assert "/till/lookup/" in text and "/till/sale/" in text and "/customers/" in text
    digits = re.sub(r"\D", "", text)
    for secret in (MOBILE_A, MOBILE_NEW, ID_NEW[:17]):
        assert secret not in digits, f"{secret} in the access log"
    assert Path(log).stat().st_size > 0
