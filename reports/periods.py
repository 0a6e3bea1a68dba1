"""Date ranges: the dashboards' week / month / any range, and the analysis periods
(calendar quarter, half year, year) the job keeps facts for."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import PeriodKind


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date  # inclusive
    name: str  # week, month, custom

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self) -> str:
        return f"range={self.name}&from={self.start.isoformat()}&to={self.end.isoformat()}"


MAX_RANGE_DAYS = 366 * 2


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def date_range(params, today: dt.date | None = None) -> DateRange:
    """The range asked for in ``params`` (``range=week|month|custom``, ``from``, ``to``).
    A week starts on Monday. A bad or missing custom range falls back to this week."""
    today = today or timezone.localdate()
    name = params.get("range") or "week"
    if name == "month":
        return DateRange(today.replace(day=1), today, "month")
    if name == "custom":
        start, end = _date(params.get("from")), _date(params.get("to"))
        if start and end and start <= end and (end - start).days < MAX_RANGE_DAYS:
            return DateRange(start, end, "custom")
    return DateRange(today - dt.timedelta(days=today.weekday()), today, "week")


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes [start 00:00, the day after end 00:00) in the store time zone."""
    tz = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lower, upper


# --- analysis periods -------------------------------------------------------------------


def period_bounds(kind: str, day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The key, first and last day of the ``kind`` period containing ``day``."""
    year = day.year
    if kind == PeriodKind.QUARTER:
        q = (day.month - 1) // 3
        start = dt.date(year, q * 3 + 1, 1)
        end = (dt.date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1)) - dt.timedelta(days=1)
        return f"{year}Q{q + 1}", start, end
    if kind == PeriodKind.HALF:
        h = (day.month - 1) // 6
        start = dt.date(year, h * 6 + 1, 1)
        end = dt.date(year, 6, 30) if h == 0 else dt.date(year, 12, 31)
        return f"{year}H{h + 1}", start, end
    return str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)


def parse_key(key: str) -> tuple[str, dt.date] | None:
    """(kind, a day inside) for keys like 2025Q3, 2025H1, 2025; None if malformed."""
    try:
        year = int(key[:4])
        if len(key) == 4:
            return PeriodKind.YEAR, dt.date(year, 1, 1)
        if key[4] == "Q" and key[5:] in ("1", "2", "3", "4") and len(key) == 6:
            return PeriodKind.QUARTER, dt.date(year, (int(key[5]) - 1) * 3 + 1, 1)
        if key[4] == "H" and key[5:] in ("1", "2") and len(key) == 6:
            return PeriodKind.HALF, dt.date(year, 1 if key[5] == "1" else 7, 1)
    except (ValueError, IndexError):
        return None
    return None


def period_label(key: str) -> str:
    parsed = parse_key(key)
    if parsed is None:
        return key
    kind, _day = parsed
    year = key[:4]
    if kind == PeriodKind.QUARTER:
        return _("%(year)s Q%(n)s") % {"year": year, "n": key[5]}
    if kind == PeriodKind.HALF:
        return (
            _("%(year)s first half") % {"year": year} if key[5] == "1" else _("%(year)s second half") % {"year": year}
        )
    return _("%(year)s full year") % {"year": year}
