"""A clerk logs in on a tablet, serves a new customer at the till and finds the sale on
the customer's profile."""

import pytest

from customers.models import Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_logs_a_purchase_for_a_new_customer(live_server, page, clerk_a):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", "pw-kedang-123")
    page.click("#login-submit")
    page.click("#go-till")

    page.fill("#till-q", "138 0013 8000")
    page.wait_for_selector("text=没有找到")
    page.click("#new-customer-sale")

    page.fill("#id_new-name", "陈静")
    page.fill("#id_new-mobile", "138 0013 8000")
    page.check("#id_new-data_consent")
    page.fill("#id_lines-0-item", "羊毛西装")
    page.fill("#id_lines-0-unit_price", "2980")
    page.click("button[data-add-row=lines]")
    page.fill("#id_lines-1-item", "真丝领带")
    page.fill("#id_lines-1-unit_price", "299")
    page.dblclick("#submit-sale")  # an impatient double tap

    page.wait_for_selector("text=消费已记录")
    assert page.inner_text("#receipt-total") == "¥3279.00"
    page.click("#receipt-customer")

    page.wait_for_selector("#purchases")
    purchases = page.inner_text("#purchases")
    assert "羊毛西装" in purchases and "真丝领带" in purchases and "¥3279.00" in purchases
    page.screenshot(path=str(live_server_screenshot_dir() / "profile-after-sale.png"), full_page=True)
    customer = Customer.objects.get(mobile="+8613800138000")
    assert customer.purchases.count() == 1


def live_server_screenshot_dir():
    from django.conf import settings

    path = settings.VAR_DIR / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
