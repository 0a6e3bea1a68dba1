"""``crm.db.bulk_set``: what ``bulk_update`` writes, in one statement on PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.db import bulk_set
from customers.tests.factories import CustomerFactory
from followups.models import FollowUpTask, TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(store_a, clerk_a):
    customer = CustomerFactory(home_store=store_a, clerk=clerk_a)
    return [
        FollowUpTask.objects.create(
            customer=customer, store=store_a, assignee=clerk_a, purpose=f"回访{i}", due_date=dt.date(2026, 11, 1)
        )
        for i in range(4)
    ]


def test_it_writes_the_fields_named_and_nothing_else_in_one_statement(tasks):
    done_at = dt.datetime(2026, 11, 2, 3, tzinfo=dt.UTC)
    changes = [
        FollowUpTask(pk=t.pk, status=TaskStatus.DONE, completed_at=done_at, note="x", purpose="改了") for t in tasks[:3]
    ]
    changes[1].completed_at = None
    with CaptureQueriesContext(connection) as ctx:
        assert bulk_set(changes, ["status", "completed_at", "note"]) == 3
    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) == 1
    rows = {t.pk: t for t in FollowUpTask.objects.all()}
    first, second, third, untouched = (rows[t.pk] for t in tasks)
    assert (first.status, first.completed_at, first.note, first.purpose) == (TaskStatus.DONE, done_at, "x", "回访0")
    assert second.completed_at is None and second.status == TaskStatus.DONE
    assert third.status == TaskStatus.DONE
    assert untouched.status == TaskStatus.PENDING and untouched.note == ""


def test_it_writes_only_the_rows_the_queryset_still_holds(tasks):
    FollowUpTask.objects.filter(pk=tasks[0].pk).update(status=TaskStatus.DONE)
    changes = [FollowUpTask(pk=t.pk, status=TaskStatus.CANCELLED, note="n") for t in tasks[:2]]
    assert bulk_set(changes, ["status", "note"], FollowUpTask.objects.filter(status=TaskStatus.PENDING)) == 1
    assert FollowUpTask.objects.get(pk=tasks[0].pk).status == TaskStatus.DONE
    assert FollowUpTask.objects.get(pk=tasks[1].pk).status == TaskStatus.CANCELLED
    assert bulk_set([], ["status"]) == 0
