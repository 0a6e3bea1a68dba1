"""Access helpers: every view reaches data through these, never through an unscoped manager."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from crm.models import AuditEvent, Role, StaffProfile, staff_profile


def require_profile(user) -> StaffProfile:
    """The staff profile, or 403 for a login that is not set up as staff."""
    profile = staff_profile(user)
    if profile is None:
        raise PermissionDenied
    return profile


def staff_required(*roles: str) -> Callable:
    """Login plus a staff profile; with ``roles``, only those roles (others get 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            profile = require_profile(request.user)
            if roles and profile.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


head_office_required = staff_required(Role.HEAD_OFFICE)
writer_required = staff_required(Role.CLERK, Role.MANAGER, Role.HEAD_OFFICE)
export_required = staff_required(Role.MANAGER, Role.HEAD_OFFICE)


def store_scope(user, store_field: str = "store") -> models.Q:
    """A Q object limiting rows to the stores ``user`` sees, through ``store_field``."""
    from crm.models import Store

    profile = staff_profile(user)
    if profile is None:
        return models.Q(pk__in=[])
    if profile.role == Role.HEAD_OFFICE:
        return models.Q()
    return models.Q(**{f"{store_field}__in": Store.objects.visible_to(user)})


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a store through ``scope_field``."""

    scope_field = "store"

    def visible_to(self, user):
        return self.filter(store_scope(user, self.scope_field))


def get_visible_or_404(queryset, user, **lookup):
    """``get_object_or_404`` on ``queryset.visible_to(user)``."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def audit(actor, action: str, obj=None, store=None, **detail) -> AuditEvent:
    event = audit_event(actor, action, obj, store, **detail)
    event.save(force_insert=True)
    return event


def audit_event(actor, action: str, obj=None, store=None, **detail) -> AuditEvent:
    """``audit``'s event, unsaved (for a caller that writes it with another row)."""
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        store=store,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )
