import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import buy

pytestmark = pytest.mark.django_db


def test_the_home_page_counts_the_clerks_calls_due_today(client_for, clerk_a, clerk_b, customer_a, cadence_defaults):
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    with time_machine.travel(three_days_ago, tick=False):
        buy(customer_a, "399", clerk=clerk_a, when=three_days_ago)  # day 3: the first call is due today
    assert "1 个待回访电话" in client_for(clerk_a).get(reverse("home")).content.decode()
    assert "0 个待回访电话" in client_for(clerk_b).get(reverse("home")).content.decode()


def test_head_office_reads_callbacks_from_the_reports_panel_not_a_live_count(client_for, head_office):
    assert "待回访电话" not in client_for(head_office).get(reverse("home")).content.decode()
