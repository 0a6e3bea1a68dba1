import pytest
from django.urls import reverse

from followups.models import CadenceRule, Holiday, MessageTemplate

pytestmark = pytest.mark.django_db

HEAD_OFFICE_PAGES = ["followups:rules", "followups:rule_new", "followups:template_new", "followups:holidays"]


@pytest.mark.parametrize("name", HEAD_OFFICE_PAGES)
def test_only_head_office_configures_cadence_and_messages(client_for, head_office, clerk_a, manager_a, name):
    assert client_for(head_office).get(reverse(name)).status_code == 200
    assert client_for(clerk_a).get(reverse(name)).status_code == 403
    assert client_for(manager_a).get(reverse(name)).status_code == 403


def test_head_office_changes_a_step_of_the_cadence(client_for, head_office):
    rule = CadenceRule.objects.get(tier="C", day_offset=10)
    response = client_for(head_office).post(
        reverse("followups:rule_edit", args=[rule.pk]),
        {"tier": "C", "day_offset": 14, "channel": "call", "purpose": "洗后回访", "script": "问候", "is_active": "on"},
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.day_offset, rule.purpose) == (14, "洗后回访")


def test_the_template_preview_fills_the_placeholders(client_for, head_office):
    response = client_for(head_office).post(reverse("followups:template_preview"), {"body": "{name}，积分{points}分"})

    assert "王女士，积分3280分回复TD退订" in response.content.decode()


def test_a_template_page_shows_its_preview(client_for, head_office):
    template = MessageTemplate.objects.get(code="birthday")
    page = client_for(head_office).get(reverse("followups:template_edit", args=[template.pk])).content.decode()

    assert "王女士，南京西路店全体同事祝您生日快乐" in page


def test_head_office_adds_its_own_holiday(client_for, head_office):
    client_for(head_office).post(
        reverse("followups:holidays"), {"name": "店庆", "date": "2025-08-08", "body": "店庆快乐", "is_active": "on"}
    )

    assert Holiday.objects.get().name == "店庆"


def test_the_outbox_is_for_managers_and_scoped_to_their_store(client_for, manager_a, clerk_a):
    assert client_for(manager_a).get(reverse("followups:outbox")).status_code == 200
    assert client_for(clerk_a).get(reverse("followups:outbox")).status_code == 403
