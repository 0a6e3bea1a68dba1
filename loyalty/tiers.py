"""Tier rules and evaluation: who is eligible for the silver or gold card, and opening
the card application when they are. Becoming eligible never changes the tier by itself."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import audit
from crm.db import Compiled, insert_unless_conflict
from customers.models import Customer, Purchase, Tier
from loyalty import defaults
from loyalty.models import (
    OPEN_STATUSES,
    UPGRADE_TIERS,
    ApplicationEvent,
    ApplicationStatus,
    CardApplication,
    RuleVersion,
    TierEvaluation,
    TierRule,
    tier_rank,
)

ZERO = Decimal("0.00")


class RuleError(ValueError):
    pass


def next_tier(tier: str) -> str | None:
    return {Tier.C: Tier.B, Tier.B: Tier.A}.get(tier)


# --- rules ----------------------------------------------------------------------------


def current_rules() -> RuleVersion:
    """The latest version with its rules, read in one query (at every sale)."""
    latest = RuleVersion.objects.order_by("-number").values("pk")[:1]
    rules = list(TierRule.objects.filter(version=Subquery(latest)).select_related("version"))
    if rules:
        version = rules[0].version
        version._prefetched_objects_cache = {"rules": rules}
        return version
    version = RuleVersion.current()
    if version is None:  # the data migration seeds v1; this covers a flushed database
        version = update_rules(dict(defaults.TIER_RULES), by=None, note="defaults")
    return version


@transaction.atomic
def update_rules(values: dict, *, by, note: str = "") -> RuleVersion:
    """A new version of the rules. ``values``: tier -> (single, cumulative, window_days|None)."""
    for tier in UPGRADE_TIERS:
        single, cumulative, window = values[tier]
        if single <= 0 or cumulative <= 0 or (window is not None and window <= 0):
            raise RuleError(_("Thresholds and the window must be more than zero."))
    silver, gold = values[Tier.B], values[Tier.A]
    if gold[0] < silver[0] or gold[1] < silver[1]:
        raise RuleError(_("Gold card thresholds cannot be lower than silver card thresholds."))
    last = RuleVersion.objects.select_for_update().order_by("-number").first()
    version = RuleVersion.objects.create(number=(last.number + 1) if last else 1, created_by=by, note=note[:200])
    TierRule.objects.bulk_create(
        TierRule(version=version, tier=tier, single_threshold=s, cumulative_threshold=c, window_days=w)
        for tier, (s, c, w) in values.items()
    )
    if by is not None:
        audit(by, "loyalty.rules_changed", version, version=version.number)
    return RuleVersion.objects.prefetch_related("rules").get(pk=version.pk)


# --- evaluation -------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Standing:
    """What counts toward one tier on one day."""

    tier: str
    rule: TierRule
    max_single: Decimal
    cumulative: Decimal

    @property
    def met(self) -> bool:
        return self.max_single >= self.rule.single_threshold or self.cumulative >= self.rule.cumulative_threshold

    @property
    def cumulative_needed(self) -> Decimal:
        return max(ZERO, self.rule.cumulative_threshold - self.cumulative)


def standings(customer: Customer, on: dt.date, version: RuleVersion | None = None) -> dict[str, Standing]:
    """Per upgrade tier: the largest single purchase and the spend that count on ``on``.

    A rule with a window counts real (not imported) purchases of the ``window_days``
    store-local days ending on ``on``, that day included. Without a window, single
    purchases count since the first, and the cumulative is the customer's cumulative
    spend (opening balances included, returns deducted).
    """
    version = version or current_rules()
    end = _day_start(on + dt.timedelta(days=1))
    aggregates = {}
    for rule in version.rules.all():
        since = (
            Q(purchased_at__gte=_day_start(on - dt.timedelta(days=rule.window_days - 1))) if rule.window_days else Q()
        )
        aggregates[f"single_{rule.tier}"] = Max("total", filter=since)
        aggregates[f"sum_{rule.tier}"] = Sum("total", filter=since)
    row = Purchase.objects.filter(customer_id=customer.pk, is_imported=False, purchased_at__lt=end).aggregate(
        **aggregates
    )
    result = {}
    for rule in version.rules.all():
        cumulative = row[f"sum_{rule.tier}"] or ZERO if rule.window_days else customer.cumulative_spend
        result[rule.tier] = Standing(rule.tier, rule, row[f"single_{rule.tier}"] or ZERO, cumulative)
    return result


# What a sale's evaluation knows of the customer's open application when it was not read.
UNREAD = object()


def _rules_and_standings(customer: Customer, on: dt.date) -> tuple[RuleVersion, dict[str, Standing], object]:
    """``current_rules()`` and ``standings()`` in one query on PostgreSQL (at every sale):
    each rule of the latest version with its version and the customer's purchases that
    count toward it, and the target tier of the customer's open application (None: none
    is open; ``UNREAD`` elsewhere)."""
    if connection.vendor != "postgresql":
        version = current_rules()
        return version, standings(customer, on, version), UNREAD
    q = connection.ops.quote_name
    rule, ver, purchase, app = (q(m._meta.db_table) for m in (TierRule, RuleVersion, Purchase, CardApplication))
    sql = f"""
        SELECT r.id, r.tier, r.single_threshold, r.cumulative_threshold, r.window_days,
               v.id, v.number, v.created_at, v.created_by_id, v.note, a.single, a.spent, o.target_tier
        FROM {rule} r JOIN {ver} v ON v.id = r.version_id
        LEFT JOIN LATERAL (
            SELECT MAX(p.total) AS single, SUM(p.total) AS spent FROM {purchase} p
            WHERE p.customer_id = %s AND NOT p.is_imported AND p.purchased_at < %s
              -- days of 24 hours: Asia/Shanghai keeps no summer time
              AND (r.window_days IS NULL OR p.purchased_at >= %s - (r.window_days - 1) * INTERVAL '1 day')
        ) a ON true
        LEFT JOIN LATERAL (
            SELECT target_tier FROM {app} WHERE customer_id = %s AND status = ANY(%s::text[]) LIMIT 1
        ) o ON true
        WHERE v.id = (SELECT id FROM {ver} ORDER BY number DESC LIMIT 1)
        ORDER BY r.id"""
    open_statuses = [str(s) for s in OPEN_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [customer.pk, _day_start(on + dt.timedelta(days=1)), _day_start(on), customer.pk, open_statuses]
        )
        rows = cursor.fetchall()
    if not rows:  # a flushed database: the defaults, as current_rules() writes them
        version = current_rules()
        return version, standings(customer, on, version), UNREAD
    version_id, number, created_at, created_by_id, note = rows[0][5:10]
    version = RuleVersion(id=version_id, number=number, created_at=created_at, created_by_id=created_by_id, note=note)
    rules, found = [], {}
    for rule_id, tier, single, cumulative, window, *_version, max_single, spent, _open in rows:
        rule = TierRule(
            id=rule_id,
            version=version,
            tier=tier,
            single_threshold=single,
            cumulative_threshold=cumulative,
            window_days=window,
        )
        rules.append(rule)
        found[tier] = Standing(tier, rule, max_single or ZERO, (spent or ZERO) if window else customer.cumulative_spend)
    version._prefetched_objects_cache = {"rules": rules}
    return version, found, rows[0][-1]


def evaluate_tier(
    customer: Customer, on: dt.date | None = None, *, purchase: Purchase | None = None, record: bool = True
):
    """Which tier the rules make ``customer`` eligible for on ``on`` (never lower than the
    tier they hold). Records the evaluation with the rule version; returns it
    (``.eligible_tier``, ``.rule_version``). ``record=False`` (a purchase's, which the
    caller writes with its points): the evaluation unsaved. A purchase's evaluation also
    carries ``open_target``, what the same read saw of the open application (see
    ``_rules_and_standings``), for ``check_eligibility``."""
    on = on or timezone.localdate()
    version, found, open_target = _rules_and_standings(customer, on)
    eligible = customer.tier
    for tier in UPGRADE_TIERS:
        if found[tier].met and tier_rank(tier) > tier_rank(eligible):
            eligible = tier
    fields = {
        "rule_version": version,
        "current_tier": customer.tier,
        "eligible_tier": eligible,
        "max_single": max(s.max_single for s in found.values()),
        "cumulative": customer.cumulative_spend,
        "window_cumulative": found[Tier.A].cumulative,
        "at": timezone.now(),
    }
    if purchase is None:
        # The daily check records one evaluation per customer and day, however often it runs.
        evaluation, _created = TierEvaluation.objects.update_or_create(
            customer=customer, on=on, purchase=None, defaults=fields
        )
        return evaluation
    evaluation = TierEvaluation(customer=customer, on=on, purchase=purchase, **fields)
    evaluation.open_target = open_target
    if record:
        evaluation.save(force_insert=True)
    return evaluation


def next_tier_gap(customer: Customer, on: dt.date | None = None) -> dict | None:
    """How far the customer is from the next tier up, or None at gold."""
    target = next_tier(customer.tier)
    if target is None:
        return None
    standing = standings(customer, on or timezone.localdate())[target]
    return {
        "tier": target,
        "tier_label": Tier(target).label,
        "single_needed": standing.rule.single_threshold,
        "cumulative_needed": standing.cumulative_needed,
        "window_days": standing.rule.window_days,
        "eligible": standing.met,
    }


# --- eligibility -> card application ---------------------------------------------------


def _add_event(application: CardApplication, status: str, by, note: str = "", at=None) -> None:
    ApplicationEvent.objects.create(
        application=application,
        status=status,
        by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        note=str(note)[:200],
        at=at or timezone.now(),
    )


def _rejected_since_last_purchase(customer: Customer, tier: str) -> bool:
    """Head office said no and the customer has not bought since: don't ask again daily."""
    rejected = CardApplication.objects.filter(
        customer=customer, status=ApplicationStatus.REJECTED, target_tier__in=_tiers_at_or_above(tier)
    )
    if customer.last_purchase_at:
        rejected = rejected.filter(decided_at__gte=customer.last_purchase_at)
    return rejected.exists()


def _tiers_at_or_above(tier: str) -> list[str]:
    return [t for t in UPGRADE_TIERS if tier_rank(t) >= tier_rank(tier)]


def check_eligibility(
    customer: Customer,
    on: dt.date | None = None,
    by=None,
    *,
    purchase: Purchase | None = None,
    evaluation: TierEvaluation | None = None,
) -> CardApplication | None:
    """Evaluate and, if the customer qualifies for a higher tier, make sure one card
    application is open for it. Returns the open application (new or existing) or None;
    a sale's check (``purchase``) returns None whenever it opens nothing.

    Runs under the customer's row lock (taken here; the purchase already holds it), so
    two purchases at once open one application; a partial unique index backs that up.
    ``evaluation``: the purchase's, already made (``evaluate_tier(record=False)``).
    """
    with transaction.atomic(savepoint=False):
        if purchase is None or purchase.customer is not customer:
            customer = Customer.objects.select_for_update().get(pk=customer.pk)
        # else: record_purchase holds the lock and has just written the totals.
        evaluation = evaluation or evaluate_tier(customer, on, purchase=purchase)
        eligible = evaluation.eligible_tier
        if tier_rank(eligible) <= tier_rank(customer.tier) and purchase is not None:
            return None  # the sale asks for nothing back: no look-up of the open application
        seen = getattr(evaluation, "open_target", UNREAD) if purchase is not None else UNREAD
        if seen is not UNREAD and seen is not None and tier_rank(eligible) <= tier_rank(seen):
            # The evaluation's read, under the customer's lock, saw one open for this card
            # or a better one: nothing to open or raise, and the sale asks for nothing back.
            return None
        if purchase is not None and (seen is None or seen is UNREAD):
            # A sale opens the application unless one is open (the partial unique index
            # says so), without looking first: the look-up only when one is.
            application = _open_for(customer, eligible, evaluation.rule_version, purchase, by)
            if application is not None:
                return application
        open_application = _open_application(customer)
        if tier_rank(eligible) <= tier_rank(customer.tier):
            return open_application
        if open_application is not None:
            if tier_rank(eligible) > tier_rank(open_application.target_tier):
                open_application.target_tier = eligible
                open_application.rule_version = evaluation.rule_version
                open_application.save(update_fields=["target_tier", "rule_version"])
                _add_event(
                    open_application,
                    open_application.status,
                    by,
                    _("Now eligible for %(tier)s") % {"tier": Tier(eligible).label},
                )
            return open_application
        if purchase is None and _rejected_since_last_purchase(customer, eligible):
            return None
        application = _open_for(customer, eligible, evaluation.rule_version, purchase, by)
        # None: the daily check (which takes no customer lock) opened one meanwhile.
        return application or _open_application(customer)


def _open_application(customer: Customer) -> CardApplication | None:
    """The customer's open application (one at most: a partial unique index says so)."""
    return next(iter(_OPEN_APPLICATION(customer.pk)), None)


# Read at every sale that qualifies for a card while one is open: compiled once per process.
_OPEN_APPLICATION = Compiled(lambda customer_id: CardApplication.objects.open().filter(customer_id=customer_id)[:1])


def _open_for(customer: Customer, tier: str, version: RuleVersion, purchase: Purchase | None, by):
    """A new application for ``tier`` with its "created" event, in one statement; None
    if one is open already."""
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    application = CardApplication(
        customer=customer,
        store=purchase.store if purchase is not None else customer.home_store,
        from_tier=customer.tier,
        target_tier=tier,
        rule_version=version,
        purchase=purchase,
        created_by=user,
    )
    q = connection.ops.quote_name
    event = (
        f"INSERT INTO {q(ApplicationEvent._meta.db_table)} (application_id, status, at, by_id, note) "
        f"SELECT id, %s, %s, %s, %s FROM inserted",
        [
            ApplicationStatus.CREATED,
            connection.ops.adapt_datetimefield_value(timezone.now()),
            user.pk if user else None,
            (_("Opened automatically (rules v%(v)s)") % {"v": version.number})[:200],
        ],
    )
    return application if insert_unless_conflict(application, then=[event]) else None


def tier_check(day: dt.date) -> dict:
    """The daily job: everyone whose purchases meet a rule above their tier is checked
    (catches what a purchase-time check could not, such as edited rules). Set-based on
    PostgreSQL (``loyalty.daily_check``)."""
    version = current_rules()
    if connection.vendor == "postgresql":
        from loyalty import daily_check

        return daily_check.tier_check(day, version)
    return _tier_check_one_by_one(day, version)


def _tier_check_one_by_one(day: dt.date, version: RuleVersion) -> dict:
    """The same check a customer at a time, for the embedded SQLite demo's small data."""
    counted = Purchase.objects.filter(
        customer__isnull=False, is_imported=False, purchased_at__lt=_day_start(day + dt.timedelta(days=1))
    )
    qualifies = Q(pk__in=[])
    for rule in version.rules.all():
        below = Q(tier__in=[t for t in Tier.values if tier_rank(t) < tier_rank(rule.tier)])
        purchases = counted
        if rule.window_days:
            purchases = counted.filter(purchased_at__gte=_day_start(day - dt.timedelta(days=rule.window_days - 1)))
            spent = Q(
                pk__in=purchases.values("customer_id")
                .annotate(spent=Sum("total"))
                .filter(spent__gte=rule.cumulative_threshold)
                .values("customer_id")
            )
        else:
            spent = Q(cumulative_spend__gte=rule.cumulative_threshold)
        single = Q(pk__in=purchases.filter(total__gte=rule.single_threshold).values("customer_id"))
        applied = Q(
            pk__in=CardApplication.objects.open()
            .filter(target_tier__in=_tiers_at_or_above(rule.tier))
            .values("customer_id")
        )
        qualifies |= below & (single | spent) & ~applied
    before = CardApplication.objects.count()
    checked = 0
    for customer in Customer.objects.filter(qualifies).order_by("pk").iterator(chunk_size=500):
        check_eligibility(customer, day)
        checked += 1
    return {"checked": checked, "applications_opened": CardApplication.objects.count() - before}
