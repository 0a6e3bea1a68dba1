from decimal import Decimal

import factory

from crm.tests.factories import StoreFactory
from customers.models import Customer
from customers.services import LineData, record_purchase


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"顾客{n}")
    gender = "F"
    mobile = factory.Sequence(lambda n: f"+86139{n:08d}")
    home_store = factory.SubFactory(StoreFactory)
    data_consent_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)
    marketing_consent = True


def buy(customer, amount, *, store=None, clerk=None, when=None, item="衬衫", **kwargs):
    """Record a one-line purchase through the real service; returns the Purchase."""
    purchase, _ = record_purchase(
        store=store or (customer.home_store if customer else None),
        clerk=clerk,
        customer=customer,
        lines=[LineData(item=item, unit_price=Decimal(amount))],
        purchased_at=when,
        **kwargs,
    )
    return purchase
