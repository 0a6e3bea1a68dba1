"""The classification rules of the analyses, in one place: the Pareto classes by spend and
the RFM segment grid. The summary job's SQL is generated from these tables
(``pareto_sql``, ``segment_sql``) and the report pages read the same tables, so the two
cannot disagree."""

from django.utils.translation import gettext_lazy as _

from reports.models import AbcClass, Segment

# Pareto by spend (seed 002): a customer's class comes from their spend rank in the store,
# (rank - 1) / customers below the class's upper bound, in tenths of the customers.
PARETO = [
    # (class, upper bound in tenths, rule shown on the page)
    (AbcClass.IMPORTANT, 2, _("top 20%")),
    (AbcClass.MAJOR, 5, _("next 30%")),
    (AbcClass.ORDINARY, 8, _("next 30%")),
    (AbcClass.SMALL, 10, _("bottom 20%")),
]

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


def pareto_sql(rank: str, n: str) -> str:
    """A SQL CASE giving the Pareto class of the row whose spend rank is ``rank`` of ``n``."""
    whens = " ".join(f"WHEN 10 * ({rank} - 1) < {tenths} * {n} THEN '{code}'" for code, tenths, _r in PARETO[:-1])
    return f"CASE {whens} ELSE '{PARETO[-1][0]}' END"


def segment_sql(r: str, f: str) -> str:
    """A SQL CASE giving the segment of the row whose R and F scores are ``r`` and ``f``."""
    whens = " ".join(f"WHEN {score}{fs} THEN '{segment_of(score, fs)}'" for score in SCORES for fs in SCORES)
    return f"CASE 10 * {r} + {f} {whens} END"
