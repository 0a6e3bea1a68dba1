"""Message text: placeholders, preview, the opt-out line, and stopping messages."""

import re
import string
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.access import audit
from customers.models import Customer, Purchase
from customers.privacy import consent
from customers.privacy.models import ConsentKind, ConsentMethod
from followups.models import Channel, FollowUpTask, InboundMessage, MessageStatus, OutboundMessage, TaskStatus

# Placeholder -> what it stands for, shown beside the template editor.
PLACEHOLDERS = {
    "name": _("name with 先生/女士"),
    "store": _("store name"),
    "items": _("items bought"),
    "points": _("points balance"),
    "cumulative_spend": _("cumulative spend (CNY)"),
    "next_gift": _("next gift"),
    "points_needed": _("points still needed for the next gift"),
    "gift_hint": _("a sentence about the next gift, empty when there is none"),
    "years": _("years as a member"),
    "card": _("the card ready to collect (card-ready message)"),
}

OPT_OUT_WORDS = {"TD", "T", "不接受", "退订"}


class _Missing(dict):
    """A placeholder with no value (or an unknown one) becomes nothing, never ``{name}``."""

    def __missing__(self, key):
        return ""


# Brackets left empty when the placeholder inside them had no value: "新品到店（）".
EMPTY_BRACKETS = re.compile(r"[（(【\[「《]\s*[）)】\]」》]")
LEFTOVER_BRACES = re.compile(r"\{[^{}]*\}|[{}]")


def loyalty_context(customer: Customer) -> dict:
    from loyalty.services import points_balance

    return loyalty_context_for(points_balance(customer), gifts_on_offer())


def gifts_on_offer() -> list:
    """Gifts in stock, cheapest first: the next gift of any balance is the first dearer one."""
    from loyalty.models import Gift

    return list(Gift.objects.filter(is_active=True, stock__gt=0).order_by("points_price", "pk"))


def loyalty_context_for(points: int, gifts: list) -> dict:
    """The points placeholders for a balance, given ``gifts_on_offer()``."""
    gift = next((g for g in gifts if g.points_price > points), None)
    needed = gift.points_price - points if gift is not None else 0
    hint = f"再积{needed}分即可兑换{gift}。" if gift is not None else ""
    return {"points": points, "next_gift": str(gift or ""), "points_needed": needed, "gift_hint": hint}


def message_context(customer: Customer, *, purchase: Purchase | None = None, store=None, day=None) -> dict:
    purchase = purchase or customer.purchases.counted().order_by("-purchased_at").first()
    items = [line.item for line in purchase.lines.all()] if purchase else []
    return context_for(customer, purchase=purchase, items=items, store=store, day=day, **loyalty_context(customer))


def context_for(customer: Customer, *, purchase, items: list[str], store=None, day=None, **points) -> dict:
    """The placeholders of one message from what the caller already read (the outbox reads
    purchases, lines, balances and gifts for a whole batch at once)."""
    store = store or (purchase.store if purchase else customer.home_store)
    day = day or timezone.localdate()
    years = day.year - customer.member_since.year if customer.member_since else 0
    return {
        "name": customer.salutation,
        "store": store.name,
        "items": "、".join(items),
        "cumulative_spend": f"{customer.cumulative_spend:.2f}",
        "years": years,
        **points,
    }


def render(body: str, context: dict) -> str:
    """``body`` with its placeholders filled. What a customer or clerk reads never shows a
    placeholder: missing or unknown ones become nothing, brackets left empty go, and a
    stray brace in head office's text is dropped rather than the message not sent."""
    values = {k: "" if v is None else v for k, v in context.items()}
    try:
        text = string.Formatter().vformat(body or "", (), _Missing(values))
    except (ValueError, IndexError, AttributeError, KeyError):
        text = body or ""
    text = LEFTOVER_BRACES.sub("", text)
    return EMPTY_BRACKETS.sub("", text)


def _bare(text: str) -> str:
    return re.sub(r"[\s。.!！，,]", "", text)


def with_opt_out_line(text: str) -> str:
    """The text with the opt-out line once: not added again when the template already
    has it (with or without its full stop, at the end or before a signature)."""
    line = settings.KEDANG_SMS_OPT_OUT_LINE
    if not line or _bare(line) in _bare(text):
        return text
    return f"{text.rstrip()}{line}"


def sms_text(body: str, context: dict) -> str:
    return with_opt_out_line(render(body, context))


SAMPLE_CONTEXT = {
    "name": "王女士",
    "store": "南京西路店",
    "items": "羊毛西装、衬衫",
    "points": 3280,
    "cumulative_spend": f"{Decimal('3280.00'):.2f}",
    "next_gift": "真丝领带",
    "points_needed": 720,
    "gift_hint": "再积720分即可兑换真丝领带。",
    "years": 2,
    "card": "银卡",
}


def is_opt_out_reply(text: str) -> bool:
    return (text or "").strip().upper().rstrip("。.!！") in OPT_OUT_WORDS


def stop_messages(customer: Customer, *, by=None, reason: str = "opt_out") -> int:
    """Opt the customer out: no further SMS, queued ones are cancelled. Returns messages cancelled.

    The opt-out is a TD reply (from the gateway, or marked by hand for a reply seen on the
    phone) and goes into the consent history; only a new recorded consent reverses it.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if reason == "opt_out" and not customer.marketing_opt_out_at:
            consent.record_consent(customer, kind=ConsentKind.SMS, granted=False, by=by, method=ConsentMethod.TD_REPLY)
        cancel_pending_sms(customer)
        cancelled = OutboundMessage.objects.filter(customer=customer, status=MessageStatus.QUEUED).update(
            status=MessageStatus.CANCELLED, last_error=reason
        )
        audit(by, f"followups.sms_stopped.{reason}", customer, store=customer.home_store)
    return cancelled


def cancel_pending_sms(customer: Customer) -> int:
    return FollowUpTask.objects.filter(customer=customer, channel=Channel.SMS, status=TaskStatus.PENDING).update(
        status=TaskStatus.CANCELLED
    )


def record_inbound(mobile: str, text: str) -> InboundMessage:
    """A reply from the gateway. "TD" or "不接受" stops every marketing message to that number."""
    customer = Customer.objects.filter(mobile=mobile).first()
    opt_out = is_opt_out_reply(text)
    message = InboundMessage.objects.create(mobile=mobile, body=text[:500], customer=customer, is_opt_out=opt_out)
    if opt_out and customer is not None:
        stop_messages(customer)
    return message
