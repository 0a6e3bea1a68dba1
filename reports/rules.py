"""The classification rules of the analyses, in one place: the Pareto classes by spend
(their bounds are crm.pareto's, shared with the distributors) and the RFM segment grid.
The summary job's SQL is generated from these tables (``pareto_sql``, ``segment_sql``)
and the report pages read the same tables, so the two cannot disagree."""

from django.utils.translation import gettext_lazy as _

from crm import pareto
from reports.models import AbcClass, Segment

# Pareto by spend: the classes and bounds of crm.pareto, with the rule shown on the page.
_RULES = {
    AbcClass.IMPORTANT: _("top 20%"),
    AbcClass.MAJOR: _("next 30%"),
    AbcClass.ORDINARY: _("next 30%"),
    AbcClass.SMALL: _("bottom 20%"),
}
PARETO = [(AbcClass(code), tenths, _RULES[code]) for code, tenths in pareto.PARETO]

# RFM segments on the usual recency x frequency grid: RFM_GRID[r][f - 1], scores 1..5
# (R 5 = bought most recently, F 5 = bought most often).
_S = Segment
RFM_GRID = {
    5: [_S.NEW, _S.POTENTIAL, _S.POTENTIAL, _S.CHAMPIONS, _S.CHAMPIONS],
    4: [_S.PROMISING, _S.POTENTIAL, _S.POTENTIAL, _S.LOYAL, _S.LOYAL],
    3: [_S.ABOUT_TO_SLEEP, _S.ABOUT_TO_SLEEP, _S.NEED_ATTENTION, _S.LOYAL, _S.LOYAL],
    2: [_S.HIBERNATING, _S.HIBERNATING, _S.AT_RISK, _S.AT_RISK, _S.CANT_LOSE],
    1: [_S.HIBERNATING, _S.HIBERNATING, _S.AT_RISK, _S.AT_RISK, _S.CANT_LOSE],
}
SCORES = range(1, 6)


def segment_of(r: int, f: int) -> str:
    """The segment of an R/F cell."""
    return RFM_GRID[r][f - 1]


pareto_sql = pareto.pareto_sql


def segment_sql(r: str, f: str) -> str:
    """A SQL CASE giving the segment of the row whose R and F scores are ``r`` and ``f``."""
    whens = " ".join(f"WHEN {score}{fs} THEN '{segment_of(score, fs)}'" for score in SCORES for fs in SCORES)
    return f"CASE 10 * {r} + {f} {whens} END"
