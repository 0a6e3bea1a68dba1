"""The Pareto classes by spend (seed 002), the one definition of the rule: ranked by what
they spent (rank 1 = the most), the top 20% are important, the next 30% major, the next
30% ordinary and the bottom 20% small. Used by the reports' customer classes (in SQL,
through ``pareto_sql``) and the distributors' dealer classes (``pareto_class``).

Ties share a rank, so tied customers land in the class of the first position they take.
"""

# (class code, upper bound of (rank - 1) / n in tenths)
PARETO = [("important", 2), ("major", 5), ("ordinary", 8), ("small", 10)]


def pareto_class(rank: int, n: int) -> str:
    """The class of rank ``rank`` (from 1) among ``n``."""
    for code, tenths in PARETO[:-1]:
        if 10 * (rank - 1) < tenths * n:
            return code
    return PARETO[-1][0]


def pareto_sql(rank: str, n: str) -> str:
    """The same rule as a SQL CASE over the SQL expressions ``rank`` and ``n``."""
    whens = " ".join(f"WHEN 10 * ({rank} - 1) < {tenths} * {n} THEN '{code}'" for code, tenths in PARETO[:-1])
    return f"CASE {whens} ELSE '{PARETO[-1][0]}' END"
