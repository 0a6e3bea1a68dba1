import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from customers.tests.factories import CustomerFactory, buy
from followups.sms.backends import locmem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 14, minute: int = 0) -> dt.datetime:
    """A moment on a store-local day."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _sms_to_memory(sms_in_memory, settings, tmp_path):
    """Every follow-up test sends to ``locmem.outbox``; the file backend, when a test picks
    it, writes under the test's own folder."""
    settings.KEDANG_SMS_OUTBOX_DIR = tmp_path / "sms-outbox"


@pytest.fixture
def sms_outbox():
    return locmem.outbox


@pytest.fixture
def make_customer(store_a, clerk_a):
    def make(**fields):
        fields.setdefault("home_store", store_a)
        fields.setdefault("clerk", clerk_a)
        return CustomerFactory(**fields)

    return make


@pytest.fixture
def purchase_on(clerk_a):
    """``purchase_on(customer, day, amount=800)``: a purchase served by clerk_a at 14:00 that day."""

    def make(customer, day, amount="800", clerk=None, hour=14, **kwargs):
        return buy(customer, amount, clerk=clerk or clerk_a, when=at(day, hour), **kwargs)

    return make


@pytest.fixture
def cadence_defaults(db):
    """The default cadence and templates. A ``transaction=True`` test flushes the tables
    afterwards, data migrations included, so such tests put them back first."""
    import importlib

    from django.apps import apps

    importlib.import_module("followups.migrations.0002_default_cadence").add_defaults(apps, None)
