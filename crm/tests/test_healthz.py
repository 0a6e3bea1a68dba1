import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from crm.celery import app


def test_it_reports_database_and_broker_ok(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_it_answers_503_when_the_broker_is_down(client, db, monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its own settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"].startswith("down")
    assert response.json()["database"] == "ok"


@pytest.fixture
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers: a hung database."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.postgres
def test_it_answers_503_within_2_seconds_when_the_database_never_answers(client, db, silent_server, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", str(silent_server))
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["database"] == "down: timeout"
    assert response.json()["broker"] == "ok"
    assert elapsed < 2


@pytest.mark.postgres
def test_web_processes_get_connect_and_statement_timeouts_and_workers_only_the_connect_timeout():
    def options(**env):
        code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings", **env}
        environment.pop("KEDANG_WEB_PROCESS", None)
        environment.update(env)
        run = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + code],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.strip()

    assert options(KEDANG_WEB_PROCESS="1") == "{'connect_timeout': 3, 'options': '-c statement_timeout=15000'}"
    assert options() == "{'connect_timeout': 3}"
    assert "statement_timeout=500" in options(KEDANG_WEB_PROCESS="1", KEDANG_DB_STATEMENT_TIMEOUT_MS="500")


@pytest.mark.postgres
def test_a_web_query_longer_than_the_statement_timeout_is_stopped(db):
    params = connection.get_connection_params() | {"options": "-c statement_timeout=200"}
    conn = connection.Database.connect(**params)
    try:
        with pytest.raises(connection.Database.errors.QueryCanceled), conn.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
    finally:
        conn.close()
