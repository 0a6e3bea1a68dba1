"""Every URL pattern in the resolver, walked with hostile values and by the other store.

The walk is built from ``get_resolver().url_patterns`` (tests/walking.py), not from a
list, so a URL is walked the day it is added:

1. As anonymous, clerk, manager, supervisor and head office: a normal GET and POST of
   every URL, recording which GET/POST parameters the view reads; then, where the view
   read any, the same request with hostile values (NUL, ``²``, full-width digits, beyond
   bigint, -1, 1,000 characters, ``../<script>``, bytes that are not UTF-8) in all of
   them at once plus a fixed list of common names, and NUL and ``²`` in each on its own.
   The whole set goes once per URL and parameter, with the first persona that reaches
   the view; the others get NUL and ``²`` in all parameters (their own code paths).
   No answer may be a 5xx.
2. Every URL whose path names an object of store A, asked for by store B's clerk and
   manager, is refused (403/404/405); store A's staff or head office reach each of them
   (so the ids are real and B's refusal is the scoping).

Adding a URL with a path parameter? Say what fills it in tests/walk_objects.py (its
docstring says how); until then the walk fails and names the URL.
"""

import time

import pytest
from django.test import Client

from tests import walking
from tests.walk_objects import KEY_ONLY, STORE_A_OBJECTS, dataset

PERSONAS = ["anonymous", "clerk_a", "manager_a", "supervisor", "head_office"]
REFUSED = {403, 404, 405}
# Known 5xx not yet fixed, each with its cause; remove the entry with the fix.
KNOWN_500: dict[str, str] = {}


@pytest.fixture
def objects(store_a, clerk_a, manager_a, customer_a, head_office):
    return dataset(
        store_a=store_a, clerk_a=clerk_a, manager_a=manager_a, customer_a=customer_a, head_office=head_office
    )


@pytest.fixture
def walk_settings(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.walking.Recorder"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.KEDANG_SMS_INBOUND_TOKEN = walking.INBOUND_TOKEN
    restore = walking.quiet_request_logs()
    yield
    restore()


def test_it_answers_every_url_without_a_server_error(request, walk_settings, objects):
    """Slow (about 50 s on a quiet 2-core machine): some 4,000 real requests, every URL
    for five personas with the hostile values, each rendered in full. Nothing is wasted:
    a persona gets the whole hostile set only for parameters nobody was sent yet."""
    walked, excluded = walking.walked_patterns()
    started = time.monotonic()
    errors, count, walked_once = [], 0, set()
    for persona in PERSONAS:
        walker = walking.walker_for(None if persona == "anonymous" else request.getfixturevalue(persona))
        for name, _route, entry in walked:
            url, _ = walking.url_for(name, entry, objects)
            walker.log_in_again()
            walker.hostile("GET", url, walked_once)
            walker.hostile("POST", url, walked_once)
        errors += [f"{persona}: {error}" for error in walker.errors]
        count += walker.count
    print(
        f"walked {len(walked)} patterns ({len(excluded)} left out), {count} requests, {time.monotonic() - started:.0f} s"
    )
    assert len(walked) == len(list(walking.patterns())) - len(excluded)
    assert {name.split(":")[0] for name, _route, _entry in excluded} <= set(walking.NOT_WALKED)
    known = [error for error in errors if any(f" {url}?" in error for url in KNOWN_500)]
    assert [error for error in errors if error not in known] == []


@pytest.mark.parametrize("persona", ["clerk_b", "manager_b"])
def test_another_stores_staff_are_refused_every_object_of_store_a(request, walk_settings, objects, persona):
    outsider = walking.walker_for(request.getfixturevalue(persona))
    answered = {}
    for name, _route, entry in walking.walked_patterns()[0]:
        url, object_key = walking.url_for(name, entry, objects)
        if object_key in STORE_A_OBJECTS:
            answered[name] = (outsider.send("GET", url).status_code, outsider.send("POST", url).status_code)
    leaks = {
        name: codes
        for name, codes in answered.items()
        if not set(codes) <= (REFUSED | {401} if name.split(":")[0] in KEY_ONLY else REFUSED)
    }
    assert leaks == {}
    assert outsider.errors == []
    assert len(answered) >= 50  # store A's object URLs when this was written


def test_store_a_and_head_office_reach_every_object_of_store_a(walk_settings, objects, clerk_a, manager_a, head_office):
    """The control for the test above: the ids are real, so B's refusals are the scoping."""
    clients = []
    for user in (clerk_a, manager_a, head_office):
        clients.append(Client(raise_request_exception=False))
        clients[-1].force_login(user)
    unreachable = []
    for name, _route, entry in walking.walked_patterns()[0]:
        url, object_key = walking.url_for(name, entry, objects)
        if object_key not in STORE_A_OBJECTS or name.split(":")[0] in KEY_ONLY:
            continue
        if {client.get(url).status_code for client in clients} <= REFUSED and all(
            client.post(url).status_code in REFUSED for client in clients
        ):
            unreachable.append(name)
    assert unreachable == []
