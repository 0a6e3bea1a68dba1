from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import buy
from loyalty.models import BenefitKind, Gift, RuleVersion, TierBenefit

pytestmark = pytest.mark.django_db


def rules_data(**overrides):
    data = {
        "b_single": "1500",
        "b_cumulative": "5000",
        "b_window": "",
        "a_single": "3000",
        "a_cumulative": "12000",
        "a_window": "182",
        "note": "年度调整",
    }
    data.update(overrides)
    return data


def test_head_office_edits_the_rules_as_a_new_version(client_for, head_office):
    client_for(head_office).post(reverse("loyalty:rules"), rules_data())
    version = RuleVersion.current()
    assert version.number == 2
    assert version.rule_for("A").cumulative_threshold == Decimal("12000")
    assert RuleVersion.objects.get(number=1).rule_for("A").cumulative_threshold == Decimal("10000")


def test_it_refuses_gold_below_silver(client_for, head_office):
    page = client_for(head_office).post(reverse("loyalty:rules"), rules_data(a_single="1000"))
    assert page.status_code == 200
    assert RuleVersion.objects.count() == 1


def test_head_office_adds_a_gift_and_everyone_sees_it(client_for, head_office, clerk_a):
    client_for(head_office).post(
        reverse("loyalty:gift_create"), {"name": "保温杯", "points_price": 800, "stock": 20, "is_active": "on"}
    )
    assert Gift.objects.get(name="保温杯").stock == 20
    assert "保温杯" in client_for(clerk_a).get(reverse("loyalty:gifts")).content.decode()


def test_head_office_edits_the_discount_in_the_benefits_matrix(client_for, head_office, customer_a, clerk_a):
    client = client_for(head_office)
    page = client.get(reverse("loyalty:benefits"))
    data = {name: field.value() for name, field in page.context["form"].fields.items() if False}
    form = page.context["form"]
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data["discount-C-enabled"] = "on"
    data["discount-C-rate"] = "2.5"
    client.post(reverse("loyalty:benefits"), data)
    cell = TierBenefit.objects.get(benefit=BenefitKind.DISCOUNT, tier="C")
    assert cell.enabled and cell.rate == Decimal("0.0250")
    assert TierBenefit.objects.get(benefit=BenefitKind.DISCOUNT, tier="A").rate == Decimal("0.1000")
    purchase = buy(customer_a, "1000", clerk=clerk_a)
    assert purchase.total == Decimal("975.00")


def test_everyone_may_read_the_benefits(client_for, clerk_a):
    page = client_for(clerk_a).get(reverse("loyalty:benefits"))
    assert page.status_code == 200 and not page.context["editable"]
