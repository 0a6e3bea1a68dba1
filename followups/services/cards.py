"""The card register's calls and message (seed 003 steps 10-12): once head office approves,
the customer's next call becomes the card pick-up call; the first notice sends the
card-ready SMS and puts the second-notice call on the worklist for the next day; a card
collected or mailed cancels the calls still waiting."""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followups.models import FollowUpTask, MessageTemplate, OutboundMessage, TaskStatus
from followups.services.messages import message_context, sms_text
from followups.services.plans import schedule_callback
from loyalty.models import ApplicationStatus as S

CARD_READY_TEMPLATE = "card_ready"


def _key(kind: str, application) -> str:
    return f"card-{kind}:{application.pk}"


def _texts(kind: str, application) -> tuple[str, str]:
    """(purpose, script) in the installation's language, stored as the clerk reads them;
    the card is written in, {name} and {store} are filled when the call is shown."""
    with translation.override(settings.LANGUAGE_CODE):
        card = str(application.get_target_tier_display())
        if kind == "pickup":
            purpose = _("Card pick-up call")
            script = _("Tell {name} the {card} is ready and ask when they can collect it at {store}.")
        else:
            purpose = _("Second card pick-up call")
            script = _("The {card} is still waiting: remind {name} to collect it at {store}, or offer to mail it.")
    return purpose, script.replace("{card}", card)


def _assignee(application):
    return application.created_by or application.customer.clerk


def make_pickup_call(application) -> FollowUpTask:
    """The customer's next call (the day-7 call of the plan, or whichever comes next)
    becomes the card pick-up call; without one, a pick-up call for tomorrow."""
    key = _key("pickup", application)
    existing = FollowUpTask.objects.filter(key=key).first()
    if existing is not None:
        return existing
    purpose, script = _texts("pickup", application)
    today = timezone.localdate()
    opened = application.purchase.purchased_at if application.purchase_id else application.created_at
    day_7 = timezone.localdate(opened) + dt.timedelta(days=7)
    ahead = (
        FollowUpTask.objects.pending()
        .calls()
        .filter(customer_id=application.customer_id, key__isnull=True)
        .order_by("due_date", "id")
    )
    upcoming = ahead.filter(due_date__gte=max(today, day_7)).first() or ahead.filter(due_date__gte=today).first()
    if upcoming is not None:
        upcoming.key, upcoming.purpose, upcoming.script = key, purpose, script
        upcoming.save(update_fields=["key", "purpose", "script"])
        return upcoming
    return schedule_callback(
        application.customer,
        purpose=purpose,
        due_date=today + dt.timedelta(days=1),
        assignee=_assignee(application),
        store=application.store,
        note=script,
        key=key,
    )


def send_card_ready(application) -> OutboundMessage | None:
    """The card-ready SMS from head office's template, queued once, if the customer takes SMS."""
    customer = application.customer
    template = MessageTemplate.objects.filter(code=CARD_READY_TEMPLATE, is_active=True).first()
    if template is None or not customer.can_receive_sms:
        return None
    context = message_context(customer, store=application.store)
    context["card"] = application.get_target_tier_display()
    message, _created = OutboundMessage.objects.get_or_create(
        key=_key("ready", application),
        defaults={
            "customer": customer,
            "store": application.store,
            "mobile": customer.mobile,
            "body": sms_text(template.body, context),
        },
    )
    return message


def plan_second_notice(application) -> FollowUpTask:
    purpose, script = _texts("second", application)
    return schedule_callback(
        application.customer,
        purpose=purpose,
        due_date=timezone.localdate() + dt.timedelta(days=1),
        assignee=_assignee(application),
        store=application.store,
        note=script,
        key=_key("second", application),
    )


def _close_calls(application, kinds: tuple[str, ...], status: str = TaskStatus.DONE) -> None:
    keys = [_key(kind, application) for kind in kinds]
    FollowUpTask.objects.pending().filter(key__in=keys).update(status=status, completed_at=timezone.now())


def on_card_application_moved(application, status, by) -> None:
    """Provider of the ``card_application_moved`` hook."""
    if status == S.APPROVED:
        make_pickup_call(application)
    elif status == S.NOTIFIED:
        _close_calls(application, ("pickup",))
        send_card_ready(application)
        plan_second_notice(application)
    elif status in (S.NOTIFIED_AGAIN, S.COLLECTED, S.MAILED):
        _close_calls(application, ("pickup", "second"))
    elif status == S.WITHDRAWN:
        _close_calls(application, ("pickup", "second"), TaskStatus.CANCELLED)
