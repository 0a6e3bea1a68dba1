"""crm.db's inserts: the SQL compiled once per shape, the values of each call."""

from crm.db import _INSERTS, insert_ignoring_conflicts, insert_unless_conflict
from crm.models import Store


def test_it_writes_each_rows_own_values_with_the_sql_compiled_once(db, django_assert_num_queries):
    first, second = Store(code="S901", name="一店", region="华东"), Store(code="S902", name="二店")
    assert insert_unless_conflict(first)
    assert any(key[0][0] is Store for key in _INSERTS)
    with django_assert_num_queries(1):
        assert insert_unless_conflict(second)
    assert list(Store.objects.filter(code__in=["S901", "S902"]).values_list("pk", "name", "region")) == [
        (first.pk, "一店", "华东"),
        (second.pk, "二店", ""),
    ]
    assert not insert_unless_conflict(Store(code="S902", name="重复"))
    assert Store.objects.get(code="S902").name == "二店"


def test_it_leaves_a_computed_field_to_the_database(db):
    store = Store(code="S903")
    assert insert_unless_conflict(store, computed={"name": ("UPPER(%s)", ["abc"])})
    assert store.name == "ABC"  # read back when asked for
    other = Store(code="S904")
    assert insert_unless_conflict(other, computed={"name": ("UPPER(%s)", ["xyz"])})
    assert Store.objects.get(pk=other.pk).name == "XYZ"


def test_it_inserts_many_rows_skipping_those_taken(db, django_assert_num_queries):
    Store.objects.create(code="S912", name="已有")
    for n in range(2):
        stores = [Store(code=f"S91{i}", name=f"店{n}{i}", region=f"区{i}") for i in (1, 2, 3)]
        with django_assert_num_queries(1):
            insert_ignoring_conflicts(stores)
        assert all(not s._state.adding for s in stores)
    assert dict(Store.objects.filter(code__startswith="S91").values_list("code", "name")) == {
        "S911": "店01",
        "S912": "已有",
        "S913": "店03",
    }
