"""The benefits matrix drives marketing: a new-arrival or promotion notice goes first to the
tiers its row names, and the holiday gift list holds the tiers the holiday-gifts row names."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from crm.models import AuditEvent
from crm.xlsx import EXPORT_ACTION
from customers.tests.factories import CustomerFactory
from loyalty.benefits import ensure_matrix
from loyalty.models import BenefitKind, TierBenefit
from marketing import campaigns
from marketing.models import NoticeKind
from marketing.tests.conftest import SEND_AT
from marketing.tests.test_sending import approved, sent_to

pytestmark = pytest.mark.django_db
GIFTS = reverse("marketing:holiday_gifts")
EXPORT = reverse("marketing:holiday_gifts_export")


@pytest.fixture(autouse=True)
def matrix(db):
    ensure_matrix()


def give(benefit: str, tiers: str) -> None:
    TierBenefit.objects.filter(benefit=benefit).update(enabled=False)
    TierBenefit.objects.filter(benefit=benefit, tier__in=list(tiers)).update(enabled=True)


@pytest.fixture
def one_of_each(store_a):
    return {tier: CustomerFactory(home_store=store_a, tier=tier, name=f"{tier}级顾客") for tier in "ABC"}


@pytest.mark.parametrize(
    "notice, row, first",
    [
        (NoticeKind.NEW_ARRIVALS, "AB", "AB"),
        (NoticeKind.PROMOTIONS, "A", "A"),
        (NoticeKind.NEW_ARRIVALS, "ABC", "ABC"),  # the seed's row: every member hears first
        (NoticeKind.OTHER, "A", "AB"),  # not a row of the matrix: gold and silver first
    ],
)
def test_a_notice_goes_first_to_the_tiers_its_row_of_the_matrix_names(
    make_campaign, one_of_each, head_office, notice, row, first
):
    give(notice or BenefitKind.NEW_ARRIVALS, row)
    campaign = approved(make_campaign(notice=notice, priority_days=2), head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    assert sent_to(campaign) == {one_of_each[t].pk for t in first}
    campaigns.queue_due(SEND_AT + dt.timedelta(days=2, minutes=5))
    assert sent_to(campaign) == {c.pk for c in one_of_each.values()}


def test_the_campaign_page_names_the_tiers_that_hear_first(client_for, make_campaign, manager_a):
    give(BenefitKind.PROMOTIONS, "A")
    campaign = make_campaign(notice=NoticeKind.PROMOTIONS, priority_days=3)
    body = client_for(manager_a).get(campaign.get_absolute_url()).content.decode()
    priority = body.split('id="campaign-priority">')[1].split("</span>")[0]
    assert "金卡" in priority and "银卡" not in priority and "3" in priority


def test_the_holiday_gift_list_holds_the_tiers_the_matrix_gives_gifts_to(
    client_for, manager_a, one_of_each, customer_b
):
    response = client_for(manager_a).get(GIFTS)
    names = [c.name for c in response.context["page"]]
    assert names == ["A级顾客", "B级顾客"]  # the seed's row: gold and silver; not another store's
    give(BenefitKind.HOLIDAY_GIFTS, "A")
    assert [c.name for c in client_for(manager_a).get(GIFTS).context["page"]] == ["A级顾客"]


def test_head_office_sees_every_store_and_can_pick_one(client_for, head_office, one_of_each, store_b, customer_b):
    customer_b.tier = "B"
    customer_b.save()
    everyone = client_for(head_office).get(GIFTS).context["page"]
    only_b = client_for(head_office).get(GIFTS, {"store": store_b.pk}).context["page"]
    assert {c.name for c in everyone} == {"A级顾客", "B级顾客", customer_b.name}
    assert [c.name for c in only_b] == [customer_b.name]


def test_the_export_is_the_list_with_full_numbers_and_is_recorded(client_for, manager_a, one_of_each):
    response = client_for(manager_a).get(EXPORT)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("门店", "顾客", "等级")
    assert [r[1] for r in rows[1:]] == ["A级顾客", "B级顾客"]
    event = AuditEvent.objects.get(action=EXPORT_ACTION, detail__what="marketing.holiday_gifts")
    assert event.actor == manager_a and event.detail["rows"] == 2


def test_who_may_see_and_export_the_list(client_for, clerk_a, supervisor, manager_b, one_of_each, store_a):
    assert client_for(clerk_a).get(GIFTS).status_code == 403
    assert client_for(clerk_a).get(EXPORT).status_code == 403
    assert client_for(supervisor).get(GIFTS).status_code == 200
    assert client_for(supervisor).get(EXPORT).status_code == 403
    # Another store's manager: their own (empty) list, even when asking for store A.
    other = client_for(manager_b).get(GIFTS, {"store": store_a.pk})
    assert other.status_code == 200 and list(other.context["page"]) == []


@pytest.mark.parametrize("junk", ["x", "99999999999999999999999", "\x00", "-1"])
def test_odd_parameters_are_not_a_500(client_for, manager_a, junk):
    assert client_for(manager_a).get(GIFTS, {"store": junk, "page": junk}).status_code in (200, 400)


def test_the_list_takes_the_same_queries_for_3_or_40_customers(
    client_for, manager_a, store_a, django_assert_max_num_queries
):
    client = client_for(manager_a)
    for _i in range(3):
        CustomerFactory(home_store=store_a, tier="A")
    client.get(GIFTS)
    with django_assert_max_num_queries(12) as few:
        client.get(GIFTS)
    for _i in range(37):
        CustomerFactory(home_store=store_a, tier="B")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(GIFTS).context["page"]) == 40
