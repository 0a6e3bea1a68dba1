"""Check-in at the till: the clerk finds the customer by mobile or card number (Enter opens
their sale page), the events panel lists today's invitations in the store, one tap checks
them in; another store's clerk and head office cannot."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from marketing.models import Invitation, MemberEvent, Rsvp
from marketing.tests.conftest import SHANGHAI

pytestmark = pytest.mark.django_db
STARTS = dt.datetime(2026, 11, 14, 14, 0, tzinfo=SHANGHAI)
ON_THE_DAY = dt.datetime(2026, 11, 14, 13, 30, tzinfo=SHANGHAI)
OPEN = reverse("customers:till_open")


@pytest.fixture
def event(store_a, manager_a):
    return MemberEvent.objects.create(
        name="秋季品鉴会",
        kind="tasting",
        store=store_a,
        starts_at=STARTS,
        capacity=10,
        tiers=["A"],
        created_by=manager_a,
    )


@pytest.fixture
def guest(event, store_a, clerk_a):
    customer = CustomerFactory(home_store=store_a, clerk=clerk_a, tier="A", card_number="A2026000001")
    invitation = Invitation.objects.create(event=event, customer=customer, rsvp=Rsvp.YES, party_size=2)
    return customer, invitation


def check_in_url(invitation) -> str:
    return reverse("marketing:till_check_in", args=[invitation.pk])


def test_the_card_number_at_the_till_opens_the_guest_with_a_check_in_button(client_for, clerk_a, guest):
    customer, invitation = guest
    with time_machine.travel(ON_THE_DAY):
        client = client_for(clerk_a)
        opened = client.post(OPEN, {"q": "a2026000001"})
        page = client.get(opened.url).content.decode()
    assert "今日会员活动" in page and "秋季品鉴会" in page
    assert f'id="check-in-{invitation.pk}"' in page


def test_one_tap_checks_the_guest_in_and_returns_to_the_sale(client_for, clerk_a, guest):
    customer, invitation = guest
    back = f"{reverse('customers:sale')}?customer={customer.pk}"
    with time_machine.travel(ON_THE_DAY):
        client = client_for(clerk_a)
        response = client.post(check_in_url(invitation), {"next": back})
        again = client.post(check_in_url(invitation), {"next": back}, follow=True)
        page = client.get(back, follow=True).content.decode()
    assert response.status_code == 302 and response.url == back
    invitation.refresh_from_db()
    assert invitation.checked_in_by == clerk_a and invitation.checked_in_at is not None
    assert "已经签到过了" in again.content.decode()
    assert f'id="checked-in-{invitation.pk}"' in page and f'id="check-in-{invitation.pk}"' not in page


def test_no_check_in_before_the_day(client_for, clerk_a, guest):
    _customer, invitation = guest
    with time_machine.travel(STARTS - dt.timedelta(days=1)):
        client = client_for(clerk_a)
        response = client.post(check_in_url(invitation), follow=True)
    assert "只能在活动当天" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.checked_in_at is None


def test_the_panel_is_absent_on_other_days_and_for_customers_not_invited(client_for, clerk_a, guest, customer_a):
    customer, _invitation = guest
    with time_machine.travel(STARTS + dt.timedelta(days=1)):
        client = client_for(clerk_a)
        other_day = client.get(reverse("customers:sale"), {"customer": customer.pk}, follow=True).content.decode()
    with time_machine.travel(ON_THE_DAY):
        not_invited = client_for(clerk_a).get(reverse("customers:sale"), {"customer": customer_a.pk}, follow=True)
    assert 'id="events-panel"' not in other_day and 'id="events-panel"' not in not_invited.content.decode()


def test_another_stores_clerk_cannot_check_in_and_head_office_has_no_till(client_for, clerk_b, head_office, guest):
    _customer, invitation = guest
    with time_machine.travel(ON_THE_DAY):
        assert client_for(clerk_b).post(check_in_url(invitation)).status_code == 404
        assert client_for(head_office).post(check_in_url(invitation)).status_code == 403
        assert client_for(clerk_b).get(check_in_url(invitation)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.checked_in_at is None


def test_a_foreign_next_address_is_not_followed(client_for, clerk_a, guest, event):
    _customer, invitation = guest
    with time_machine.travel(ON_THE_DAY):
        response = client_for(clerk_a).post(check_in_url(invitation), {"next": "https://evil.example/"})
    assert response.url == event.get_absolute_url()


def test_the_panel_costs_one_query_however_many_events(client_for, clerk_a, guest, store_a, manager_a):
    customer, _invitation = guest

    def queries() -> int:
        with time_machine.travel(ON_THE_DAY):
            client = client_for(clerk_a)
            url = client.get(reverse("customers:sale"), {"customer": customer.pk}).url
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
        return len(ctx.captured_queries)

    one = queries()
    for hour in (10, 16, 19):
        other = MemberEvent.objects.create(
            name=f"会员日{hour}", kind="member_day", store=store_a, starts_at=STARTS.replace(hour=hour), capacity=5
        )
        Invitation.objects.create(event=other, customer=customer, rsvp=Rsvp.MAYBE)
    assert queries() == one
