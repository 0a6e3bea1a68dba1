import datetime as dt
import hashlib

import time_machine

from api.keys import create_key, revoke_key
from api.models import ApiKey
from api.tests.conftest import PosClient
from crm.models import AuditEvent


def test_head_office_makes_a_key_shown_once_and_stored_hashed(client_for, head_office, store_a):
    response = client_for(head_office).post("/pos/keys/", {"name": "S001 till 2", "store": store_a.pk})
    assert response.status_code == 200
    key = ApiKey.objects.get(name="S001 till 2")
    raw = response.context["new_key"]
    assert raw.startswith(f"kd_{key.prefix}_") and raw in response.content.decode()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in key.key_hash
    again = client_for(head_office).get("/pos/keys/")
    assert raw not in again.content.decode() and "S001 till 2" in again.content.decode()
    assert "收银系统的接口密钥" in again.content.decode(), "the page is in Chinese"
    assert AuditEvent.objects.filter(action="api.key_created", detail__api_key="S001 till 2").exists()


def test_only_head_office_manages_keys(client_for, manager_a, clerk_b, key_a):
    key, _raw = key_a
    for user in (manager_a, clerk_b):
        assert client_for(user).get("/pos/keys/").status_code == 403
        assert client_for(user).post(f"/pos/keys/{key.pk}/revoke/").status_code == 403
    assert ApiKey.objects.get(pk=key.pk).is_active


def test_a_revoked_key_is_refused(client_for, head_office, key_a, customer_a):
    key, raw = key_a
    pos = PosClient(raw)
    assert pos.post("/members/lookup", {"mobile": "13900000001"}).status_code == 200
    assert client_for(head_office).post(f"/pos/keys/{key.pk}/revoke/").status_code == 302
    assert pos.post("/members/lookup", {"mobile": "13900000001"}).status_code == 401
    assert not revoke_key(key, by=head_office)


def test_it_stamps_the_last_use(key_a, customer_a):
    key, raw = key_a
    with time_machine.travel(dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC), tick=False):
        PosClient(raw).post("/members/lookup", {"mobile": "13900000001"})
    key.refresh_from_db()
    assert key.last_used_at == dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def test_the_rate_limit_answers_429_until_the_next_minute(store_a, head_office, customer_a):
    _key, raw = create_key(name="slow till", store=store_a, by=head_office, rate_limit=3)
    pos = PosClient(raw)
    with time_machine.travel(dt.datetime(2026, 11, 20, 3, 0, 5, tzinfo=dt.UTC), tick=False):
        codes = [pos.post("/members/lookup", {"mobile": "13900000001"}).status_code for _ in range(4)]
        limited = pos.post("/members/lookup", {"mobile": "13900000001"})
    assert codes == [200, 200, 200, 429]
    assert limited.status_code == 429 and limited["Retry-After"] == "55"
    with time_machine.travel(dt.datetime(2026, 11, 20, 3, 1, 0, tzinfo=dt.UTC), tick=False):
        assert pos.post("/members/lookup", {"mobile": "13900000001"}).status_code == 200


def test_the_rate_limit_is_per_key(store_a, head_office, customer_a):
    slow = PosClient(create_key(name="a", store=store_a, by=head_office, rate_limit=1)[1])
    other = PosClient(create_key(name="b", store=store_a, by=head_office, rate_limit=1)[1])
    with time_machine.travel(dt.datetime(2026, 11, 20, 3, 0, 5, tzinfo=dt.UTC), tick=False):
        assert slow.post("/members/lookup", {"mobile": "13900000001"}).status_code == 200
        assert slow.post("/members/lookup", {"mobile": "13900000001"}).status_code == 429
        assert other.post("/members/lookup", {"mobile": "13900000001"}).status_code == 200
