import pytest
from django.core.exceptions import ImproperlyConfigured

from crm import hooks


def test_it_refuses_to_register_for_an_undeclared_point():
    with pytest.raises(hooks.UnknownPoint):
        hooks.register("discount_rates", lambda customer: None)


@pytest.mark.parametrize("call", [hooks.first, hooks.panels, hooks.functions, hooks.each])
def test_it_refuses_to_call_an_undeclared_point(call):
    with pytest.raises(hooks.UnknownPoint):
        call("discount_rat")


def test_it_refuses_a_provider_that_cannot_take_the_declared_arguments():
    with pytest.raises(ImproperlyConfigured, match="customer_panels"):
        hooks.register("customer_panels", lambda request: None)


def test_an_ordered_point_needs_an_explicit_distinct_order():
    with hooks.override("purchase_recorded"):
        with pytest.raises(ImproperlyConfigured, match="order=N"):
            hooks.register("purchase_recorded", lambda purchase: None)
        hooks.register("purchase_recorded", lambda purchase: None, order=1)
        with pytest.raises(ImproperlyConfigured, match="order=1"):
            hooks.register("purchase_recorded", lambda purchase: None, order=1)


def test_purchase_recorded_runs_loyalty_before_followups_whatever_the_app_order():
    modules = [fn.__module__ for fn in hooks.functions("purchase_recorded")]
    assert modules == ["loyalty.services", "followups.services.plans"]


def test_providers_run_by_order_then_registration():
    calls = []
    with hooks.override("seed_demo"):
        hooks.register("seed_demo", lambda **kw: calls.append("late"), order=200)
        hooks.register("seed_demo", lambda **kw: calls.append("first"))
        hooks.register("seed_demo", lambda **kw: calls.append("second"))
        hooks.each("seed_demo", rng=None, today=None, stores={}, staff={}, customers=[])
    assert calls == ["first", "second", "late"]


def test_override_replaces_the_providers_for_the_block_only():
    before = hooks.functions("discount_rate")
    with hooks.override("discount_rate", lambda customer: 0.5):
        assert hooks.first("discount_rate", None) == 0.5
    assert hooks.functions("discount_rate") == before


def test_every_point_is_listed_in_the_architecture_doc(settings):
    text = (settings.BASE_DIR / "docs" / "architecture.md").read_text()
    missing = [p.name for p in hooks.points() if f"| `{p.name}(" not in text]
    assert missing == []
