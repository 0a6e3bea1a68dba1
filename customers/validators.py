"""Normalising and checking what clerks type: mobile numbers and ID-card numbers."""

import datetime as dt

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Digits typed on a Chinese IME often come full-width.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋（）－　Ｘｘ", "0123456789+()- Xx")


def normalise_digits(value: str) -> str:
    return (value or "").translate(_FULL_WIDTH).strip()


def normalise_mobile(value: str) -> str:
    """A mainland mobile number in E.164 (+8613812345678), or ValidationError.

    Accepts spaces, dashes, full-width digits, a leading +86/0086/86.
    """
    raw = normalise_digits(value)
    cleaned = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if not cleaned:
        raise ValidationError(_("Enter a mobile number."), code="required")
    try:
        number = phonenumbers.parse(cleaned, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("“%(value)s” is not a mobile number."), code="invalid", params={"value": value})
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("“%(value)s” is not a valid mobile number: a mainland mobile has 11 digits and starts with 1."),
            code="invalid",
            params={"value": value},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_mobile(e164: str) -> str:
    """+8613812345678 -> 138 1234 5678 (foreign numbers keep their international form)."""
    if e164.startswith("+86") and len(e164) == 14:
        n = e164[3:]
        return f"{n[:3]} {n[3:7]} {n[7:]}"
    return e164


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise_id_number(value: str) -> str:
    """An 18-character resident ID number (GB 11643), upper-case X, or ValidationError."""
    number = normalise_digits(value).replace(" ", "").upper()
    if (
        len(number) != 18
        or not number.isascii()
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(
            _("An ID-card number has 18 characters: 17 digits and a last digit or X."), code="invalid_length"
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this ID-card number is not a real date."), code="invalid_birth")
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("The birth date inside this ID-card number is not a real date."), code="invalid_birth")
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        raise ValidationError(
            _("This ID-card number's check digit is wrong: please check it against the card."), code="invalid_checksum"
        )
    return number


def mask_id_number(number: str) -> str:
    return f"{number[:3]}{'*' * 11}{number[-4:]}" if len(number) == 18 else "*" * len(number)
