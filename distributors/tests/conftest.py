"""Distributor personas: two account managers, the sales manager of the first, and an
account of each manager."""

import pytest

from crm.models import Role, StaffProfile
from crm.tests.factories import make_staff
from distributors.tests.factories import make_account


@pytest.fixture
def sales_manager(db):
    return make_staff("sales_mgr", Role.SALES_MANAGER, first_name="何经理")


@pytest.fixture
def am_a(sales_manager):
    user = make_staff("am_a", Role.ACCOUNT_MANAGER, first_name="业务员甲")
    StaffProfile.objects.filter(user=user).update(sales_manager=sales_manager)
    user.refresh_from_db()
    return user


@pytest.fixture
def am_b(db):
    return make_staff("am_b", Role.ACCOUNT_MANAGER, first_name="业务员乙")


@pytest.fixture
def account_a(am_a):
    return make_account(am_a, company="苏州恒达服饰")


@pytest.fixture
def account_b(am_b):
    return make_account(am_b, company="宁波海韵商贸")
