"""The machinery of the URL walk (tests/test_walk.py): the resolver's patterns, a
middleware that records which parameters a view reads, and a client that sends hostile
values and keeps every 5xx."""

import logging
from urllib.parse import quote

import pytest
from django.db import DatabaseError, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.walk_objects import NOT_WALKED, OBJECT_OF_KWARG, OBJECT_OF_URL

COMMON_PARAMS = [
    "page", "q", "store", "clerk", "customer", "purchase", "task", "date", "day", "from", "to",
    "status", "sort", "period", "range", "scope", "show", "export", "next", "id", "ids",
]  # fmt: skip
NOT_UTF8 = "%FF%FE%00"  # sent as-is: not a UTF-8 sequence
# Sent in every parameter the view read (plus the common ones) at once: form fields are
# checked independently, so one request per value reaches all of them ...
HOSTILE = ["\x00", "²", "99999999999999999999999", "-1", "１２ " + "x" * 1000 + "../<script>", NOT_UTF8]
# ... and to each parameter on its own (a filter may stop at the first bad one).
ONE_BY_ONE = ["\x00", "²"]
ONE_BY_ONE_UP_TO = 8  # more parameters than that is a form: its fields are checked independently
INBOUND_TOKEN = "walk-token"


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
                "add the URL name to OBJECT_OF_URL (or the parameter to OBJECT_OF_KWARG) in tests/walk_objects.py"
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

    def hostile(self, method, url, walked: set):
        """The hostile requests for one URL. ``walked`` holds the (method, url, parameters)
        another persona already had the whole set for: this one gets NUL and ``²`` in all
        of them (its own code path: a clerk's filters differ from head office's) and the
        whole set only for parameters nobody sent yet."""
        response, read = self.record(method, url)
        if response is None or not read:
            return  # refused, or the view reads no parameter
        named = sorted(read - {Recorder.ALL})
        params = sorted(set(named) | set(COMMON_PARAMS))
        fresh = [param for param in named if (method, url, param) not in walked]
        for value in HOSTILE if fresh or not walked & {(method, url, "*")} else ONE_BY_ONE:
            self.send(method, url, _query(params, value))
        walked |= {(method, url, "*")} | {(method, url, param) for param in fresh}
        if len(named) <= ONE_BY_ONE_UP_TO:
            for param in fresh:
                for value in ONE_BY_ONE:
                    self.send(method, url, _query([param], value))


def quiet_request_logs():
    """The walk counts the 5xx itself; thousands of 4xx log lines only slow it down."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    return lambda: [logger.setLevel(level) for logger, level in zip(loggers, levels, strict=True)]


def walker_for(user) -> "Walker":
    # The SMS gateway's token too, so its inbound endpoint is walked past the token check.
    walker = Walker(Client(raise_request_exception=False, headers={"X-Kedang-Token": INBOUND_TOKEN}), user)
    walker.log_in_again()
    return walker
