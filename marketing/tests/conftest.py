import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from customers.tests.factories import CustomerFactory
from marketing.models import Campaign, Segment

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday at 10:00 in the stores: outside the quiet hours.
SEND_AT = dt.datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def segment_a(store_a, manager_a):
    return Segment.objects.create(name="南京西路店全部顾客", store=store_a, filters={}, created_by=manager_a)


@pytest.fixture
def make_campaign(segment_a, manager_a):
    def make(**fields):
        values = {
            "name": "新品到店",
            "segment": segment_a,
            "store": segment_a.store,
            "body": "{name}您好，秋冬新品已到{store}。",
            "send_at": SEND_AT,
            "holdout_percent": 0,
            "created_by": manager_a,
        } | fields
        return Campaign.objects.create(**values)

    return make


@pytest.fixture
def customers_a(store_a):
    """Five customers of store A who accept marketing SMS."""
    return [CustomerFactory(home_store=store_a, name=f"顾客{i}") for i in range(5)]
