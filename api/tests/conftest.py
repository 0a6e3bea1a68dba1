import json

import pytest
from django.test import Client

from api.keys import create_key


class PosClient:
    """The POS: JSON requests with its key, as the chain's till software sends them."""

    def __init__(self, raw_key: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_key}"}

    def post(self, path: str, body: dict):
        return self.client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=self.headers
        )

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", headers=self.headers)


@pytest.fixture
def key_a(store_a, head_office):
    return create_key(name="S001 till 1", store=store_a, by=head_office)


@pytest.fixture
def pos_a(key_a):
    return PosClient(key_a[1])


@pytest.fixture
def pos_b(store_b, head_office):
    return PosClient(create_key(name="S002 till 1", store=store_b, by=head_office)[1])


def sale_body(receipt="R-0001", *, store="S001", staff="clerk_a", amount="1000.00", **extra):
    return {
        "store": store,
        "staff_code": staff,
        "receipt_number": receipt,
        "lines": [{"item": "西装", "unit_price": amount, "quantity": 1}],
        **extra,
    }
