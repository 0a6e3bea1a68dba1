"""Reading one cell of a hand-kept sheet: text, dates, amounts and the shop's words.

Each parser returns the normalised value or raises ``CellError`` with a message for the
report. Blank cells are ``None`` / ``""`` and never an error here: whether a column is
required is the row's business (see ``rows.py``).
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel
from phonenumbers.phonemetadata import PhoneMetadata

from crm.xlsx import FORMULA_STARTS
from customers import validators
from customers.models import Gender, Tier
from customers.validators import normalise_digits

CENT = Decimal("0.01")


class CellError(ValueError):
    pass


def text(value) -> str:
    """A cell as text. Whole numbers typed as numbers (mobiles, card numbers) lose the
    ``.0`` Excel gives them; the apostrophe our export puts before formula-like text is
    taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    result = str(value).strip()
    if len(result) > 1 and result[0] == "'" and result[1] in FORMULA_STARTS:
        result = result[1:]
    return result


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME = re.compile(r"(\d{1,2})\s*[:：时時点點]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?")
# Excel serial day numbers between 1920 and 2099.
_SERIAL_RANGE = (7306, 73050)


def _from_serial(number: float) -> dt.datetime:
    if not (_SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]):
        raise CellError(_("“%(value)s” is not a date.") % {"value": number})
    return from_excel(number)


def _split_date(raw: str) -> tuple[dt.date, str]:
    cleaned = normalise_digits(raw)
    match = _DATE.match(cleaned) or _COMPACT_DATE.match(cleaned)
    if not match:
        raise CellError(
            _("“%(value)s” is not a date we can read: write it as 1990-03-15, 1990/3/15 or 1990年3月15日.")
            % {"value": raw}
        )
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": raw})
    return day, cleaned[match.end() :].strip()


def parse_date(value, *, earliest: int = 1900) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, int) and 19000101 <= value <= 20991231:
            day, _rest = _split_date(str(value))
        else:
            day = _from_serial(value).date()
    else:
        day, _rest = _split_date(str(value))
    if day.year < earliest or day > timezone.localdate() + dt.timedelta(days=1):
        raise CellError(_("The date %(value)s is out of range.") % {"value": day.isoformat()})
    return day


def parse_datetime(value) -> dt.datetime | None:
    """A purchase time: a date with or without a time of day, in the store's time zone."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_serial(value)
    else:
        day, rest = _split_date(str(value))
        moment = dt.datetime.combine(day, dt.time())
        if rest:
            match = _TIME.search(rest)
            if not match:
                raise CellError(_("“%(value)s” has a time we cannot read.") % {"value": value})
            try:
                moment = moment.replace(
                    hour=int(match.group(1)), minute=int(match.group(2)), second=int(match.group(3) or 0)
                )
            except ValueError:
                raise CellError(_("“%(value)s” has a time we cannot read.") % {"value": value})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment.replace(microsecond=0))
    if moment.year < 1990 or moment > timezone.now() + dt.timedelta(days=1):
        raise CellError(_("The time %(value)s is out of range.") % {"value": value})
    return moment


_MONEY_NOISE = re.compile(r"[\s,，¥￥元]|rmb|cny", re.IGNORECASE)


def parse_decimal(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not an amount.") % {"value": value})
    raw = str(value) if isinstance(value, int | float | Decimal) else _MONEY_NOISE.sub("", normalise_digits(value))
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not an amount.") % {"value": value})
    if not amount.is_finite():
        raise CellError(_("“%(value)s” is not an amount.") % {"value": value})
    if amount < 0:
        raise CellError(_("The amount %(value)s is negative.") % {"value": value})
    if amount >= Decimal("1e12"):
        raise CellError(_("The amount %(value)s is too large.") % {"value": value})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_count(value) -> int | None:
    amount = parse_decimal(value)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise CellError(_("“%(value)s” should be a whole number.") % {"value": value})
    if amount > 2_000_000_000:
        raise CellError(_("The number %(value)s is too large.") % {"value": value})
    return int(amount)


_GENDERS = {
    Gender.MALE: ("男", "男士", "先生", "m", "male", "man"),
    Gender.FEMALE: ("女", "女士", "小姐", "f", "female", "woman"),
}
_TIERS = {
    Tier.A: ("a", "金卡", "金", "gold", "gold card", "a类", "a類", "a卡"),
    Tier.B: ("b", "银卡", "銀卡", "银", "銀", "silver", "silver card", "b类", "b類", "b卡"),
    Tier.C: (
        ("c", "临时积分卡", "臨時積分卡", "积分卡", "積分卡", "临时卡", "臨時卡", "普通", "c类", "c類", "c卡")
        + ("temporary", "temporary points card", "points card")
    ),
}
_YES = ("是", "开", "開", "开启", "開啟", "已开启", "已開啟", "开通", "開通", "y", "yes", "on", "true", "1", "√", "✓")
_NO = ("否", "关", "關", "关闭", "關閉", "未开启", "未開啟", "未开通", "未開通", "n", "no", "off", "false", "0")
_OPT_OUT = ("退订", "退訂", "已退订", "已退訂", "td", "opted out", "unsubscribed")


_UNKNOWN = object()


def _words(table: dict) -> dict[str, object]:
    """word (lower case, no spaces) -> value; a value's own code counts as a word too.
    The first value that has a word keeps it."""
    words: dict[str, object] = {}
    for result, names in table.items():
        for name in names:
            words.setdefault(name.replace(" ", ""), result)
        words.setdefault(str(result).lower(), result)
    return words


def _lookup(value, words: dict[str, object]):
    """The value ``value`` names in ``words``, None for a blank cell, else ``_UNKNOWN``."""
    word = text(value).lower().replace(" ", "")
    if not word:
        return None
    return words.get(word, _UNKNOWN)


# The tables include the labels in the active language, so they are built once per language.
@lru_cache(maxsize=16)
def _gender_words(language: str | None) -> dict[str, object]:
    label_m, label_f = str(Gender.MALE.label), str(Gender.FEMALE.label)
    return _words(
        {Gender.MALE: (*_GENDERS[Gender.MALE], label_m.lower()), Gender.FEMALE: (*_GENDERS[Gender.FEMALE], label_f)}
    )


@lru_cache(maxsize=16)
def _tier_words(language: str | None) -> dict[str, object]:
    return _words({tier: (*words, str(tier.label).lower()) for tier, words in _TIERS.items()})


_MESSAGING_WORDS = _words({"yes": _YES, "no": _NO, "opted_out": _OPT_OUT})


def parse_gender(value) -> str:
    result = _lookup(value, _gender_words(translation.get_language()))
    if result is _UNKNOWN:
        raise CellError(_("“%(value)s” is not a gender: write 男 or 女.") % {"value": text(value)})
    return result or ""


def parse_tier(value) -> str | None:
    result = _lookup(value, _tier_words(translation.get_language()))
    if result is _UNKNOWN:
        raise CellError(_("“%(value)s” is not a tier: write A (gold), B (silver) or C.") % {"value": text(value)})
    return result


_CONSENT_WORDS = _words({"yes": ("同意", "已同意", "签字", "簽字", "已签", "已簽", *_YES), "no": ("不同意", *_NO)})


def parse_consent(value) -> str | None:
    """``"yes"``, ``"no"`` or None for a blank cell."""
    result = _lookup(value, _CONSENT_WORDS)
    if result is _UNKNOWN:
        raise CellError(_("“%(value)s” is not a consent: write 是 or 否.") % {"value": text(value)})
    return result


def parse_messaging(value) -> str | None:
    """``"yes"``, ``"no"``, ``"opted_out"`` or None for a blank cell."""
    result = _lookup(value, _MESSAGING_WORDS)
    if result is _UNKNOWN:
        raise CellError(_("“%(value)s” is not a messaging status: write 开 or 关.") % {"value": text(value)})
    return result


@lru_cache(maxsize=1)
def _mainland_mobile():
    """The pattern of a mainland mobile number, from phonenumbers' own metadata."""
    return re.compile(PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern)


def normalise_mobile(value: str) -> str:
    """``customers.validators.normalise_mobile``, quicker for the usual case.

    Nearly every mobile in a store's file is 11 mainland digits, perhaps with +86/0086,
    spaces or full-width digits. Such a number that matches phonenumbers' own pattern for
    a mainland mobile is valid and comes out as +86 and the 11 digits, which is what the
    validator gives; parsing it with phonenumbers takes far longer (it is the slowest
    part of checking a row). Anything else goes to the validator, errors included.
    """
    cleaned = "".join(ch for ch in normalise_digits(value) if ch.isdigit() or ch == "+")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    national = cleaned[3:] if cleaned.startswith("+86") else cleaned
    if len(national) == 11 and national.isascii() and _mainland_mobile().fullmatch(national):
        return "+86" + national
    return validators.normalise_mobile(value)
