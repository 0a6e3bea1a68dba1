"""Shared personas: two stores in one region, one in another; a clerk and a manager of
store A, a clerk of store B, a supervisor of A's region, and head office."""

import pytest
from django.test import Client

from crm.models import Role
from crm.tests.factories import StoreFactory, make_staff


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def store_a(db):
    return StoreFactory(code="S001", name="南京西路店", region="华东")


@pytest.fixture
def store_b(db):
    return StoreFactory(code="S002", name="杭州湖滨店", region="华东")


@pytest.fixture
def store_c(db):
    return StoreFactory(code="S003", name="北京国贸店", region="华北")


@pytest.fixture
def clerk_a(store_a):
    return make_staff("clerk_a", Role.CLERK, store=store_a, first_name="小王")


@pytest.fixture
def clerk_a2(store_a):
    return make_staff("clerk_a2", Role.CLERK, store=store_a, first_name="小李")


@pytest.fixture
def manager_a(store_a):
    return make_staff("manager_a", Role.MANAGER, store=store_a, first_name="张店长")


@pytest.fixture
def clerk_b(store_b):
    return make_staff("clerk_b", Role.CLERK, store=store_b, first_name="小赵")


@pytest.fixture
def manager_b(store_b):
    return make_staff("manager_b", Role.MANAGER, store=store_b)


@pytest.fixture
def supervisor(store_a, store_b, store_c):
    return make_staff("supervisor", Role.SUPERVISOR, region="华东")


@pytest.fixture
def head_office(store_a, store_b, store_c):
    return make_staff("hq", Role.HEAD_OFFICE)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client logged in as ``user``."""
    return _client_for


@pytest.fixture
def customer_a(store_a, clerk_a):
    from customers.tests.factories import CustomerFactory

    return CustomerFactory(name="王芳", mobile="+8613900000001", home_store=store_a, clerk=clerk_a)


@pytest.fixture
def customer_b(store_b, clerk_b):
    from customers.tests.factories import CustomerFactory

    return CustomerFactory(name="李强", mobile="+8613900000002", home_store=store_b, clerk=clerk_b, gender="M")


@pytest.fixture
def sysadmin(db):
    """The system administrator: Django's admin only, no staff profile, no store data in the app."""
    from crm.tests.factories import UserFactory

    return UserFactory(username="sysadmin", is_staff=True, is_superuser=True)


@pytest.fixture
def sms_in_memory(settings):
    """SMS go to ``followups.sms.backends.locmem.outbox``, emptied before and after the test."""
    from followups.sms.backends import locmem

    settings.KEDANG_SMS_BACKEND = "followups.sms.backends.locmem.SmsBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()
