"""The quick till: Enter on an exact match, the sale's token, the live total."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer, Purchase
from customers.tests.test_till import SALE, sale_post

OPEN = reverse("customers:till_open")
QUOTE = reverse("customers:sale_quote")


def quote_post(lines):
    data = {"lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0"}
    for i, (item, price, qty) in enumerate(lines):
        data.update({f"lines-{i}-item": item, f"lines-{i}-unit_price": price, f"lines-{i}-quantity": str(qty)})
    return data


def test_it_opens_the_sale_on_enter_with_an_exact_mobile(client_for, clerk_a, customer_a):
    response = client_for(clerk_a).post(OPEN, {"q": "139 0000 0001"})
    assert response.status_code == 302
    assert f"customer={customer_a.pk}" in response.url and "&t=" in response.url
    assert "13900000001" not in response.url


def test_it_opens_the_sale_on_enter_with_a_card_number(client_for, clerk_a, customer_a):
    Customer.objects.filter(pk=customer_a.pk).update(card_number="C-S001-0042")
    response = client_for(clerk_a).post(OPEN, {"q": "c-s001-0042"})
    assert response.status_code == 302 and f"customer={customer_a.pk}" in response.url


def test_it_lists_the_matches_when_enter_is_not_an_exact_match(client_for, clerk_a, customer_a):
    response = client_for(clerk_a).post(OPEN, {"q": "王"})
    assert response.status_code == 200
    assert customer_a.name in response.content.decode()


def test_it_does_not_open_another_stores_customer_on_enter(client_for, clerk_b, customer_a):
    response = client_for(clerk_b).post(OPEN, {"q": "139 0000 0001"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "王芳" not in body and "其他门店" in body


@pytest.mark.parametrize("junk", ["\x00", "１３９", "9" * 500, ""])
def test_it_takes_junk_in_the_till_search_without_error(client_for, clerk_a, junk):
    assert client_for(clerk_a).post(OPEN, {"q": junk}).status_code == 200


def test_it_gives_each_new_sale_page_a_token_in_its_address(client_for, clerk_a, customer_a):
    client = client_for(clerk_a)
    first = client.get(SALE, {"customer": customer_a.pk})
    second = client.get(SALE, {"customer": customer_a.pk})
    assert first.status_code == 302 and "t=" in first.url and first.url != second.url
    page = client.get(first.url)
    token = first.url.split("t=")[1]
    assert page.context["form"]["idempotency_key"].value() == token


def test_it_records_nothing_when_a_consumed_token_is_submitted_again(client_for, clerk_a, customer_a):
    client = client_for(clerk_a)
    url = client.get(SALE, {"customer": customer_a.pk}).url
    token = url.split("t=")[1]
    client.post(url, sale_post(key=token))
    # Back: the page says so; submitting again (the lines gone) shows the same sale.
    again = client.get(url)
    assert "已经记录" in again.content.decode()
    response = client.post(url, sale_post(key=token, lines=[]), follow=True)
    assert "这笔消费已经记录过" in response.content.decode()
    assert Purchase.objects.filter(customer=customer_a).count() == 1


def test_it_focuses_the_first_item_and_puts_the_customer_first(client_for, clerk_a, customer_a):
    body = client_for(clerk_a).get(SALE, {"customer": customer_a.pk}, follow=True).content.decode()
    assert 'id="id_lines-0-item"' in body
    item = body[body.index('name="lines-0-item"') - 400 : body.index('name="lines-0-item"')]
    assert "autofocus" in item
    assert body.index('id="till-customer"') < body.index('id="lines-rows"')


def test_it_quotes_the_silver_discount_and_the_points(client_for, clerk_a, customer_a):
    from loyalty.benefits import ensure_matrix

    ensure_matrix()
    Customer.objects.filter(pk=customer_a.pk).update(tier="B")
    response = client_for(clerk_a).post(f"{QUOTE}?customer={customer_a.pk}", quote_post([("西装", "1980", 1)]))
    quote = response.context["quote"]
    assert quote.subtotal == Decimal("1980.00") and quote.discount == Decimal("99.00")
    assert quote.total == Decimal("1881.00") and quote.preview["points"] == 1881
    body = response.content.decode()
    assert "¥1881.00" in body and "+1881" in body and "金卡" in body
    assert not Purchase.objects.exists()


def test_it_quotes_the_same_total_the_sale_records(client_for, clerk_a, customer_a):
    from loyalty.benefits import ensure_matrix

    ensure_matrix()
    Customer.objects.filter(pk=customer_a.pk).update(tier="A")
    client = client_for(clerk_a)
    lines = [("西装", "2980.55", 1), ("领带", "299.99", 3)]
    quote = client.post(f"{QUOTE}?customer={customer_a.pk}", quote_post(lines)).context["quote"]
    client.post(f"{SALE}?customer={customer_a.pk}", sale_post(lines=lines))
    purchase = Purchase.objects.get()
    assert (purchase.subtotal, purchase.discount_amount, purchase.total) == (
        quote.subtotal,
        quote.discount,
        quote.total,
    )


def test_it_tells_when_the_sale_qualifies_for_a_card(client_for, clerk_a, customer_a):
    response = client_for(clerk_a).post(f"{QUOTE}?customer={customer_a.pk}", quote_post([("大衣", "1500", 1)]))
    assert response.context["quote"].preview["qualifies_for"] == "银卡"
    assert "银卡" in response.content.decode()


def test_it_quotes_a_new_customers_first_sale_and_skips_half_typed_lines(client_for, clerk_a):
    data = quote_post([("衬衫", "399", 1), ("", "", 1), ("领带", "abc", 1)])
    quote = client_for(clerk_a).post(f"{QUOTE}?new=1", data).context["quote"]
    assert quote.total == Decimal("399.00") and quote.lines == 1 and quote.preview["points"] == 399


def test_it_quotes_an_anonymous_sale_without_points(client_for, clerk_a):
    response = client_for(clerk_a).post(QUOTE, quote_post([("衬衫", "399", 2)]))
    assert response.context["quote"].total == Decimal("798.00") and "quote-points" not in response.content.decode()


def test_it_gives_404_for_a_quote_for_another_stores_customer(client_for, clerk_b, customer_a):
    assert client_for(clerk_b).post(f"{QUOTE}?customer={customer_a.pk}", quote_post([])).status_code == 404


def test_it_keeps_supervisors_and_head_office_out_of_the_quote(client_for, supervisor, head_office):
    assert client_for(supervisor).post(QUOTE, quote_post([])).status_code == 403
    assert client_for(head_office).post(OPEN, {"q": "x"}).status_code == 403


def test_it_quotes_in_few_queries_however_many_lines(client_for, clerk_a, customer_a, django_assert_max_num_queries):
    client = client_for(clerk_a)
    lines = [("衬衫", "399", 1)] * 40
    client.post(f"{QUOTE}?customer={customer_a.pk}", quote_post(lines[:1]))
    with django_assert_max_num_queries(12):
        client.post(f"{QUOTE}?customer={customer_a.pk}", quote_post(lines))
