"""The demo looks like a store that has been open for months: loaded at 09:30 on a working
day, it has no sale later than 09:30, card applications of every age, gifts, a product list
the till offers as quick picks, and complaints answered (or not) hours or days apart."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from complaints.models import Breach, Complaint
from customers.models import Customer, Purchase
from customers.products.models import Product
from loyalty.models import ApplicationStatus, CardApplication, Gift

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 4)  # a Wednesday
LOADED = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 30)))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module (4-5 s) and rolled back after it; what a test
    writes is rolled back with the test."""
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(LOADED, tick=False):
        call_command("seed_demo", customers=60, seed=2026, today=TODAY.isoformat(), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_sells_nothing_after_it_was_loaded_and_the_till_has_quick_picks(demo, client_for):
    assert Purchase.objects.exists()
    assert not Purchase.objects.filter(purchased_at__gt=LOADED).exists()
    assert Purchase.objects.filter(purchased_at__date=TODAY - dt.timedelta(days=1)).exists()
    assert Product.objects.active().count() >= 50
    assert Product.objects.exclude(barcode__isnull=True).count() == Product.objects.count()

    clerk = get_user_model().objects.get(username="clerk")
    customer = Customer.objects.filter(home_store=clerk.staff.store).order_by("pk").first()
    page = client_for(clerk).get(reverse("customers:sale"), {"customer": customer.pk}, follow=True)

    picks = page.context["quick_picks"]
    assert len(picks) == 8 and 'id="quick-picks"' in page.content.decode()
    sold = set(clerk.staff.store.purchases.values_list("lines__item", flat=True))
    assert {p.name for p in picks} <= sold  # the store's own best sellers


def test_the_demo_has_applications_of_every_age_gifts_and_complaints_with_timings(demo):
    applications = list(CardApplication.objects.all())
    ages = {(TODAY - timezone.localdate(a.created_at)).days for a in applications}
    assert len(applications) >= 10 and len(ages) >= 5 and max(ages) > 30
    with time_machine.travel(LOADED, tick=False):
        late = [a for a in applications if a.is_submission_overdue(TODAY)]
        waiting = [a for a in applications if a.status == ApplicationStatus.CREATED and not a.is_submission_overdue()]
    assert late and waiting  # some past the 3-day submission, some still within it
    assert all(a.submitted_at > a.created_at for a in applications if a.submitted_at)
    assert not [a for a in applications if a.closed_at and a.closed_at > LOADED]

    assert Gift.objects.filter(is_active=True, stock__gt=0).count() >= 4

    complaints = list(Complaint.objects.order_by("received_at"))
    assert len({timezone.localdate(c.received_at) for c in complaints}) >= 5
    answered = [c for c in complaints if c.first_responded_at]
    assert answered and all(c.first_response_seconds > 0 for c in answered)
    assert {c.first_response_seconds for c in answered} != {answered[0].first_response_seconds}
    assert any(c.resolution_seconds for c in complaints)
    assert any(c.sla_breached for c in complaints) and not all(c.sla_breached for c in complaints)
    assert Breach.objects.exists()  # open ones past a deadline, escalated by the daily jobs
