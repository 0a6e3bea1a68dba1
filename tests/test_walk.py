"""Every URL pattern in the resolver, walked with hostile values and by the other store.

The walk is built from ``get_resolver().url_patterns``, not from a list, so a new URL is
walked the day it is added. Two checks:

1. ``test_it_answers_every_url_without_a_server_error``: as anonymous, clerk, manager,
   supervisor and head office, a normal GET and POST (recording which GET/POST parameters
   the view reads), then the same requests with hostile values in every parameter the view
   read plus a fixed list of common ones. No answer may be a 5xx.
2. ``test_another_stores_staff_are_refused_every_object_of_store_a``: every URL whose path
   names an object of store A, asked for by store B's clerk and manager, is refused
   (403/404/405); store A's own staff reach the same URLs (the ids are real).

How to fill path parameters (extend here when you add a URL):

- ``OBJECT_OF_URL``: url name -> the dataset object (see ``dataset()``) whose pk fills its
  ``pk``-like parameter. Add your ``app:name`` there, and the object to ``dataset()``.
- ``OBJECT_OF_KWARG``: a path parameter name that always means the same object
  (``purchase_pk``), or a literal value (``step``).
- ``STORE_A_OBJECTS``: dataset objects that belong to store A; their URLs get check 2.
- ``NOT_WALKED``: the few patterns deliberately left out, each with its reason.

A URL with a path parameter that none of these explain fails the walk with a message
saying where to add it; so does a URL that nobody in store A can reach.
"""

import logging
import time
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from complaints import services as complaints
from complaints.models import Attachment, Category, Department
from complaints.returns import ReturnItem, record_return
from customers.factories import buy
from customers.importing.models import ImportJob
from followups.models import CadenceRule, FollowUpTask, MessageTemplate
from loyalty.models import CardApplication, Gift

# Patterns left out on purpose: (namespace or url name, reason).
NOT_WALKED = {
    "admin": "Django's own admin, for the system administrator only; it parses its own parameters",
}

OBJECT_OF_URL = {
    "customers:detail": "customer",
    "customers:edit": "customer",
    "customers:contact_create": "customer",
    "customers:purchase": "purchase",
    "spreadsheets:import_detail": "import_job",
    "spreadsheets:import_status": "import_job",
    "spreadsheets:import_confirm": "import_job",
    "spreadsheets:import_cancel": "import_job",
    "spreadsheets:import_report": "import_job",
    "loyalty:points": "customer",
    "loyalty:redeem": "customer",
    "loyalty:adjust": "customer",
    "loyalty:set_tier": "customer",
    "loyalty:check_now": "customer",
    "loyalty:application": "application",
    "loyalty:application_form": "application",
    "loyalty:application_reject": "application",
    "loyalty:application_step": "application",
    "loyalty:gift_edit": "gift",
    "followups:task": "task",
    "followups:outcome": "task",
    "followups:propose": "task",
    "followups:reschedule": "task",
    "followups:cancel": "task",
    "followups:reassign": "task",
    "followups:plan": "customer",
    "followups:add_task": "customer",
    "followups:opt_out": "customer",
    "followups:rule_edit": "rule",
    "followups:template_edit": "template",
    "complaints:detail": "complaint",
    "complaints:assign": "complaint",
    "complaints:event": "complaint",
    "complaints:status": "complaint",
    "complaints:resolve": "complaint",
    "complaints:agreement": "complaint",
    "complaints:survey": "complaint",
    "complaints:attachment": "attachment",
    "complaints:return_detail": "return",
    "complaints:category_edit": "category",
    "complaints:deadlines": "category",
    "complaints:department_edit": "department",
}
OBJECT_OF_KWARG = {"purchase_pk": "purchase", "step": "=submit"}
STORE_A_OBJECTS = {"customer", "purchase", "import_job", "application", "task", "complaint", "attachment", "return"}

PERSONAS = ["anonymous", "clerk_a", "manager_a", "supervisor", "head_office"]
REFUSED = {403, 404, 405}
COMMON_PARAMS = [
    "page", "q", "store", "clerk", "customer", "purchase", "task", "date", "day", "from", "to",
    "status", "sort", "period", "range", "scope", "show", "export", "next", "id", "ids",
]  # fmt: skip
NOT_UTF8 = "%FF%FE%00"  # sent as-is: not a UTF-8 sequence
# Sent in every parameter the view read (plus the common ones) at once: form fields are
# checked independently, so one request per value reaches all of them ...
HOSTILE = ["\x00", "²", "１２", "99999999999999999999999", "-1", " ", "x" * 1000 + "../<script>", NOT_UTF8]
# ... and to each parameter on its own (a filter may stop at the first bad one).
ONE_BY_ONE = ["\x00", "²"]
ONE_BY_ONE_UP_TO = 8  # more parameters than that is a form: its fields are checked independently
INBOUND_TOKEN = "walk-token"


def dataset(store_a, clerk_a, customer_a, manager_a):
    """Objects of store A (and a few chain-wide ones) for the path parameters."""
    purchase = buy(customer_a, "1600", clerk=clerk_a)  # opens a silver application and a follow-up plan
    complaint, _ = complaints.log_complaint(
        store=store_a,
        received_by=clerk_a,
        category=Category.objects.get_or_create(name="产品质量")[0],
        channel="in_store",
        description="领口开线",
        customer=customer_a,
        purchase=purchase,
    )
    attachment = Attachment(
        complaint=complaint, original_name="a.png", content_type="image/png", extension="png", size=8
    )
    attachment.file.save("a.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    job = ImportJob(store=store_a, created_by=manager_a, original_name="a.xlsx")
    job.file.save("a.xlsx", ContentFile(b"PK"), save=True)
    returned = buy(customer_a, "300", clerk=clerk_a)
    product_return, _ = record_return(purchase=returned, items=[ReturnItem(returned.lines.first(), 1)], by=clerk_a)
    objects = {
        "customer": customer_a,
        "purchase": purchase,
        "import_job": job,
        "application": CardApplication.objects.get(customer=customer_a),
        "task": FollowUpTask.objects.filter(customer=customer_a, status="pending").first(),
        "complaint": complaint,
        "attachment": attachment,
        "return": product_return,
        "gift": Gift.objects.create(name="围巾", points_price=100, stock=1),
        "rule": CadenceRule.objects.first(),
        "template": MessageTemplate.objects.first() or MessageTemplate.objects.create(code="t", name="t", body="t"),
        "category": Category.objects.first(),
        "department": Department.objects.first() or Department.objects.create(name="客服部"),
    }
    missing = [key for key, obj in objects.items() if obj is None]
    assert not missing, f"dataset() could not make {missing}"
    return {key: obj.pk for key, obj in objects.items()}


def patterns(resolvers=None, prefix="", namespace=""):
    """(url name, route, pattern) for every pattern, namespaces included."""
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or f"{namespace}:?"
            yield name, prefix + str(entry.pattern), entry


def walked_patterns():
    excluded = [p for p in patterns() if _left_out(p[0])]
    walked = [p for p in patterns() if not _left_out(p[0])]
    return walked, excluded


def _left_out(name):
    return name in NOT_WALKED or name.split(":")[0] in NOT_WALKED


def url_for(name, entry, objects):
    """The URL with its path parameters filled from the dataset; fails with advice."""
    kwargs, object_key = {}, None
    for kwarg in entry.pattern.regex.groupindex:
        source = OBJECT_OF_KWARG.get(kwarg) or OBJECT_OF_URL.get(name)
        if source is None:
            pytest.fail(
                f"URL {name!r} ({entry.pattern}) has the path parameter {kwarg!r} that the walk cannot fill: "
                "add the URL name to OBJECT_OF_URL (or the parameter to OBJECT_OF_KWARG) in tests/test_walk.py"
            )
        if source.startswith("="):
            kwargs[kwarg] = source[1:]
        else:
            kwargs[kwarg], object_key = objects[source], source
    return reverse(name, kwargs=kwargs), object_key


class Recorder:
    """Test-only middleware: request.GET/POST record which names the view reads."""

    read: set = set()
    ALL = "*"  # the view iterated over every parameter

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict.like(request.GET)
        if request.method == "POST":
            request.POST  # noqa: B018 -- load the body before swapping it
            request._post = RecordingQueryDict.like(request._post)
        return self.get_response(request)


class RecordingQueryDict(QueryDict):
    @classmethod
    def like(cls, original):
        copy = cls("", mutable=True)
        for key, values in original.lists():
            copy.setlist(key, values)
        copy._mutable = False
        return copy

    def __getitem__(self, key):
        Recorder.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        Recorder.read.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        Recorder.read.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        Recorder.read.add(key)
        return super().__contains__(key)

    def _everything(self):
        Recorder.read.add(Recorder.ALL)

    def items(self):
        self._everything()
        return super().items()

    def lists(self):
        self._everything()
        return super().lists()

    def dict(self):
        self._everything()
        return super().dict()

    def urlencode(self, safe=None):
        self._everything()
        return super().urlencode(safe)


def _query(params, value):
    if value is NOT_UTF8:
        return "&".join(f"{quote(p)}={NOT_UTF8}" for p in params)
    return "&".join(f"{quote(p)}={quote(value)}" for p in params)


class Walker:
    """Sends one persona's requests and keeps the 5xx answers."""

    def __init__(self, client, user=None):
        self.client, self.user = client, user
        self.count = 0
        self.errors = []

    def log_in_again(self):
        """The walk POSTs to /logout/ too: log back in before the next URL."""
        if self.user is not None and "_auth_user_id" not in self.client.session:
            self.client.force_login(self.user)

    def send(self, method, url, query=""):
        self.count += 1
        response = None
        try:
            # A savepoint per request: a database error in one must not poison the rest.
            with transaction.atomic():
                if method == "GET":
                    response = self.client.get(f"{url}?{query}" if query else url)
                else:
                    response = self.client.post(url, query, content_type="application/x-www-form-urlencoded")
        except DatabaseError:
            pass  # the view already answered (500) for the failed query
        if response is None or response.status_code >= 500:
            self.errors.append(f"{method} {url}?{query[:60]} -> {getattr(response, 'status_code', 'error')}")
        return response

    def record(self, method, url):
        """A normal request (one dummy parameter, so ``request.GET or None`` binds forms)."""
        Recorder.read = set()
        response = self.send(method, url, "_walk=1")
        return response, Recorder.read - {"_walk", "csrfmiddlewaretoken"}

    def hostile(self, method, url):
        response, read = self.record(method, url)
        if response is None or not read:
            return  # refused, or the view reads no parameter
        params = sorted((read - {Recorder.ALL}) | set(COMMON_PARAMS))
        for value in HOSTILE:
            self.send(method, url, _query(params, value))
        named = sorted(read - {Recorder.ALL})
        if len(named) <= ONE_BY_ONE_UP_TO:
            for param in named:
                for value in ONE_BY_ONE:
                    self.send(method, url, _query([param], value))


@pytest.fixture
def walk_settings(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_walk.Recorder"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.KEDANG_SMS_INBOUND_TOKEN = INBOUND_TOKEN
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)  # the walk counts the 5xx itself; thousands of 4xx lines slow it down
    yield
    for logger, level in zip(quiet, levels, strict=True):
        logger.setLevel(level)


def _walker(request, persona):
    # The SMS gateway's token too, so its inbound endpoint is walked past the token check.
    client = Client(raise_request_exception=False, headers={"X-Kedang-Token": INBOUND_TOKEN})
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    walker = Walker(client, user)
    walker.log_in_again()
    return walker


@pytest.mark.django_db(transaction=False)
def test_it_answers_every_url_without_a_server_error(request, walk_settings, store_a, clerk_a, customer_a, manager_a):
    objects = dataset(store_a, clerk_a, customer_a, manager_a)
    walked, excluded = walked_patterns()
    started = time.monotonic()
    errors, count, timings = [], 0, []
    for persona in PERSONAS:
        walker = _walker(request, persona)
        for name, _route, entry in walked:
            url, _ = url_for(name, entry, objects)
            walker.log_in_again()
            t0, n0 = time.monotonic(), walker.count
            walker.hostile("GET", url)
            walker.hostile("POST", url)
            timings.append((round(time.monotonic() - t0, 2), walker.count - n0, persona, url))
        errors += [f"{persona}: {e}" for e in walker.errors]
        count += walker.count
    seconds = time.monotonic() - started
    print(f"walked {len(walked)} patterns ({len(excluded)} left out), {count} requests in {seconds:.1f} s")
    assert len(walked) + len(excluded) == len(list(patterns()))
    print("slowest:", sorted(timings, reverse=True)[:5])
    assert len(walked) + len(excluded) == len(list(patterns()))
    assert errors == []


@pytest.mark.parametrize("persona", ["clerk_b", "manager_b"])
def test_another_stores_staff_are_refused_every_object_of_store_a(
    request, store_a, clerk_a, customer_a, manager_a, head_office, persona
):
    objects = dataset(store_a, clerk_a, customer_a, manager_a)
    outsider = _walker(request, persona)
    answered = {}
    for name, _route, entry in walked_patterns()[0]:
        url, object_key = url_for(name, entry, objects)
        if object_key in STORE_A_OBJECTS:
            answered[name] = (outsider.send("GET", url).status_code, outsider.send("POST", url).status_code)
    leaks = {name: codes for name, codes in answered.items() if not set(codes) <= REFUSED}
    assert leaks == {}
    assert outsider.errors == []
    assert len(answered) >= 37  # store A's object URLs when this was written


def test_store_a_and_head_office_reach_every_object_of_store_a(store_a, clerk_a, customer_a, manager_a, head_office):
    """The control for the test above: the ids are real, so B's 404s are the scoping."""
    objects = dataset(store_a, clerk_a, customer_a, manager_a)
    clients = [Client(raise_request_exception=False) for _ in range(3)]
    for client, user in zip(clients, (clerk_a, manager_a, head_office), strict=True):
        client.force_login(user)
    unreachable = []
    for name, _route, entry in walked_patterns()[0]:
        url, object_key = url_for(name, entry, objects)
        if object_key in STORE_A_OBJECTS:
            codes = {client.get(url).status_code for client in clients}
            if codes <= {403, 404, 405} and not any(
                client.post(url).status_code not in (403, 404) for client in clients
            ):
                unreachable.append(name)
    assert unreachable == []
