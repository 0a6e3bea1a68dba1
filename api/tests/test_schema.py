"""Property-based test of the served schema: schemathesis generates requests (valid and
not) for every operation of /api/v1/openapi.json; none may answer 5xx and every answer
must conform to the schema (status code, content type, body).

Kept to a few examples per operation (about half a minute in all): the hostile cases
that matter (NUL bytes, huge numbers, wrong types) are in the unit tests too.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.keys import create_key


@pytest.fixture
def _keep_connection():
    """The WSGI app is called directly (not through Django's test client), so the test's
    transaction must survive the end of each request, as the test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, _keep_connection, store_a, clerk_a, customer_a, head_office):
    _key, raw = create_key(name="schema test", store=store_a, by=head_office, rate_limit=100000)
    # crm.wsgi itself refuses the test settings (DEBUG and the demo key): the same app without that check.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    schema.config.headers = {"Authorization": f"Bearer {raw}"}
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_it_never_fails_and_always_answers_as_the_schema_says(case):
    response = case.call()
    # Every check but "schema-valid data is accepted": a request can match the schema and
    # still be refused by the rules (a mobile that is no mobile, a clerk of another store).
    case.validate_response(response, checks=CHECKS)
