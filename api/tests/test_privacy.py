from api import privacy, webhooks
from api.models import PosImport, WebhookDelivery
from crm import hooks
from loyalty.services import adjust_points


def test_erasure_sends_the_event_and_removes_the_card_number_and_points_differences(
    settings, head_office, customer_a, store_a
):
    settings.KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    webhooks.create_endpoint(
        url="http://127.0.0.1:8193/hook", events=["tier.changed", "customer.erased"], by=head_office
    )
    customer_a.card_number = "B2026000001"
    customer_a.save()
    from loyalty.services import set_tier_by_hand

    set_tier_by_hand(customer_a, "B", by=head_office, reason="test")
    assert WebhookDelivery.objects.get(event="tier.changed").payload["card_number"] == "B2026000001"
    pos = PosImport.objects.create(
        store=store_a,
        sales_day="2026-11-19",
        original_name="x.xlsx",
        status="done",
        differences=[{"row": 2, "member_id": customer_a.pk, "masked_name": "王*", "card_number": "B2026000001"}],
    )

    privacy.customer_erased(customer_a)

    erased = WebhookDelivery.objects.get(event="customer.erased")
    assert erased.payload == {"member_id": customer_a.pk}
    assert WebhookDelivery.objects.get(event="tier.changed").payload["card_number"] is None
    pos.refresh_from_db()
    assert pos.differences == [] and not pos.report


def test_erasure_and_the_customers_copy_are_wired():
    assert privacy.customer_erased in hooks.functions("customer_erased")
    assert privacy.customer_data in hooks.functions("customer_data")


def test_an_erasure_through_the_rights_service_sends_the_event(settings, head_office, customer_a):
    from customers.privacy import rights

    settings.KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    webhooks.create_endpoint(url="http://127.0.0.1:8193/hook", events=["customer.erased"], by=head_office)
    rights.erase(customer_a, by=head_office, reason="test")
    assert WebhookDelivery.objects.get(event="customer.erased").payload == {"member_id": customer_a.pk}


def test_points_events_carry_no_name_or_mobile(settings, head_office, customer_a):
    settings.KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    webhooks.create_endpoint(url="http://127.0.0.1:8193/hook", events=["points.changed"], by=head_office)
    adjust_points(customer_a, 5, reason="x", by=head_office, key="k")
    body = webhooks.body_of(WebhookDelivery.objects.get()).decode()
    assert "王芳" not in body and "13900000001" not in body
