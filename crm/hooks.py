"""Extension points through which later apps add to earlier ones.

Dependencies point one way (crm <- customers <- loyalty <- followups, complaints <-
reports), so an earlier app never imports a later one. Instead the later app registers
a function here in its ``AppConfig.ready()``:

- ``customer_panels``: ``fn(request, customer) -> (template_name, context) | None``;
  shown on the customer profile, in registration order.
- ``till_panels``: same signature, shown at the till beside the chosen customer.
- ``receipt_panels``: ``fn(request, purchase) -> (template_name, context) | None`` on the
  receipt page after a sale.
- ``discount_rate``: ``fn(customer) -> Decimal`` (0 to 1); the first non-None answer is
  the discount applied at the till.
- ``home_panels``: ``fn(request) -> (template_name, context) | None`` on the home page.
- ``nav_links``: ``fn(request) -> list[(url, label)]`` for the top navigation.
- ``schedule_callback``: ``fn(customer, *, purpose, due_date, assignee, store, note="", key)``
  puts an ad-hoc call on a clerk's worklist (registered by followups, used by complaints).
- ``schedule_callbacks``: ``fn(calls: list[dict]) -> int``, many such calls at once (each
  dict holds ``schedule_callback``'s arguments; known keys are skipped); used by the
  distributors' daily service-rhythm job.
- ``seed_demo``: ``fn(*, rng, today, stores, staff, customers)`` adds an app's demo data.
"""

from collections import defaultdict
from collections.abc import Callable

_registry: dict[str, list[Callable]] = defaultdict(list)


def register(point: str, fn: Callable) -> Callable:
    if fn not in _registry[point]:
        _registry[point].append(fn)
    return fn


def functions(point: str) -> list[Callable]:
    return list(_registry[point])


def first(point: str, *args, default=None, **kwargs):
    for fn in _registry[point]:
        result = fn(*args, **kwargs)
        if result is not None:
            return result
    return default


def panels(point: str, *args, **kwargs) -> list[tuple[str, dict]]:
    """Every registered panel's (template, context), skipping those that return None."""
    return [p for fn in _registry[point] if (p := fn(*args, **kwargs)) is not None]
