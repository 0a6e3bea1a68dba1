"""The marketing pages: who reaches what, the approval flow through the pages, the live
count and preview, constant query counts, Chinese."""

import datetime as dt

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from marketing.models import Campaign, CampaignEvent, Segment
from marketing.tests.conftest import SEND_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign_a(make_campaign):
    return make_campaign()


def object_urls(segment, campaign):
    return [
        ("get", reverse("marketing:segment", args=[segment.pk])),
        ("get", reverse("marketing:segment_edit", args=[segment.pk])),
        ("get", reverse("marketing:campaign", args=[campaign.pk])),
        ("get", reverse("marketing:campaign_edit", args=[campaign.pk])),
        ("post", reverse("marketing:campaign_submit", args=[campaign.pk])),
        ("post", reverse("marketing:campaign_cancel", args=[campaign.pk])),
        ("post", reverse("marketing:campaign_approve", args=[campaign.pk])),
        ("post", reverse("marketing:campaign_reject", args=[campaign.pk])),
        ("post", reverse("marketing:campaign_send_back", args=[campaign.pk])),
        ("get", reverse("marketing:campaign_export", args=[campaign.pk])),
    ]


def test_another_stores_manager_gets_404_on_every_segment_and_campaign_of_store_a(
    client_for, manager_b, segment_a, campaign_a
):
    client = client_for(manager_b)
    for method, url in object_urls(segment_a, campaign_a):
        if "approve" in url or "reject" in url or "send-back" in url:
            continue  # head office only: 403 before the fetch
        assert getattr(client, method)(url).status_code == 404, url
    campaign_a.refresh_from_db()
    assert campaign_a.status == "draft"


def test_a_clerk_gets_403_everywhere_in_marketing(client_for, clerk_a, segment_a, campaign_a):
    client = client_for(clerk_a)
    lists = [
        ("get", reverse("marketing:campaigns")),
        ("get", reverse("marketing:segments")),
        ("get", reverse("marketing:segment_create")),
        ("get", reverse("marketing:campaign_create")),
        ("get", reverse("marketing:segment_count")),
        ("post", reverse("marketing:campaign_preview")),
    ]
    for method, url in lists + object_urls(segment_a, campaign_a):
        assert getattr(client, method)(url).status_code == 403, url


def test_a_manager_cannot_approve_reject_or_send_back(client_for, manager_a, campaign_a):
    client = client_for(manager_a)
    client.post(reverse("marketing:campaign_submit", args=[campaign_a.pk]))
    for name in ("campaign_approve", "campaign_reject", "campaign_send_back"):
        assert client.post(reverse(f"marketing:{name}", args=[campaign_a.pk]), {"reason": "x"}).status_code == 403
    campaign_a.refresh_from_db()
    assert campaign_a.status == "submitted"


def test_a_supervisor_reads_but_cannot_create_or_edit(client_for, supervisor, segment_a, campaign_a):
    client = client_for(supervisor)
    assert client.get(reverse("marketing:campaign", args=[campaign_a.pk])).status_code == 200
    assert client.get(reverse("marketing:segment", args=[segment_a.pk])).status_code == 200
    assert client.get(reverse("marketing:campaign_create")).status_code == 403
    assert client.get(reverse("marketing:segment_edit", args=[segment_a.pk])).status_code == 403
    assert client.post(reverse("marketing:campaign_submit", args=[campaign_a.pk])).status_code == 403


def test_a_chain_wide_segment_is_head_offices_only(client_for, manager_a, head_office):
    chain = Segment.objects.create(name="全国金卡", filters={"tiers": ["A"]}, created_by=head_office)
    assert client_for(manager_a).get(reverse("marketing:segment", args=[chain.pk])).status_code == 404
    assert client_for(head_office).get(reverse("marketing:segment", args=[chain.pk])).status_code == 200


def test_a_manager_drafts_submits_and_head_office_approves_through_the_pages(
    client_for, manager_a, head_office, segment_a, store_a
):
    CustomerFactory(home_store=store_a)
    manager = client_for(manager_a)
    response = manager.post(
        reverse("marketing:campaign_create"),
        {
            "name": "会员日",
            "segment": segment_a.pk,
            "body": "{name}您好，本周六会员日全场九折。",
            "send_at": "2026-11-03T10:00",
            "priority_days": 0,
            "holdout_percent": 10,
        },
    )
    campaign = Campaign.objects.get(name="会员日")
    assert response.status_code == 302
    assert campaign.store == store_a and campaign.status == "draft"
    manager.post(reverse("marketing:campaign_submit", args=[campaign.pk]))
    hq = client_for(head_office)
    page = hq.get(reverse("marketing:campaign", args=[campaign.pk])).content.decode()
    assert "等待审批" in page and "批准" in page
    hq.post(reverse("marketing:campaign_approve", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "approved" and campaign.approved_by == head_office
    actions = list(CampaignEvent.objects.filter(campaign=campaign).values_list("action", "actor__username"))
    assert actions == [("created", "manager_a"), ("submitted", "manager_a"), ("approved", "hq")]
    assert campaign.recipients.count() == 1


def test_sending_back_needs_a_reason_and_lets_the_manager_edit_again(client_for, manager_a, head_office, campaign_a):
    client_for(manager_a).post(reverse("marketing:campaign_submit", args=[campaign_a.pk]))
    hq = client_for(head_office)
    hq.post(reverse("marketing:campaign_send_back", args=[campaign_a.pk]), {"reason": ""})
    campaign_a.refresh_from_db()
    assert campaign_a.status == "submitted"
    hq.post(reverse("marketing:campaign_send_back", args=[campaign_a.pk]), {"reason": "请写明活动日期"})
    campaign_a.refresh_from_db()
    assert campaign_a.status == "changes"
    assert client_for(manager_a).get(reverse("marketing:campaign_edit", args=[campaign_a.pk])).status_code == 200
    assert campaign_a.events.get(action="sent_back").note == "请写明活动日期"


def test_a_rejected_campaign_cannot_be_edited_or_approved(client_for, manager_a, head_office, campaign_a):
    client_for(manager_a).post(reverse("marketing:campaign_submit", args=[campaign_a.pk]))
    hq = client_for(head_office)
    hq.post(reverse("marketing:campaign_reject", args=[campaign_a.pk]), {"reason": "与总部活动冲突"})
    response = hq.post(reverse("marketing:campaign_approve", args=[campaign_a.pk]), follow=True)
    assert "不能再" in response.content.decode()
    campaign_a.refresh_from_db()
    assert campaign_a.status == "rejected"
    edit = client_for(manager_a).get(reverse("marketing:campaign_edit", args=[campaign_a.pk]), follow=True)
    assert "只有草稿" in edit.content.decode()


def test_an_unknown_placeholder_is_a_form_error(client_for, manager_a, segment_a):
    response = client_for(manager_a).post(
        reverse("marketing:campaign_create"),
        {
            "name": "x",
            "segment": segment_a.pk,
            "body": "{gift_hint}来店",
            "send_at": "2026-11-03T10:00",
            "priority_days": 0,
            "holdout_percent": 10,
        },
    )
    assert response.status_code == 200
    assert "未知的占位符" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_manager_cannot_use_another_stores_segment(client_for, manager_a, store_b, manager_b):
    theirs = Segment.objects.create(name="湖滨店", store=store_b, created_by=manager_b)
    response = client_for(manager_a).post(
        reverse("marketing:campaign_create"),
        {
            "name": "x",
            "segment": theirs.pk,
            "body": "你好",
            "send_at": "2026-11-03T10:00",
            "priority_days": 0,
            "holdout_percent": 10,
        },
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_the_preview_counts_characters_sms_parts_and_cost(client_for, manager_a, settings):
    settings.KEDANG_SMS_PRICE_PER_PART = __import__("decimal").Decimal("0.05")
    body = "{name}您好，" + "新" * 70
    page = client_for(manager_a).post(reverse("marketing:campaign_preview"), {"body": body}).content.decode()
    # 王女士您好， (6) + 70 + 回复TD退订 (6) = 82 characters: two 70-character parts.
    assert "82 个字" in page and "2 条短信" in page and "¥0.10" in page


def test_the_live_count_follows_the_filters(client_for, manager_a, store_a, store_b):
    CustomerFactory(home_store=store_a, tier="A")
    CustomerFactory(home_store=store_a, tier="C")
    CustomerFactory(home_store=store_b, tier="A")
    client = client_for(manager_a)
    assert 'id="live-count">2<' in client.get(reverse("marketing:segment_count")).content.decode()
    page = client.get(reverse("marketing:segment_count"), {"tiers": "A"}).content.decode()
    assert 'id="live-count">1<' in page


@pytest.mark.parametrize("value", ["\x00", "²", "１２", "99999999999999999999999", "-1", "2026-13-45", "<script>"])
def test_hostile_filter_values_are_form_errors_not_500s(client_for, manager_a, head_office, value):
    for user in (manager_a, head_office):
        client = client_for(user)
        for field in ("birthday_month", "spend_min", "last_from", "tiers", "stores", "rfm"):
            response = client.get(reverse("marketing:segment_count"), {field: value})
            assert response.status_code == 200, (field, value)
        response = client.post(reverse("marketing:campaign_preview"), {"body": value})
        assert response.status_code in (200, 400)


def test_a_manager_saves_a_segment_for_their_own_store(client_for, manager_a, store_a):
    response = client_for(manager_a).post(
        reverse("marketing:segment_create"), {"name": "金卡顾客", "tiers": ["A"], "birthday_month": "11"}
    )
    segment = Segment.objects.get()
    assert response.status_code == 302
    assert segment.store == store_a
    assert segment.filters == {"tiers": ["A"], "birthday_month": 11}


def test_the_lists_and_campaign_page_take_a_constant_number_of_queries(
    client_for, head_office, make_campaign, segment_a, django_assert_max_num_queries
):
    from marketing import campaigns

    for i in range(3):
        campaigns.approve(make_campaign(name=f"c{i}", created_by=head_office), by=head_office)
    client = client_for(head_office)
    counts = {}
    for url in (reverse("marketing:campaigns"), reverse("marketing:segments")):
        with django_assert_max_num_queries(12) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    for i in range(10):
        make_campaign(name=f"more{i}")
        Segment.objects.create(name=f"s{i}", store=segment_a.store, created_by=head_office)
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            client.get(url)
    campaign = Campaign.objects.filter(status="approved").first()
    with django_assert_max_num_queries(25):
        page = client.get(reverse("marketing:campaign", args=[campaign.pk]))
    assert "效果" in page.content.decode()


def test_the_results_export_is_a_workbook_and_is_audited(client_for, head_office, make_campaign):
    from crm.models import AuditEvent
    from marketing import campaigns

    campaign = campaigns.approve(make_campaign(created_by=head_office), by=head_office)
    response = client_for(head_office).get(reverse("marketing:campaign_export", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(actor=head_office, action__contains="export").exists()


def test_the_campaign_page_reads_in_chinese(client_for, manager_a, campaign_a):
    page = client_for(manager_a).get(reverse("marketing:campaign", args=[campaign_a.pk])).content.decode()
    for english in ("Draft", "Send at", "Segment", "Control group", "Submit"):
        assert english not in page
    assert "草稿" in page and "提交直营部" in page


def test_send_at_is_shown_in_store_time(client_for, manager_a, make_campaign):
    campaign = make_campaign(send_at=SEND_AT + dt.timedelta(hours=1))
    page = client_for(manager_a).get(reverse("marketing:campaign", args=[campaign.pk])).content.decode()
    assert "2026-11-03 11:00" in page


def test_the_campaign_segment_and_event_pages_cost_the_same_for_3_or_40_customers(
    client_for, head_office, make_campaign, segment_a, store_a, django_assert_max_num_queries
):
    from marketing import campaigns
    from marketing.models import MemberEvent

    event = MemberEvent.objects.create(name="会员日", kind="member_day", store=store_a, starts_at=SEND_AT, capacity=50)
    client = client_for(head_office)
    pages = [reverse("marketing:segment", args=[segment_a.pk]), reverse("marketing:events"), event.get_absolute_url()]

    def counts(campaign) -> list[int]:
        found = []
        for url in [campaign.get_absolute_url(), *pages]:
            with django_assert_max_num_queries(30) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    for _i in range(3):
        CustomerFactory(home_store=store_a)
    few = counts(campaigns.approve(make_campaign(created_by=head_office), by=head_office))
    for _i in range(37):
        CustomerFactory(home_store=store_a)
    for i in range(5):
        MemberEvent.objects.create(name=f"活动{i}", kind="talk", store=store_a, starts_at=SEND_AT, capacity=5)
    many = counts(campaigns.approve(make_campaign(name="更多", created_by=head_office), by=head_office))
    assert many == few, (few, many)


def test_a_segment_exports_its_customers_audited_for_managers_and_head_office_only(
    client_for, manager_a, manager_b, clerk_a, supervisor, head_office, segment_a, store_a, store_b
):
    import io

    import openpyxl

    from crm.models import AuditEvent
    from crm.xlsx import EXPORT_ACTION

    CustomerFactory(home_store=store_a, name="甲顾客")
    CustomerFactory(home_store=store_b, name="乙顾客")
    url = reverse("marketing:segment_export", args=[segment_a.pk])
    response = client_for(manager_a).get(url)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert [r[0] for r in rows[1:]] == ["甲顾客"]
    assert AuditEvent.objects.get(action=EXPORT_ACTION, detail__what="marketing.segment").detail["rows"] == 1
    assert client_for(head_office).get(url).status_code == 200
    assert client_for(manager_b).get(url).status_code == 404
    assert client_for(clerk_a).get(url).status_code == 403
    assert client_for(supervisor).get(url).status_code == 403
