import pytest
from django.core.exceptions import ValidationError

from customers.validators import mask_id_number, normalise_id_number, normalise_mobile


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "008613812345678", "１３８１２３４５６７８"],
)
def test_it_normalises_the_ways_clerks_type_a_mobile(typed):
    assert normalise_mobile(typed) == "+8613812345678"


@pytest.mark.parametrize("typed", ["12345", "1381234567", "23812345678", "021-62880001", "abc"])
def test_it_refuses_what_is_not_a_mainland_mobile(typed):
    with pytest.raises(ValidationError):
        normalise_mobile(typed)


def test_it_accepts_a_real_id_number_with_x():
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1101051949123100", "invalid_length"),
        ("110105194902300021", "invalid_birth"),
        ("110105194912310022", "invalid_checksum"),
    ],
)
def test_it_says_what_is_wrong_with_an_id_number(typed, code):
    with pytest.raises(ValidationError) as error:
        normalise_id_number(typed)
    assert error.value.code == code


def test_it_masks_all_but_the_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110***********002X"
