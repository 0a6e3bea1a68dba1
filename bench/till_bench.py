"""Benchmark of the till sale over HTTP (not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedang_bench \\
        .venv/bin/python bench/till_bench.py [--port 8170] [--seconds 10] [--clerks 1 8]

Starts gunicorn (2 sync workers, ``KEDANG_MODE=production``) on the chain that
``bench/reports_bench.py`` loaded, with ``bench.till_settings`` (production settings plus
one URL: a login-required POST doing one INSERT, the yardstick). For each number of
clerks, clerks of different stores record sales for their own customers with fresh
idempotency keys, in phases that alternate with the same clerks posting to the yardstick:
sale, yardstick, sale, yardstick. Prints p50/p95/p99, throughput and the ratio of the
sale's throughput to the yardstick's. The sales stay in the database (they are real sales
of the bench's customers; re-load the chain to start clean).
"""

import argparse
import http.client
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--clerks", type=int, nargs="+", default=[1, 8])
    return parser.parse_args()


_ENV: dict = {}


def server_env(port: int) -> dict:
    if _ENV:
        return _ENV
    env = dict(os.environ)
    env.update(
        KEDANG_MODE="production",
        DJANGO_SETTINGS_MODULE="bench.till_settings",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(48),
        FIELD_ENCRYPTION_KEY=env.get("FIELD_ENCRYPTION_KEY") or Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    _ENV.update(env)
    return env


def start_gunicorn(port: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "crm.wsgi:application",
        "--workers=2",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=server_env(port), start_new_session=True)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("gunicorn did not start")


def logged_in_clerks(count: int) -> list[dict]:
    """``count`` clerks of different stores, each with a session and their store's customers."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from crm.models import Role, StaffProfile
    from customers.models import Customer

    profiles = list(
        StaffProfile.objects.filter(role=Role.CLERK, user__username__startswith="bench_")
        .select_related("user")
        .order_by("store_id", "pk")
        .distinct("store_id")[:count]
    )
    clerks = []
    for profile in profiles:
        session = SessionStore()
        session[SESSION_KEY] = str(profile.user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend (axes only guards)
        session[HASH_SESSION_KEY] = profile.user.get_session_auth_hash()
        session.create()
        customers = list(Customer.objects.filter(home_store_id=profile.store_id).values_list("pk", flat=True)[:2000])
        clerks.append({"session": session.session_key, "customers": customers, "csrf": secrets.token_hex(16)})
    return clerks


def post(port: int, clerk: dict, path: str, fields: dict) -> float:
    body = urlencode({**fields, "csrfmiddlewaretoken": clerk["csrf"]})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={clerk['session']}; csrftoken={clerk['csrf']}",
        "Host": "127.0.0.1",
        # As behind the reverse proxy that terminates TLS (production redirects plain HTTP).
        "X-Forwarded-Proto": "https",
        "Origin": "https://127.0.0.1",
        "Referer": "https://127.0.0.1/till/",
    }
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    seconds = time.perf_counter() - began
    if response.status not in (204, 302):
        raise RuntimeError(f"{path} answered {response.status}")
    return seconds


def sale(port: int, clerk: dict, rng: random.Random) -> float:
    key = uuid.uuid4()
    customer = rng.choice(clerk["customers"])
    price = rng.choice(["199.00", "399.00", "899.00", "1299.00", "2600.00"])
    fields = {
        "idempotency_key": str(key),
        "receipt_number": "",
        "note": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-item": "衬衫",
        "lines-0-unit_price": price,
        "lines-0-quantity": "1",
    }
    return post(port, clerk, f"/till/sale/?{urlencode({'customer': customer, 't': key})}", fields)


def yardstick(port: int, clerk: dict, rng: random.Random) -> float:
    return post(port, clerk, "/bench/insert/", {})


def phase(port: int, clerks: list[dict], target, seconds: float) -> tuple[list[float], float]:
    times: list[float] = []
    errors: list[Exception] = []
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def work(n: int, clerk: dict):
        rng = random.Random(n)
        while time.perf_counter() < deadline:
            try:
                took = target(port, clerk, rng)
            except Exception as exc:
                errors.append(exc)
                return
            with lock:
                times.append(took)

    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n, clerk)) for n, clerk in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return times, time.perf_counter() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to the chain reports_bench.py loaded")
    os.environ.update({k: v for k, v in server_env(args.port).items() if k != "DJANGO_SETTINGS_MODULE"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.till_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    server = start_gunicorn(args.port)
    try:
        clerks = logged_in_clerks(max(args.clerks))
        sale(args.port, clerks[0], random.Random(0))  # warm both workers' imports
        yardstick(args.port, clerks[0], random.Random(0))
        print("gunicorn, 2 sync workers, KEDANG_MODE=production, PostgreSQL", flush=True)
        for count in args.clerks:
            results = {"sale": ([], 0.0), "one INSERT": ([], 0.0)}
            for _round in range(2):
                for label, target in (("sale", sale), ("one INSERT", yardstick)):
                    times, elapsed = phase(args.port, clerks[:count], target, args.seconds)
                    done, seconds = results[label]
                    results[label] = (done + times, seconds + elapsed)
            rates = {}
            for label, (times, elapsed) in results.items():
                rates[label] = len(times) / elapsed
                print(
                    f"  {count} clerk(s) {label:<10} p50 {percentile(times, 50):6.1f} ms  p95 {percentile(times, 95):6.1f} ms"
                    f"  p99 {percentile(times, 99):6.1f} ms  {rates[label]:6.1f}/s  ({len(times)} requests,"
                    f" mean {statistics.mean(times) * 1000:.1f} ms)",
                    flush=True,
                )
            print(f"  {count} clerk(s): sales at {rates['sale'] / rates['one INSERT']:.1%} of the one-INSERT view")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
