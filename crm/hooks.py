"""Declared extension points through which later apps add to earlier ones.

Dependencies point one way (crm <- customers <- loyalty <- followups, complaints <-
reports), so an earlier app never imports a later one. Instead the earlier app calls a
point declared below, and a later app registers a provider for it in its
``AppConfig.ready()``::

    hooks.register("customer_panels", panels.customer_panel)

Each point is declared once, here, by a stub function: its parameters are the point's
signature and its docstring says what a provider does. Registering for or calling an
undeclared name raises ``UnknownPoint`` (so a typo fails at start-up, not as a silent 0 %
discount), and a provider whose parameters cannot take the declared arguments raises
``ImproperlyConfigured`` when it registers.

Providers run in ascending ``order`` (``register(name, fn, order=N)``, default 100), ties
in registration order. Points declared ``ordered=True`` require an explicit, distinct
``order`` from every provider, because their providers depend on one another.
``docs/architecture.md`` lists every point with its providers and their order.

Tests replace a point's providers with ``hooks.override(name, fn, ...)`` (a context
manager) instead of touching the registry.
"""

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

DEFAULT_ORDER = 100


class UnknownPoint(LookupError):
    """A hook name that no ``declare`` made: a typo, or a point that was never declared."""


@dataclass
class Point:
    name: str
    stub: Callable
    ordered: bool = False
    providers: list[tuple[int, Callable]] = field(default_factory=list)

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.stub) or ""

    @property
    def signature(self) -> inspect.Signature:
        return inspect.signature(self.stub)

    def functions(self) -> list[Callable]:
        return [fn for _order, fn in sorted(self.providers, key=lambda p: p[0])]


_points: dict[str, Point] = {}


def declare(stub: Callable | None = None, *, ordered: bool = False):
    """Declare the point named after ``stub``; used as ``@declare`` or ``@declare(ordered=True)``."""

    def wrap(fn: Callable) -> Callable:
        if fn.__name__ in _points:
            raise ImproperlyConfigured(f"hook point {fn.__name__!r} is declared twice")
        _points[fn.__name__] = Point(fn.__name__, fn, ordered=ordered)
        return fn

    return wrap(stub) if stub is not None else wrap


def point(name: str) -> Point:
    try:
        return _points[name]
    except KeyError:
        raise UnknownPoint(f"no hook point {name!r} is declared in crm.hooks") from None


def points() -> list[Point]:
    """Every declared point, in declaration order."""
    return list(_points.values())


def _check_signature(p: Point, fn: Callable) -> None:
    args, kwargs = [], {}
    for param in p.signature.parameters.values():
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = None
        else:
            args.append(None)
    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"{fn.__module__}.{fn.__qualname__} cannot provide hook {p.name}{p.signature}: {exc}"
        ) from None


def register(name: str, fn: Callable, *, order: int | None = None) -> Callable:
    p = point(name)
    _check_signature(p, fn)
    if any(existing is fn for _o, existing in p.providers):
        return fn
    if p.ordered:
        if order is None:
            raise ImproperlyConfigured(f"hook {name} is ordered: register {fn.__qualname__} with order=N")
        if any(o == order for o, _fn in p.providers):
            raise ImproperlyConfigured(f"hook {name}: two providers with order={order}")
    p.providers.append((DEFAULT_ORDER if order is None else order, fn))
    return fn


def functions(name: str) -> list[Callable]:
    """The point's providers, in order."""
    return point(name).functions()


def first(name: str, *args, default=None, **kwargs):
    """The first provider's answer that is not None, else ``default``."""
    for fn in functions(name):
        result = fn(*args, **kwargs)
        if result is not None:
            return result
    return default


def panels(name: str, *args, **kwargs) -> list[tuple[str, dict]]:
    """Every provider's (template, context), in order, skipping those that return None."""
    return [p for fn in functions(name) if (p := fn(*args, **kwargs)) is not None]


def each(name: str, *args, **kwargs) -> None:
    """Call every provider in order (for points that are events)."""
    for fn in functions(name):
        fn(*args, **kwargs)


@contextmanager
def override(name: str, *fns: Callable) -> Iterator[None]:
    """Within the block, ``name``'s providers are exactly ``fns`` (none if empty), in that order."""
    p = point(name)
    saved = p.providers
    p.providers = []
    try:
        for i, fn in enumerate(fns):
            _check_signature(p, fn)
            p.providers.append((i, fn))
        yield
    finally:
        p.providers = saved


# --- The points --------------------------------------------------------------------------
# Panels are (template_name, context) pairs; the template gets the context as ``panel``.


@declare(ordered=True)
def purchase_recorded(purchase) -> None:
    """A purchase was recorded (not an idempotent retry, not an imported opening balance:
    the purchase has a customer and ``is_imported`` is False). Called by
    ``customers.services.record_purchase`` inside the purchase's transaction, after the
    purchase, its lines and the customer's totals are saved, with the customer row locked:
    providers write in that transaction, so a failure in any of them records nothing.

    Order: loyalty (10: earn points, then check the tier rules) before followups (20: the
    follow-up plan, whose cadence depends on the tier)."""


@declare
def customer_panels(request, customer) -> tuple[str, dict] | None:
    """A panel on the customer profile; the provider checks ``request.user`` may see it."""


@declare
def till_panels(request, customer) -> tuple[str, dict] | None:
    """A panel at the till beside the chosen customer."""


@declare
def receipt_panels(request, purchase) -> tuple[str, dict] | None:
    """A panel on the receipt page after a sale."""


@declare
def home_panels(request) -> tuple[str, dict] | None:
    """A card in the grid on the home page."""


@declare
def home_sections(request) -> tuple[str, dict] | None:
    """A full-width section below the home page's cards (today's sales, from customers)."""


@declare
def nav_links(request) -> list[tuple[str, str]]:
    """``[(url, label), ...]`` added to the top navigation for a staff user."""


@declare
def discount_rate(customer):
    """The customer's discount at the till as a ``Decimal`` from 0 to 1, or None; the first
    non-None answer applies (none: no discount)."""


@declare
def sale_preview(customer, total) -> dict | None:
    """Read-only: what a sale of ``total`` (after the discount) not yet recorded would earn
    and change, for the till's live total: ``{"points", "balance_after", "qualifies_for"
    (a card's label or None), "next" (the gap to the next card after the sale, or None)}``.
    ``customer`` may be unsaved (a new customer's first sale). First answer wins."""


@declare
def voucher_discount(customer, store, code, amount, day):
    """Read-only: what the voucher ``code`` takes off ``amount`` (the sale after the member
    discount) for ``customer`` in ``store`` on ``day``, as a ``Decimal``. Raises
    ``ValidationError`` (code ``"voucher"``) with the clerk's message when it cannot be
    used: expired, used, another customer's, below its minimum spend. First answer wins;
    None when no app keeps vouchers."""


@declare
def redeem_voucher(purchase, code, discount) -> bool:
    """Inside the sale's transaction, after ``voucher_discount`` priced it: mark the voucher
    ``code`` used by ``purchase`` with ``discount``. Of two sales redeeming one voucher at
    once exactly one wins; the loser raises ``ValidationError`` (code ``"voucher"``) and its
    sale is not recorded. First answer wins."""


@declare
def card_application_moved(application, status, by) -> None:
    """A card application moved to ``status`` (loyalty's register step), inside that step's
    transaction. Followups makes the next call the card pick-up call on approval, and on
    the first notice sends the card-ready SMS and plans the second-notice call."""


@declare
def points_balances(customer_ids) -> dict[int, int] | None:
    """``{customer_id: points}`` for a chunk of customers being exported (first answer wins)."""


@declare
def schedule_callback(customer, *, purpose, due_date, assignee, store, note="", key):
    """Put an ad-hoc call on ``assignee``'s worklist, once per ``key``; returns the task
    (first answer wins; None when no app keeps worklists)."""


@declare
def schedule_callbacks(calls) -> int:
    """Put many ad-hoc calls on worklists at once: ``calls`` is a list of dicts holding
    ``schedule_callback``'s arguments (``customer``, ``purpose``, ``due_date``,
    ``assignee``, ``store``, ``key``, optional ``note`` and ``channel``); a key already on a
    worklist is skipped. Returns how many were added (each provider is called; the
    distributors' daily service-rhythm job uses it)."""


@declare
def seed_demo(*, rng, today, stores, staff, customers) -> None:
    """Add the app's demo data (``manage.py seed_demo``), after stores, staff, customers
    and their sales exist."""


@declare
def send_transactional_sms(*, customer, store, text, masked_text, key) -> bool:
    """Send ``text`` to the customer's mobile at once: a message the customer asked for (a
    verification code at another store's till), not marketing, so consent and a TD opt-out
    do not block it. The outbox keeps ``masked_text``. True if the gateway accepted it
    (first answer wins; None when no app sends SMS)."""


@declare
def customer_data(customer) -> list:
    """The app's records about ``customer`` for the customer's own copy of their data:
    a list of ``customers.privacy.rights.Section`` (made with ``rights.section``)."""


@declare
def customer_erased(customer) -> None:
    """``customer`` is being erased (inside the erasure's transaction): remove the personal
    data the app keeps about them (relatives' names and phones, message numbers and texts)
    and cancel what would still reach them; keep amounts and counts for the reports."""
