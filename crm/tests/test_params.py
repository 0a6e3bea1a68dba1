"""Typed parameters: clean values, defaults for empty ones, 400 for anything else."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from crm.params import (
    BadParameter,
    as_id,
    choice_param,
    date_param,
    filter_values,
    flag_param,
    id_param,
    ids_param,
    int_param,
    next_url,
    page_param,
    text_param,
)

HOSTILE_NUMBERS = [
    "²",
    "１２",
    "٣",
    "99999999999999999999999",
    "9223372036854775808",
    "1e3",
    "0x10",
    "1.0",
    "\x00",
    "1\x00",
]


def q(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_it_refuses_anything_but_ascii_digits_in_range_where_a_number_is_expected(value):
    with pytest.raises(BadParameter) as error:
        id_param({"store": value}, "store")
    assert error.value.name == "store"


def test_it_reads_whole_numbers_within_their_bounds():
    assert int_param(q("page=3"), "page") == 3
    assert int_param(q("n=-4"), "n") == -4
    assert id_param(q("store=9223372036854775807"), "store") == 2**63 - 1
    with pytest.raises(BadParameter):
        int_param(q("page=%2B3"), "page")
    with pytest.raises(BadParameter):
        int_param(q("min_age=-1"), "min_age", min=0)
    with pytest.raises(BadParameter):
        id_param(q("store=0"), "store")


def test_an_empty_or_missing_parameter_is_the_default():
    assert int_param(q(""), "page", default=1) == 1
    assert int_param(q("page="), "page", default=1) == 1
    assert int_param(q("page=%20"), "page", default=1) == 1
    assert page_param(q("")) == 1
    assert id_param(q("store="), "store") is None
    assert date_param(q("from="), "from") is None
    assert choice_param(q("show="), "show", ["all"], default="active") == "active"
    assert flag_param(q(""), "new") is None


def test_page_numbers_stop_at_a_million():
    assert page_param(q("page=1000000")) == 10**6
    with pytest.raises(BadParameter):
        page_param(q("page=1000001"))


def test_it_reads_a_list_of_ids_and_refuses_one_bad_id():
    assert ids_param(q("id=1&id=22&id="), "id") == [1, 22]
    with pytest.raises(BadParameter):
        ids_param(q("id=1&id=%C2%B2"), "id")


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "２０２６-01-01", "26-1-1", "2026-01-01\x00", "today"])
def test_it_refuses_days_that_are_not_iso_calendar_days(value):
    with pytest.raises(BadParameter):
        date_param({"from": value}, "from")


def test_it_reads_an_iso_day():
    assert date_param(q("from=2026-02-28"), "from") == dt.date(2026, 2, 28)


def test_text_has_no_nul_and_a_length_limit():
    assert text_param(q("q=%20%E7%8E%8B%E8%8A%B3%20"), "q") == "王芳"
    with pytest.raises(BadParameter):
        text_param(q("q=a%00b"), "q")
    with pytest.raises(BadParameter):
        text_param({"q": "x" * 201}, "q")


def test_choices_and_flags_refuse_junk():
    assert choice_param(q("show=all"), "show", ["all", "open"]) == "all"
    with pytest.raises(BadParameter):
        choice_param(q("show=../"), "show", ["all", "open"])
    assert flag_param(q("new=1"), "new") is True
    assert flag_param(q("new=0"), "new") is False
    with pytest.raises(BadParameter):
        flag_param(q("new=yes"), "new")


def test_a_number_typed_in_a_search_box_is_an_id_only_when_it_is_one():
    assert as_id("12") == 12
    assert as_id("²") is None
    assert as_id("99999999999999999999999") is None
    assert as_id("0") is None


def test_export_filters_are_text_without_nul():
    assert filter_values(q("q=%E7%8E%8B&page=2&tier=A")) == {"q": "王", "tier": "A"}
    with pytest.raises(BadParameter):
        filter_values(q("q=%00"))
    with pytest.raises(BadParameter):
        filter_values(q("a%00b=1"))


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/loyalty/queue/?store=2", "/loyalty/queue/?store=2"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("²", None),
        ("-1", None),
        ("/a\x00b", None),
        ("", None),
    ],
)
def test_next_is_a_path_on_this_site_or_nothing(next_value, expected):
    request = RequestFactory().post("/", {"next": next_value})
    assert next_url(request) == expected


def test_a_bad_parameter_is_a_400_page_in_chinese(client_for, head_office):
    response = client_for(head_office).get("/loyalty/queue/?min_age=%C2%B2")
    assert response.status_code == 400
    page = response.content.decode()
    assert "此链接或表单中有客档无法识别的值" in page and "min_age" in page
