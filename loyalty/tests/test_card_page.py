"""The printable card: its number as a barcode the till search accepts."""

import pytest
from django.urls import reverse

from customers.tests.factories import buy
from loyalty import services
from loyalty.barcodes import code128_svg
from loyalty.models import CardApplication

pytestmark = pytest.mark.django_db


def test_it_prints_the_temporary_card_with_its_barcode(client_for, customer_a, clerk_a):
    buy(customer_a, "300", clerk=clerk_a)
    customer_a.refresh_from_db()
    body = client_for(clerk_a).get(reverse("loyalty:card", args=[customer_a.pk])).content.decode()
    assert f'id="card-number">{customer_a.card_number}<' in body
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body and "临时积分卡" in body
    assert "王芳" not in body.split('id="member-card"')[1]  # the name is masked on the card
    assert "style=" not in code128_svg(customer_a.card_number)  # renders under a strict CSP


def test_the_till_opens_the_sale_from_the_scanned_card(client_for, customer_a, clerk_a):
    buy(customer_a, "300", clerk=clerk_a)
    customer_a.refresh_from_db()
    response = client_for(clerk_a).post(reverse("customers:till_open"), {"q": customer_a.card_number})
    assert response.status_code == 302 and f"customer={customer_a.pk}" in response.url


def test_it_draws_a_barcode_with_bars_for_every_number():
    svg = code128_svg("C2026000001")
    assert svg.count("<rect") > 20 and 'aria-label="C2026000001"' in svg


def test_another_stores_staff_get_404(client_for, customer_a, clerk_b, manager_b):
    for user in (clerk_b, manager_b):
        assert client_for(user).get(reverse("loyalty:card", args=[customer_a.pk])).status_code == 404


def test_the_relatives_phone_is_masked_on_screen(client_for, customer_a, clerk_a, manager_a):
    buy(customer_a, "1600", clerk=clerk_a)
    application = CardApplication.objects.get(customer=customer_a)
    services.enter_application(application, relative_name="王强", relative_phone="13900000009", by=clerk_a)
    client = client_for(manager_a)
    for url in (reverse("loyalty:application", args=[application.pk]), reverse("loyalty:register")):
        body = client.get(url).content.decode()
        assert "139****0009" in body and "13900000009" not in body
