"""Export the customer file, empty the database, import the export: the same customers."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from customers.models import Customer, Purchase
from customers.tests.factories import CustomerFactory

FIELDS = (
    "name",
    "gender",
    "mobile",
    "card_number",
    "address",
    "birthday",
    "wedding_anniversary",
    "cumulative_spend",
    "visit_count",
    "tier",
    "marketing_consent",
    "member_since",
)


@pytest.fixture
def loyalty_connected():
    """Opening points through loyalty, as loyalty's AppConfig wires it (idempotent)."""
    from loyalty import receivers_import

    receivers_import.connect()


def _snapshot():
    from loyalty.models import PointsAccount

    points = dict(PointsAccount.objects.values_list("customer__mobile", "balance"))
    return sorted(
        (
            *(getattr(c, f) for f in FIELDS),
            c.id_number,
            bool(c.marketing_opt_out_at),
            points.get(c.mobile, 0),
        )
        for c in Customer.objects.all()
    )


def test_an_exported_file_imports_back_into_an_empty_database_unchanged(
    tmp_path, store_a, head_office, loyalty_connected, run_import
):
    from loyalty import services
    from loyalty.models import PointsAccount, PointsEntry

    people = [
        CustomerFactory(
            name="王芳",
            gender="F",
            card_number="VIP001",
            address="上海市静安区南京西路1号",
            birthday=dt.date(1990, 3, 15),
            wedding_anniversary=dt.date(2015, 10, 1),
            tier="A",
            cumulative_spend=Decimal("12345.60"),
            visit_count=12,
            member_since=dt.date(2019, 5, 1),
            home_store=store_a,
        ),
        CustomerFactory(
            name="李强",
            gender="M",
            tier="B",
            cumulative_spend=Decimal("6000.00"),
            visit_count=3,
            member_since=dt.date(2020, 1, 2),
            marketing_consent=False,
            home_store=store_a,
        ),
        CustomerFactory(name="-赵敏", gender="", mobile="+8613700000009", home_store=store_a, member_since=None),
    ]
    people[0].set_id_number("11010519491231002X")
    people[0].save()
    people[2].opt_out()
    people[2].save()
    services.open_balance(people[0], 8000, by=head_office, key="seed-0")
    services.open_balance(people[1], 150, by=head_office, key="seed-1")
    before = _snapshot()
    path = tmp_path / "export.xlsx"
    call_command("export_customers", str(path), "--full-id-numbers", "--reason", "round trip", stdout=io.StringIO())

    PointsEntry.objects.all().delete()
    PointsAccount.objects.all().delete()
    Customer.objects.all().delete()
    job = run_import(path, store_a)

    assert (job.created_count, job.rejected_rows) == (3, 0)
    assert _snapshot() == before
    # Spend came back as opening-balance purchases marked imported.
    assert Purchase.objects.filter(is_imported=True).count() == 2
