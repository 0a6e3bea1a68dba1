"""In-app notifications. Each has a unique key, so sending the same notice twice (a job run
twice, a retried request) stores it once."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, Notification
from crm.models import Role


def send(recipients, *, text: str, key: str, complaint: Complaint | None = None, link: str = "") -> int:
    """Store one notification per recipient; returns how many are new."""
    link = link or (complaint.get_absolute_url() if complaint is not None else "")
    now = timezone.now()
    rows = [
        Notification(
            recipient=user, text=text[:300], link=link, complaint=complaint, key=f"{key}:{user.pk}", created_at=now
        )
        for user in {user.pk: user for user in recipients if user is not None}.values()
    ]
    if not rows:
        return 0
    before = Notification.objects.filter(key__in=[row.key for row in rows]).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(key__in=[row.key for row in rows]).count() - before


def notification(user_id: int, text: str, key: str, complaint: Complaint, link: str = "") -> Notification:
    """One notice about ``complaint`` (``link`` its page, when the caller has it already)."""
    return Notification(
        recipient_id=user_id,
        text=text[:300],
        link=link or complaint.get_absolute_url(),
        complaint=complaint,
        key=f"{key}:{user_id}",
        created_at=timezone.now(),
    )


def store(rows: list[Notification]) -> int:
    """Store many notifications at once; returns how many are new."""
    if not rows:
        return 0
    keys = [row.key for row in rows]
    before = Notification.objects.filter(key__in=keys).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return Notification.objects.filter(key__in=keys).count() - before


def store_managers_of(store_ids) -> dict[int, list[int]]:
    """Active managers' user ids per store."""
    User = get_user_model()
    found: dict[int, list[int]] = {}
    rows = User.objects.filter(is_active=True, staff__role=Role.MANAGER, staff__store__in=store_ids)
    for user_id, store_id in rows.values_list("pk", "staff__store_id"):
        found.setdefault(store_id, []).append(user_id)
    return found


def store_managers(store) -> list:
    User = get_user_model()
    return list(User.objects.filter(is_active=True, staff__role=Role.MANAGER, staff__store=store))


def head_office() -> list:
    User = get_user_model()
    return list(User.objects.filter(is_active=True, staff__role=Role.HEAD_OFFICE))


def complaint_assigned(complaint: Complaint) -> None:
    send(
        [complaint.owner],
        text=_("Complaint #%(number)s (%(who)s) is assigned to you.") % {"number": complaint.pk, "who": complaint.who},
        key=f"assigned:{complaint.pk}:{complaint.owner_id}:{complaint.updated_at.timestamp():.0f}",
        complaint=complaint,
    )


def complaint_reopened(complaint: Complaint) -> None:
    send(
        [complaint.owner, *store_managers(complaint.store)],
        text=_("Complaint #%(number)s (%(who)s) was reopened.") % {"number": complaint.pk, "who": complaint.who},
        key=f"reopened:{complaint.pk}:{complaint.reopened_count}",
        complaint=complaint,
    )


def mark_read(user, notification_ids=None) -> int:
    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
