"""The importer's quick reading of mobile numbers gives exactly what the validator gives."""

import pytest
from django.core.exceptions import ValidationError

from customers import validators
from customers.importing import values


def _either(normalise, raw):
    try:
        return normalise(raw)
    except ValidationError as error:
        return ("error", error.messages)


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "１３８１２３４５６７８",
        "+86 138 1234 5678",
        "+8613812345678",
        "008613812345678",
        "8613812345678",
        "086-13812345678",
        "12345678901",
        "17912345678",
        "17406123456",
        "17405123456",
        "16101234567",
        "16201234567",
        "1381234567",
        "138123456789",
        "+85291234567",
        "+1 415 555 0100",
        "010 8888 6666",
        "\u0661\u0663\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
        "138１２３４５６７８",
        "not a number",
        "+86+13812345678",
    ],
)
def test_it_reads_each_form_of_a_mobile_as_the_validator_does(raw):
    assert _either(values.normalise_mobile, raw) == _either(validators.normalise_mobile, raw)


def test_it_agrees_with_the_validator_on_every_mobile_prefix():
    # phonenumbers tells mainland mobiles apart by their first five digits at most.
    for prefix in range(10000, 20000):
        raw = f"{prefix}{prefix * 7919 % 1_000_000:06d}"
        assert _either(values.normalise_mobile, raw) == _either(validators.normalise_mobile, raw), raw
