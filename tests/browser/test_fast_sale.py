"""An ordinary sale to a known silver customer on a 768-px tablet: mobile and Enter, a
scanned barcode, the discounted total and points before saving, back to the till; then
Back and a second submit, which records nothing."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import Purchase
from customers.products.models import Product
from customers.tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_it_records_one_ordinary_sale_with_enter_and_a_scanned_barcode(live_server, page, clerk_a, store_a):
    from loyalty.benefits import ensure_matrix

    ensure_matrix()  # the transactional test database starts without migrations' data
    customer = CustomerFactory(name="李娜", mobile="+8613900000077", home_store=store_a, tier="B")
    Product.objects.create(sku="WS-01", barcode="6901234567892", name="羊毛西装", list_price=Decimal("1980.00"))

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", "pw-kedang-123")
    page.click("#login-submit")
    page.goto(f"{live_server.url}/till/")

    page.fill("#till-q", "139 0000 0077")
    page.press("#till-q", "Enter")
    page.wait_for_selector("#till-customer")
    assert "李娜" in page.inner_text("#till-customer")
    assert focused_id(page) == "id_lines-0-item"
    # On the tablet the customer card is above the lines.
    card = page.locator("#till-customer").bounding_box()
    lines = page.locator("#lines-rows").bounding_box()
    assert card["y"] + card["height"] <= lines["y"]

    page.keyboard.type("6901234567892")  # the scanner: digits, then Enter
    page.keyboard.press("Enter")
    # expect() polls from Python: a wait_for_function string would be eval'd, which the CSP refuses.
    expect(page.locator("#id_lines-0-unit_price")).to_have_value("1980.00")
    assert page.input_value("#id_lines-0-item") == "羊毛西装"
    assert focused_id(page) == "id_lines-1-item"

    page.wait_for_selector("#quote-total:has-text('¥1881.00')")
    assert "¥99.00" in page.inner_text("#quote-discount")
    assert page.inner_text("#quote-points") == "+1881"
    assert "金卡" in page.inner_text("#quote-next")
    assert Purchase.objects.count() == 0

    page.click("#submit-sale")
    page.wait_for_selector("text=消费已记录")
    assert page.inner_text("#receipt-total") == "¥1881.00"
    page.click("#next-customer")
    page.wait_for_selector("#till-q")
    assert page.input_value("#till-q") == "" and focused_id(page) == "till-q"

    page.go_back()  # the receipt
    page.go_back()  # the sale form
    page.wait_for_selector("#submit-sale")
    page.click("#submit-sale")
    page.wait_for_selector("text=这笔消费已经记录过")
    assert Purchase.objects.filter(customer=customer).count() == 1
    assert Purchase.objects.count() == 1
