"""The summary job's tracked path (PostgreSQL): database triggers name every customer whose
facts may have changed, the job recomputes only those and places every buyer in their
classes again from per-store thresholds. What it leaves must be what a computation from
scratch gives, ties included, whatever wrote the change (ORM, raw UPDATE, cascade)."""

import datetime as dt
import random

import pytest
from django.db import connection

from complaints.defaults import install_defaults
from complaints.models import Category, Complaint
from crm.models import Role
from crm.tests.factories import make_staff
from customers.models import Customer, Purchase
from reports import summary
from reports.models import CustomerPeriod, FactSourceChange, Period, StorePeriod
from reports.tests.conftest import TODAY, at, contact, customer, sale
from reports.tests.test_summary import _contents

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("changes are tracked by PostgreSQL triggers; SQLite compares every period whole")


@pytest.fixture
def chain(store_a, store_c):
    """Sixty buyers in two stores, their spends, visit counts and last days drawn from
    short lists so that many tie."""
    rng = random.Random(13)
    clerk = make_staff("clerk_t", Role.CLERK, store=store_c)
    people = []
    for i in range(60):
        store = store_a if i % 3 else store_c
        person = customer(store, clerk, created=dt.date(2025, 1, 5))
        for _visit in range(rng.choice([1, 1, 2, 3])):
            day = dt.date(2025, rng.choice([1, 2, 3]), rng.choice([1, 2, 5, 8]))
            sale(store, clerk, person, day, total=rng.choice(["20.00", "50.00", "50.00", "90.00", "300.00"]))
        people.append(person)
    return {"people": people, "clerk": clerk, "rng": rng}


def _from_scratch() -> dict:
    CustomerPeriod.objects.all().delete()
    Period.objects.update(tracked=False)
    summary.summarise(TODAY)
    return _contents()


def test_a_day_of_changes_tracked_gives_what_a_computation_from_scratch_gives(chain, store_a, store_c):
    people, clerk, rng = chain["people"], chain["clerk"], chain["rng"]
    summary.summarise(TODAY)  # the first run: every period back to 2023 computed whole
    assert not FactSourceChange.objects.exists()

    for person in rng.sample(people, 12):  # more sales: ranks shift
        sale(person.home_store, clerk, person, dt.date(2025, 3, 12), total=rng.choice(["20.00", "90.00", "900.00"]))
    newcomer = customer(store_c, clerk, created=dt.date(2025, 3, 12), referred_by=people[0])
    sale(store_c, clerk, newcomer, dt.date(2025, 3, 12), total="50.00")  # a new buyer, and a referral
    Purchase.objects.filter(customer=people[1]).delete()  # no longer a buyer
    with connection.cursor() as cursor:  # moved by hand, past the ORM
        cursor.execute("UPDATE customers_customer SET home_store_id = %s WHERE id = %s", [store_a.pk, people[3].pk])
    Purchase.objects.filter(customer=people[4]).delete()
    Customer.objects.filter(pk=people[4].pk).delete()  # its facts go with it (cascade)
    contact(store_c, clerk, people[6], satisfaction=2, day=dt.date(2025, 3, 11))
    install_defaults()
    received = at(dt.date(2025, 2, 3))
    Complaint.objects.create(
        store=store_c, customer=people[9], category=Category.objects.first(), channel="hotline",
        description="缩水", received_by=clerk, received_at=received, first_response_due=received,
        resolution_due=received, status="closed", survey_score=3, survey_answered_at=at(dt.date(2025, 3, 11)),
    )  # fmt: skip
    noted = set(FactSourceChange.objects.values_list("customer_id", flat=True))
    assert {people[0].pk, people[1].pk, people[3].pk, people[6].pk, people[9].pk, newcomer.pk} <= noted

    summary.summarise(TODAY)
    in_place = _contents()
    assert not FactSourceChange.objects.exists(), "the claimed changes are spent"
    tracked = set(Period.objects.filter(tracked=True).values_list("key", flat=True))
    assert tracked == {"2025Q1", "2025H1", "2025"}, "the periods of the window; older ones are now seen whole"

    assert _from_scratch() == in_place


def test_days_later_it_counts_the_newly_covered_days(chain, store_c):
    people, clerk = chain["people"], chain["clerk"]
    summary.summarise(TODAY - dt.timedelta(days=3))
    # Dated after that run's last day and not noted as a change: found as a day newly covered.
    sale(store_c, clerk, people[0], dt.date(2025, 3, 11), total="700.00")
    FactSourceChange.objects.all().delete()
    summary.summarise(TODAY)
    in_place = _contents()
    assert CustomerPeriod.objects.filter(customer=people[0], amount__gte=700).count() == 3
    assert _from_scratch() == in_place


def test_it_rewrites_only_the_facts_that_moved(chain, store_c):
    people, clerk = chain["people"], chain["clerk"]
    summary.summarise(TODAY)
    totals = sorted(StorePeriod.objects.values_list("pk", flat=True))
    assert summary.summarise(TODAY)["facts_written"] == 0
    assert sorted(StorePeriod.objects.values_list("pk", flat=True)) == totals, "nothing changed: left as it is"
    sale(store_c, clerk, people[0], dt.date(2025, 3, 12), total="20.00")
    written = summary.summarise(TODAY)["facts_written"]
    assert 3 <= written < CustomerPeriod.objects.count() / 2  # their row in each period, and the rows whose class moved


def test_a_period_the_run_leaves_out_is_seen_whole_when_it_comes_back(chain, store_c):
    """Its changes were spent by a run that did not recompute it."""
    people, clerk = chain["people"], chain["clerk"]
    summary.summarise(TODAY)
    sale(store_c, clerk, people[2], dt.date(2025, 3, 1), total="800.00")
    assert summary.customer_facts.claim_changes()
    summary.customer_facts.release_changes([])  # a run that recomputed no period
    assert not Period.objects.filter(tracked=True).exists() and not FactSourceChange.objects.exists()
    summary.summarise(TODAY)
    in_place = _contents()
    assert CustomerPeriod.objects.filter(customer=people[2], amount__gte=800).count() == 3
    assert _from_scratch() == in_place


def test_a_new_customer_without_a_purchase_counts_among_the_stores_new_customers(chain, store_c):
    summary.summarise(TODAY)
    before = StorePeriod.objects.get(period__key="2025Q1", store=store_c).new_customers
    customer(store_c, chain["clerk"], created=dt.date(2025, 3, 12))
    summary.summarise(TODAY)
    assert StorePeriod.objects.get(period__key="2025Q1", store=store_c).new_customers == before + 1
    in_place = _contents()
    assert _from_scratch() == in_place
