"""crm.db.Compiled: a queryset's SQL compiled once, run with other values."""

import datetime as dt

from crm.db import Compiled
from crm.models import AuditEvent, Store


def test_it_gives_what_the_queryset_gives_for_other_values(store_a, store_b, django_assert_num_queries):
    by_code = Compiled(lambda code, pk: Store.objects.filter(code=code).exclude(pk=pk).values_list("pk", "name"))
    assert by_code(store_a.code, 0) == [(store_a.pk, store_a.name)]
    with django_assert_num_queries(1):
        assert by_code(store_b.code, 0) == [(store_b.pk, store_b.name)]
    assert by_code(store_b.code, store_b.pk) == []


def test_it_gives_model_instances(store_a, store_b):
    one = Compiled(lambda pk: Store.objects.filter(pk=pk))
    assert one(store_a.pk)[0].code == store_a.code
    [found] = one(store_b.pk)
    assert (found.code, found.name, found._state.adding) == (store_b.code, store_b.name, False)


def test_it_lets_the_orm_run_what_it_cannot_compile(store_a, clerk_a):
    AuditEvent.objects.create(actor=clerk_a, action="x")
    since = Compiled(lambda day: AuditEvent.objects.filter(at__date__gte=day).values_list("action", flat=True))
    assert since(dt.date(2000, 1, 1)) == ["x"]
    assert since(dt.date(2999, 1, 1)) == []
    related = Compiled(lambda pk: AuditEvent.objects.filter(actor_id=pk).select_related("actor"))
    assert related(clerk_a.pk)[0].actor == clerk_a
