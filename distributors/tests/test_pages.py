"""The pages an account manager works with: opening an account, filling the file,
moving it on the board, the dashboard and its lists; query counts that do not grow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from distributors.models import (
    Communication,
    DealerAccount,
    Grade,
    Payment,
    PaymentPlan,
    PickUp,
    Shipment,
    Status,
    StockReport,
)
from distributors.tests.factories import make_account

SECTION_DATA = {
    "person": {"role": "owner", "name": "陈建国", "personality": "稳重", "hobbies": "钓鱼", "phone": "0512-6666"},
    "brand": {"brand": "雅戈尔", "share": "35.5"},
    "outlet": {"kind": "counter", "brand": "", "count": "6", "yearly_revenue": "1200000", "best_sellers": "衬衫"},
    "logistics": {"name": "德邦物流", "price": "0.8元/公斤", "turnaround_days": "2", "reputation": "4"},
    "visit": {"planned_on": "2026-03-10", "prepared_needs": "春季新品"},
    "negotiation": {"held_on": "2026-03-20", "cooperation_model": "区域独家代理"},
    "contract": {"key_terms": "独家代理", "starts_on": "2026-04-01", "ends_on": "2027-03-31", "remind_days": "60"},
    "communication": {"at": "2026-03-21T10:00", "channel": "phone", "points": "确认首批订单"},
    "progress": {"on": "2026-03-21", "action": "报价", "next_step": "签合同"},
    "plan": {"month": "2026-04-01", "amount": "50000", "due_on": "2026-04-30"},
    "payment": {"received_on": "2026-04-20", "amount": "30000"},
    "pickup": {"on": "2026-04-02", "product_line": "西装", "quantity": "120", "amount": "96000"},
    "shipment": {"dispatched_on": "2026-04-03", "carrier": "顺丰", "tracking_number": "SF123"},
    "stock": {"on": "2026-04-30", "product_line": "西装", "on_hand": "80", "sold": "40"},
}


def test_an_account_manager_opens_an_account_and_fills_every_part_of_the_file(client_for, am_a):
    client = client_for(am_a)
    response = client.post(
        reverse("distributors:create"),
        {
            "company": "无锡锦程服饰",
            "contact_name": "陈建国",
            "account_manager": am_a.pk,
            "status": "intent",
            "grade": "soon",
        },
    )
    account = DealerAccount.objects.get(customer__company="无锡锦程服饰")
    assert response.status_code == 302 and (account.status, account.grade) == (Status.INTENT, Grade.SOON)
    for section, data in SECTION_DATA.items():
        url = reverse("distributors:add", args=[account.pk, section])
        assert client.get(url).status_code == 200
        response = client.post(url, data)
        assert response.status_code == 302, (section, response.content.decode()[:3000])
    page = client.get(reverse("distributors:detail", args=[account.pk])).content.decode()
    for text in ("陈建国", "钓鱼", "雅戈尔", "德邦物流", "区域独家代理", "确认首批订单", "SF123", "33%"):
        assert text in page, text
    # a second plan for the same month is a form error, not a crash
    again = client.post(reverse("distributors:add", args=[account.pk, "plan"]), SECTION_DATA["plan"])
    assert again.status_code == 200 and PaymentPlan.objects.filter(account=account).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "1e400", "received_on": "2026-04-20"},
        {"amount": "１２", "received_on": "2026-4-31"},
        {"amount": "12\x00", "received_on": "2026-04-20"},
        {"amount": "²", "received_on": "x"},
        {"amount": "99999999999999999999999", "received_on": "2026-04-20"},
    ],
)
def test_bad_values_are_form_errors(client_for, am_a, account_a, data):
    response = client_for(am_a).post(reverse("distributors:add", args=[account_a.pk, "payment"]), data)
    assert response.status_code == 200
    assert not Payment.objects.filter(account=account_a).exists()


def test_unknown_sections_are_404(client_for, am_a, account_a):
    assert client_for(am_a).get(reverse("distributors:add", args=[account_a.pk, "nothing"])).status_code == 404


def test_one_click_moves_on_the_board(client_for, am_a, account_a):
    client = client_for(am_a)
    board = client.get(reverse("distributors:board")).content.decode()
    assert "苏州恒达服饰" in board
    response = client.post(reverse("distributors:move", args=[account_a.pk]), {"to": "intent:soon", "next": "board"})
    assert response.status_code == 302 and response["Location"] == reverse("distributors:board")
    account_a.refresh_from_db()
    assert (account_a.status, account_a.grade) == (Status.INTENT, Grade.SOON)
    refused = client.post(reverse("distributors:move", args=[account_a.pk]), {"to": "ended:"}, follow=True)
    assert "客户当前状态不能进行此变更" in refused.content.decode()


def _fill(am, n):
    for i in range(n):
        account = make_account(am, company=f"经销商{n}-{i}", status=Status.EXISTING, grade=Grade.QUALIFIED)
        DealerAccount.objects.filter(pk=account.pk).update(value_class="major")
        PaymentPlan.objects.create(account=account, month=dt.date(2026, 1, 1), amount=100, due_on=dt.date(2026, 1, 31))
        Payment.objects.create(account=account, received_on=dt.date(2026, 1, 2), amount=Decimal("40"))
        PickUp.objects.create(account=account, on=dt.date.today(), product_line="西装", quantity=3, amount=300)
        Shipment.objects.create(account=account, dispatched_on=dt.date.today(), carrier="顺丰")
        Communication.objects.create(account=account, at="2026-01-05T10:00+08:00", channel="phone", points="电话")
        StockReport.objects.create(account=account, on=dt.date(2026, 1, 5), product_line="西装", on_hand=1, sold=1)


@pytest.mark.parametrize(
    "name",
    [
        "distributors:board",
        "distributors:dashboard",
        "distributors:payments",
        "distributors:list",
        "distributors:contracts",
    ],
)
def test_the_board_and_dashboards_take_the_same_queries_for_3_or_30_accounts(
    client_for, django_assert_max_num_queries, sales_manager, am_a, name
):
    client = client_for(sales_manager)
    _fill(am_a, 3)
    with django_assert_max_num_queries(14) as small:
        assert client.get(reverse(name)).status_code == 200
    first = len(small)
    _fill(am_a, 27)
    with django_assert_max_num_queries(first):
        page = client.get(reverse(name))
    assert page.status_code == 200


def test_the_file_takes_the_same_queries_however_long_it_is(client_for, django_assert_max_num_queries, am_a, account_a):
    client = client_for(am_a)
    url = reverse("distributors:detail", args=[account_a.pk])
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    first = len(small)  # read now: each request clears the connection's query log
    for _n in range(10):
        for section, data in SECTION_DATA.items():
            if section in ("plan", "stock"):
                continue
            client.post(reverse("distributors:add", args=[account_a.pk, section]), data)
    with django_assert_max_num_queries(first):
        assert client.get(url).status_code == 200


def test_the_dashboard_figures_link_to_their_lists(client_for, am_a):
    _fill(am_a, 2)
    page = client_for(am_a).get(reverse("distributors:dashboard")).content.decode()
    assert f"{reverse('distributors:payments')}?state=overdue" in page
    assert f"{reverse('distributors:list')}?status=existing&amp;value_class=major" in page
    assert reverse("distributors:pick_ups") + "?month=" in page
    overdue = client_for(am_a).get(reverse("distributors:payments"), {"state": "overdue"}).content.decode()
    assert overdue.count("经销商2-") == 2 and "60.00" in overdue
    for bad in ({"state": "x\x00"}, {"month": "２０２６-13"}, {"page": "9" * 40}):
        for name in ("distributors:payments", "distributors:pick_ups", "distributors:list"):
            # A junk parameter is refused (400, crm.params) or dropped, never a 500.
            assert client_for(am_a).get(reverse(name), bad).status_code in (200, 400)


def test_head_office_edits_the_rhythm(client_for, head_office):
    from distributors.models import ServiceRhythm

    client = client_for(head_office)
    rhythms = list(ServiceRhythm.objects.order_by("pk"))
    data = {"form-TOTAL_FORMS": "4", "form-INITIAL_FORMS": "4"}
    for i, rhythm in enumerate(rhythms):
        data.update(
            {
                f"form-{i}-id": rhythm.pk,
                f"form-{i}-contact_every_days": "3" if i == 0 else rhythm.contact_every_days,
                f"form-{i}-review_every_months": rhythm.review_every_months,
            }
        )
    assert client.post(reverse("distributors:rhythm"), data).status_code == 302
    assert ServiceRhythm.objects.get(value_class="important").contact_every_days == 3
    data["form-0-contact_every_days"] = "0"
    assert client.post(reverse("distributors:rhythm"), data).status_code == 200


def test_the_sales_manager_gives_an_account_to_another_account_manager_of_the_team(
    client_for, sales_manager, am_a, am_b, account_a
):
    from crm.models import StaffProfile
    from distributors.models import AccountChange

    am_c = type(am_a).objects.create(username="am_c")
    StaffProfile.objects.create(user=am_c, role="account_manager", sales_manager=sales_manager)
    url = reverse("distributors:reassign", args=[account_a.pk])
    assert client_for(am_a).post(url, {"account_manager": am_c.pk}).status_code == 403
    client_for(sales_manager).post(url, {"account_manager": am_b.pk})  # not of the team
    account_a.refresh_from_db()
    assert account_a.account_manager == am_a
    client_for(sales_manager).post(url, {"account_manager": am_c.pk, "reason": "区域调整"})
    account_a.refresh_from_db()
    assert account_a.account_manager == am_c
    change = AccountChange.objects.get(account=account_a, kind="manager")
    assert (change.old_value, change.new_value, change.by, change.reason) == ("am_a", "am_c", sales_manager, "区域调整")
    assert client_for(am_a).get(reverse("distributors:detail", args=[account_a.pk])).status_code == 404


def test_a_pick_up_gets_the_policy_in_force_on_its_day(client_for, am_a, account_a):
    from distributors.models import PickUpPolicy

    old = PickUpPolicy.objects.create(
        name="2025政策", terms="返点1%", valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 12, 31)
    )
    new = PickUpPolicy.objects.create(name="2026政策", terms="返点2%", valid_from=dt.date(2026, 1, 1))
    url = reverse("distributors:add", args=[account_a.pk, "pickup"])
    client_for(am_a).post(url, {"on": "2025-06-01", "product_line": "西装", "quantity": "5", "amount": "4000"})
    client_for(am_a).post(url, {"on": "2026-06-01", "product_line": "西装", "quantity": "5", "amount": "4000"})
    assert list(PickUp.objects.order_by("on").values_list("policy", flat=True)) == [old.pk, new.pk]


def test_a_shipment_cannot_arrive_before_it_left_and_bad_dates_are_refused(client_for, am_a, account_a):
    shipment = Shipment.objects.create(account=account_a, dispatched_on=dt.date(2026, 3, 5), carrier="顺丰")
    url = reverse("distributors:shipment_arrived", args=[account_a.pk, shipment.pk])
    for bad in ("2026-03-04", "2026-02-30", "\x00", "９" * 30):
        assert client_for(am_a).post(url, {"arrived_on": bad}).status_code == 302
    shipment.refresh_from_db()
    assert shipment.arrived_on is None
    client_for(am_a).post(url, {"arrived_on": "2026-03-07"})
    shipment.refresh_from_db()
    assert shipment.arrived_on == dt.date(2026, 3, 7)
    form = reverse("distributors:add", args=[account_a.pk, "shipment"])
    data = {"dispatched_on": "2026-03-05", "carrier": "顺丰", "arrived_on": "2026-03-01"}
    assert client_for(am_a).post(form, data).status_code == 200


def test_contracts_waiting_for_review_and_ending_soon_are_counted_and_listed(client_for, am_a, account_a, account_b):
    from django.utils import timezone

    from distributors.models import Contract

    today = timezone.localdate()
    year = dt.timedelta(days=365)
    Contract.objects.create(
        account=account_a, number="A-1", key_terms="x", starts_on=today, ends_on=today + year, status="in_review"
    )
    Contract.objects.create(
        account=account_a,
        number="A-2",
        key_terms="x",
        starts_on=today - year,
        ends_on=today + dt.timedelta(days=30),
        status="signed",
    )
    Contract.objects.create(
        account=account_b, number="B-1", key_terms="x", starts_on=today, ends_on=today + year, status="in_review"
    )
    client = client_for(am_a)
    page = client.get(reverse("distributors:dashboard")).content.decode()
    assert "等待总部审核: 1" in page and "90天内到期: 1" in page
    in_review = client.get(reverse("distributors:contracts"), {"status": "in_review"}).content.decode()
    assert "A-1" in in_review and "A-2" not in in_review and "B-1" not in in_review
    ending = client.get(reverse("distributors:contracts"), {"ending": "on"}).content.decode()
    assert "A-2" in ending and "A-1" not in ending


def test_the_file_heads_the_dealers_trade_经营情况_and_the_customer_page_calls_it_a_business(
    client_for, head_office, account_a
):
    client = client_for(head_office)

    file = client.get(reverse("distributors:detail", args=[account_a.pk])).content.decode()
    customer = client.get(reverse("customers:detail", args=[account_a.customer.pk])).content.decode()

    assert '<h2 class="h5">经营情况</h2>' in file
    assert '<span class="badge bg-info">企业</span>' in customer
