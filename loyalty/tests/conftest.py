import datetime as dt

import pytest
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from loyalty.models import Gift


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    """Noon, store-local, on ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def gift(db):
    return Gift.objects.create(name="真丝领带", points_price=1000, stock=10)


@pytest.fixture
def make_customer(store_a, clerk_a):
    def make(**fields):
        fields.setdefault("home_store", store_a)
        fields.setdefault("clerk", clerk_a)
        return CustomerFactory(**fields)

    return make


@pytest.fixture
def only_loyalty_hooks():
    """Pages rendered with loyalty's panels only, so other apps' panels cannot break these tests."""
    from contextlib import ExitStack

    from crm import hooks

    with ExitStack() as stack:
        for point in hooks.points():
            mine = [fn for fn in point.functions() if fn.__module__.split(".")[0] in ("loyalty", "customers", "crm")]
            stack.enter_context(hooks.override(point.name, *mine))
        yield
