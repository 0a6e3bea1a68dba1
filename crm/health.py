"""The probes behind ``/healthz``: database and broker, each answered within a deadline.

A database that accepts connections and never answers would hang the request's own
connection until gunicorn kills the worker; so the probe uses a connection of its own
(libpq's shortest connect timeout, a one-second statement timeout) in a thread, and the
view stops waiting at ``KEDANG_HEALTHZ_TIMEOUT``. A probe still running then is left to
time out on its own; it holds no lock and touches no data.
"""

import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import connection

from crm.celery import app as celery_app

_probes = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


def _database(params: dict | None) -> None:
    if params is None:  # SQLite: a local file, no network to hang on
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return
    conn = connection.Database.connect(**params)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        conn.close()


def _database_params() -> dict | None:
    if connection.vendor != "postgresql":
        return None
    params = connection.get_connection_params()
    params["connect_timeout"] = 2  # libpq's minimum
    params["options"] = "-c statement_timeout=1000"
    return params


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


def _outcome(future, until: float) -> str:
    try:
        future.result(timeout=max(until - time.monotonic(), 0))
    except FutureTimeout:
        return "down: timeout"
    except Exception as exc:  # any driver error means "down" to a load balancer
        return f"down: {exc.__class__.__name__}"
    return "ok"


def _here(function, *args) -> Future:
    """``function`` run in this thread, as a finished future (SQLite's connection is per thread)."""
    future = Future()
    try:
        future.set_result(function(*args))
    except Exception as exc:
        future.set_exception(exc)
    return future


def status() -> dict:
    """``{"database": "ok" | "down: …", "broker": …}``, within ``KEDANG_HEALTHZ_TIMEOUT``."""
    until = time.monotonic() + settings.KEDANG_HEALTHZ_TIMEOUT
    broker = _probes.submit(_broker)
    params = _database_params()
    database = _here(_database, None) if params is None else _probes.submit(_database, params)
    return {"database": _outcome(database, until), "broker": _outcome(broker, until)}
