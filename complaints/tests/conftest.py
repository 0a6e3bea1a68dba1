import datetime as dt

import pytest
from django.utils import timezone

from complaints import services
from complaints.defaults import install_defaults
from complaints.models import Category, Channel


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """Store-local time on ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture(autouse=True)
def _default_categories(db):
    """Migration 0002's categories, put back if a transactional test elsewhere flushed them."""
    if not Category.objects.exists():
        install_defaults()


@pytest.fixture
def quality(db):
    """产品质量: 24 h first response, 168 h resolution at normal severity (the migration's defaults)."""
    return Category.objects.get(name="产品质量")


@pytest.fixture
def make_complaint(store_a, clerk_a, customer_a, quality):
    def make(**fields):
        fields.setdefault("store", store_a)
        fields.setdefault("received_by", clerk_a)
        fields.setdefault("category", quality)
        fields.setdefault("channel", Channel.IN_STORE)
        fields.setdefault("description", "衬衫洗后缩水")
        if "caller_contact" not in fields:
            fields.setdefault("customer", customer_a)
        complaint, _ = services.log_complaint(**fields)
        return complaint

    return make


@pytest.fixture
def complaint_a(make_complaint):
    return make_complaint()
