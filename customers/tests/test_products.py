"""The chain's product list: head office keeps it, the till finds products in it."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from customers.products.models import Product
from customers.products.services import find_for_till, import_products, quick_picks

LOOKUP = reverse("products:till_lookup")


@pytest.fixture
def suit(db):
    return Product.objects.create(
        sku="WS-01", barcode="6901234567892", name="羊毛西装", category="西装", size="50", list_price=Decimal("1980")
    )


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("products.xlsx", data.getvalue())


def test_it_finds_a_product_by_its_scanned_barcode(client_for, clerk_a, suit):
    found = client_for(clerk_a).get(LOOKUP, {"q": "6901234567892"}).json()["products"]
    assert found == [{"item": "羊毛西装", "unit_price": "1980.00", "category": "西装", "size": "50", "colour": ""}]


def test_it_finds_products_by_part_of_the_name_or_the_sku(suit):
    Product.objects.create(sku="WS-02", name="羊毛大衣", list_price=Decimal("2980"))
    assert [p.sku for p in find_for_till("羊毛")] == ["WS-02", "WS-01"]
    assert [p.sku for p in find_for_till("ws-01")] == ["WS-01"]


def test_it_leaves_products_no_longer_on_sale_out(suit):
    Product.objects.filter(pk=suit.pk).update(is_active=False)
    assert find_for_till("6901234567892") == []


@pytest.mark.parametrize("junk", ["\x00", "", "x" * 5000])
def test_it_answers_junk_lookups_with_nothing(client_for, clerk_a, junk):
    response = client_for(clerk_a).get(LOOKUP, {"q": junk})
    assert response.status_code == 200 and response.json()["products"] == []


def test_it_offers_the_stores_most_sold_products_as_quick_picks(suit, store_a, customer_a):
    from customers.tests.factories import buy

    tie = Product.objects.create(sku="TIE", name="真丝领带", list_price=Decimal("299"))
    for _ in range(2):
        buy(customer_a, "299", item="真丝领带")
    buy(customer_a, "1980", item="羊毛西装")
    assert quick_picks(store_a)[:2] == [tie, suit]


def test_head_office_adds_and_edits_a_product(client_for, head_office):
    client = client_for(head_office)
    data = {"sku": "SH-9", "barcode": "123", "name": "衬衫", "list_price": "399", "is_active": "on"}
    assert client.post(reverse("products:create"), data).status_code == 302
    product = Product.objects.get(sku="SH-9")
    client.post(reverse("products:edit", args=[product.pk]), {**data, "list_price": "459"})
    product.refresh_from_db()
    assert product.list_price == Decimal("459.00") and product.updated_by == head_office
    assert "衬衫" in client.get(reverse("products:list"), {"q": "衬"}).content.decode()


def test_it_refuses_a_barcode_that_belongs_to_another_product(client_for, head_office, suit):
    data = {"sku": "X", "barcode": suit.barcode, "name": "x", "list_price": "1"}
    response = client_for(head_office).post(reverse("products:create"), data)
    assert "该条码已属于另一件商品" in response.content.decode() and Product.objects.count() == 1


def test_head_office_imports_a_product_list(client_for, head_office, suit):
    rows = [
        ("货号", "条码", "名称", "类别", "尺码", "颜色", "售价"),
        ("WS-01", "6901234567892", "羊毛西装", "西装", "50", "藏青", 2080),
        ("TIE-1", 6901234500001, "真丝领带", "配饰", "", "红", "299.00"),
        ("", "", "无货号", "", "", "", 1),
        ("BAD", "", "价格错", "", "", "", "abc"),
    ]
    response = client_for(head_office).post(reverse("products:import"), {"file": workbook(rows)})
    result = response.context["result"]
    assert (result.created, result.updated) == (1, 1)
    assert [n for n, _reason in result.rejected] == [4, 5]
    assert Product.objects.get(sku="TIE-1").barcode == "6901234500001"
    assert Product.objects.get(sku="WS-01").list_price == Decimal("2080.00")
    assert "售价不是数字" in response.content.decode()


def test_it_refuses_a_file_that_is_not_a_workbook(client_for, head_office):
    bad = SimpleUploadedFile("products.xlsx", b"not a workbook")
    response = client_for(head_office).post(reverse("products:import"), {"file": bad})
    assert "不是 Excel" in response.content.decode()


def test_it_refuses_a_sheet_without_the_needed_columns(suit):
    from customers.products.services import ProductFileError

    with pytest.raises(ProductFileError):
        import_products([("名称",), ("x",)], by=None)


def test_it_keeps_the_product_list_to_head_office(client_for, clerk_a, manager_a, supervisor):
    for user in (clerk_a, manager_a, supervisor):
        client = client_for(user)
        assert client.get(reverse("products:list")).status_code == 403
        assert client.post(reverse("products:import"), {}).status_code == 403


def test_it_keeps_the_till_lookup_to_the_till(client_for, supervisor, head_office):
    assert client_for(supervisor).get(LOOKUP, {"q": "x"}).status_code == 403
    assert client_for(head_office).get(LOOKUP, {"q": "x"}).status_code == 403


def test_it_lists_products_in_few_queries(client_for, head_office, django_assert_max_num_queries):
    Product.objects.bulk_create(Product(sku=f"P{i}", name=f"商品{i}", list_price=Decimal(i)) for i in range(60))
    client = client_for(head_office)
    client.get(reverse("products:list"))
    with django_assert_max_num_queries(10):
        client.get(reverse("products:list"))
