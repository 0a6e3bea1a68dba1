"""Typed query and POST parameters: how a view reads a value that is not a form.

``int(request.GET["page"])`` after an ``isdigit()`` check is how 500s happen: ``"²"``
passes ``isdigit()`` and fails ``int()``, full-width ``"１２"`` passes both, a NUL byte
breaks PostgreSQL, and ``99999999999999999999999`` overflows a bigint. Each helper here
returns a clean value, the default for an empty or missing parameter, or raises
``BadParameter``, which Django answers with a 400 (``crm.views.bad_request`` renders it
in the user's language and names the parameter).

    page = int_param(request.GET, "page", default=1, min=1)
    store_id = id_param(request.GET, "store")
    day = date_param(request.GET, "from")
    show = choice_param(request.GET, "show", ["active", "all"], default="active")
    q = text_param(request.GET, "q")

Forms stay the tool for anything with several fields and error messages; these are for
the one-off filter, page number or id in a link.
"""

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import BadRequest
from django.utils.http import url_has_allowed_host_and_scheme

BIGINT_MAX = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)


class BadParameter(BadRequest):
    """A query or POST parameter that does not parse; Django answers 400."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _raw(data, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or "\x00" in value:
        raise BadParameter(name)
    return value.strip()


def text_param(data, name: str, default: str = "", max_length: int = 200) -> str:
    """Stripped text without NUL bytes, at most ``max_length`` characters."""
    value = _raw(data, name)
    if len(value) > max_length:
        raise BadParameter(name)
    return value or default


def int_param(data, name: str, default: int | None = None, *, min: int = -BIGINT_MAX, max: int = BIGINT_MAX):
    """A whole number in ASCII digits within [min, max] (a bigint by default)."""
    value = _raw(data, name)
    if value == "":
        return default
    if len(value) > 20 or not _INTEGER.fullmatch(value):
        raise BadParameter(name)
    number = int(value)
    if not min <= number <= max:
        raise BadParameter(name)
    return number


def as_id(text: str) -> int | None:
    """``text`` as a primary key if it is one (``"#12"`` typed in a search box), else None."""
    if _INTEGER.fullmatch(text) and len(text) <= 19 and 0 < int(text) <= BIGINT_MAX:
        return int(text)
    return None


def id_param(data, name: str, default: int | None = None) -> int | None:
    """A primary key: a positive bigint, or ``default`` when empty."""
    return int_param(data, name, default, min=1)


def page_param(data, name: str = "page") -> int:
    """A page number (1 when missing)."""
    return int_param(data, name, 1, min=1, max=10**6)


def ids_param(data, name: str) -> list[int]:
    """Every value of a repeated parameter (``?id=1&id=2``) as primary keys."""
    return [id_param({name: value}, name) for value in data.getlist(name) if value.strip()]


def date_param(data, name: str, default: dt.date | None = None) -> dt.date | None:
    """A calendar day written YYYY-MM-DD."""
    value = _raw(data, name)
    if value == "":
        return default
    match = _DATE.fullmatch(value)
    if not match:
        raise BadParameter(name)
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise BadParameter(name) from None


def choice_param(data, name: str, choices: Iterable[str], default: str | None = None) -> str | None:
    """One of ``choices``, or ``default`` when empty."""
    value = _raw(data, name)
    if value == "":
        return default
    if value not in set(choices):
        raise BadParameter(name)
    return value


def flag_param(data, name: str) -> bool | None:
    """``1`` is True, ``0`` is False, empty is None."""
    value = choice_param(data, name, ["0", "1"])
    return None if value is None else value == "1"


def filter_values(data, exclude=("page",)) -> dict[str, str]:
    """Every parameter as text, for an audit record of the filters an export used."""
    values = {}
    for name in data:
        if name in exclude:
            continue
        if "\x00" in name or len(name) > 50:
            raise BadParameter(name[:50].replace("\x00", ""))
        values[name] = text_param(data, name)
    return values


def next_url(request, default: str | None = None) -> str | None:
    """The ``next`` parameter (POST, then GET) if it is a path on this site, else ``default``."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    if not value.startswith("/") or any(ord(ch) < 32 for ch in value):
        return default
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return value
