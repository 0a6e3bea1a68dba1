"""reports.analysis and reports.rules as plain functions, on store C's quarter (see conftest)."""

import pytest
from django.db import connection
from django.http import QueryDict

from reports import analysis, rules
from reports.models import FrequencyBands, Period, Segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(summarised, store_c):
    return analysis.Scope(Period.objects.get(key="2025Q1"), [store_c], query="period=2025Q1")


def test_the_sql_and_python_segment_grids_agree_on_every_cell():
    cells = [(r, f) for r in rules.SCORES for f in rules.SCORES]
    values = ", ".join(f"({r}, {f})" for r, f in cells)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v.r, v.f, {rules.segment_sql('v.r', 'v.f')} FROM (VALUES {values}) AS v(r, f)")
        in_sql = {(r, f): segment for r, f, segment in cursor.fetchall()}
    assert in_sql == {cell: rules.segment_of(*cell) for cell in cells}
    assert set(in_sql.values()) == set(Segment.values)


def test_the_sql_pareto_classes_follow_the_rule_table():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rank, {rules.pareto_sql('rank', '10')} FROM generate_series(1, 10) AS rank")
        classes = [code for _rank, code in cursor.fetchall()]
    assert classes == ["important"] * 2 + ["major"] * 3 + ["ordinary"] * 3 + ["small"] * 2


def test_class_tables_count_the_quarters_customers(scope):
    found = analysis.class_tables(scope, FrequencyBands.current())

    assert [row[2].value for row in found.abc.rows] == [3, 2, 3, 2]
    assert [str(row[1]) for row in found.abc.rows] == [str(rule) for _c, _t, rule in rules.PARETO]
    assert found.abc.rows[0][2].url.endswith("period=2025Q1&abc=important")
    assert sum(row[1].value for row in found.segments.rows) == 10
    assert dict(found.visits) == {1: [7, 290], 2: [2, 180], 3: [1, 100]}


def test_churn_tables_total_the_stores_and_reasons(scope):
    stores, reasons, counted = analysis.churn_tables(scope)

    assert stores.footer[1:3] == [10, 3]
    assert reasons.footer[1] == sum(n for _label, n in counted) == 3


def test_customer_facts_follow_the_links_filters_and_ignore_junk(scope):
    bands = FrequencyBands.current()
    everyone = analysis.customer_facts(scope, QueryDict(""), bands)
    important = analysis.customer_facts(scope, QueryDict("abc=important&r=9&segment=nonsense"), bands)

    assert [int(f.amount) for f in everyone][:3] == [100, 90, 90]
    assert important.count() == 3
    assert analysis.customer_facts(scope, QueryDict("band=medium"), bands).count() == 3  # 3, 2 and 2 purchases
    assert analysis.customer_facts(analysis.Scope(None, scope.stores), QueryDict(""), bands).count() == 0


def test_the_evaluation_summary_has_one_row_per_store_and_a_total(scope, store_a):
    wider = analysis.Scope(scope.period, [scope.stores[0], store_a])

    summary = analysis.evaluation_summary(wider)

    assert [row[1] for row in summary.rows] == [10, 4]  # store A: this week's customers
    assert summary.footer[1] == 14
