"""No placeholder, empty bracket or raw ``{…}`` reaches a page or an SMS, and no SMS
carries the opt-out line twice: every default script and template, each placeholder
present, empty and missing."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from followups.models import CadenceRule, MessageTemplate
from followups.services.messages import PLACEHOLDERS, SAMPLE_CONTEXT, render, sms_text, with_opt_out_line
from followups.services.plans import schedule_callback

pytestmark = pytest.mark.django_db

EMPTY_BRACKETS = re.compile(r"[（(【\[「《]\s*[）)】\]」》]")


def texts():
    scripts = [r.script for r in CadenceRule.objects.exclude(script="")]
    bodies = [t.body for t in MessageTemplate.objects.all()]
    assert scripts and bodies  # the defaults of the data migration
    return scripts, bodies


def assert_clean(text: str) -> None:
    assert "{" not in text and "}" not in text, text
    assert not EMPTY_BRACKETS.search(text), text


def contexts():
    yield "all present", dict(SAMPLE_CONTEXT)
    for key in PLACEHOLDERS:
        yield f"{key} missing", {k: v for k, v in SAMPLE_CONTEXT.items() if k != key}
        yield f"{key} empty", {**SAMPLE_CONTEXT, key: ""}
    yield "nothing", {}


def test_it_renders_every_script_and_template_with_each_value_present_or_missing():
    scripts, bodies = texts()
    for _label, context in contexts():
        for text in scripts + bodies:
            assert_clean(render(text, context))
        for body in bodies:
            sent = sms_text(body, context)
            assert_clean(sent)
            assert sent.count("退订") == 1, sent


def test_it_fills_the_values_it_has():
    assert render("{name}您好，积分{points}分", SAMPLE_CONTEXT) == "王女士您好，积分3280分"


@pytest.mark.parametrize(
    "body",
    ["新品到店（{gift_hint}）", "新品【{next_gift}】", "您好{unknown}。", "括号 { 未配对", "格式{points:.2f}"],
)
def test_it_drops_unknown_placeholders_stray_braces_and_empty_brackets(body):
    assert_clean(render(body, {"gift_hint": "", "next_gift": None}))


@pytest.mark.parametrize("ending", ["回复TD退订", "回复TD退订。", "回复TD退订！", "回复 TD 退订。——南京西路店"])
def test_it_adds_no_second_opt_out_line(ending, settings):
    settings.KEDANG_SMS_OPT_OUT_LINE = "回复TD退订"
    assert with_opt_out_line(f"王女士您好。{ending}").count("退订") == 1


def test_it_adds_the_opt_out_line_once_when_missing():
    assert with_opt_out_line("王女士您好。").endswith(settings.KEDANG_SMS_OPT_OUT_LINE)


def test_the_task_page_and_the_worklist_show_no_placeholder(client_for, clerk_a, customer_a, store_a):
    personal = CadenceRule.objects.filter(script__contains="{gift_hint}").first().script
    task = schedule_callback(
        customer_a,
        purpose="个人关怀",
        due_date=timezone.localdate(),
        assignee=clerk_a,
        store=store_a,
        note=personal,
        key="t:ph",
    )
    client = client_for(clerk_a)
    for url in (reverse("followups:task", args=[task.pk]), reverse("followups:today")):
        body = client.get(url).content.decode()
        assert "介绍新品到店" in body
        assert "{gift_hint}" not in body and "（）" not in body
