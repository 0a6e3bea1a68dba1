"""Core models every app uses: stores, staff and their roles, audit events."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoreQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StoreQuerySet":
        """The stores whose data ``user`` may read."""
        profile = staff_profile(user)
        if profile is None:
            return self.none()
        if profile.role == Role.HEAD_OFFICE:
            return self.all()
        if profile.role == Role.SUPERVISOR:
            return self.filter(region=profile.region) if profile.region else self.none()
        return self.filter(pk=profile.only_store_id) if profile.only_store_id else self.none()


class Store(models.Model):
    code = models.CharField(_("store code"), max_length=16, unique=True, help_text=_("For example S027"))
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = StoreQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    MANAGER = "manager", _("Store manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    HEAD_OFFICE = "head_office", _("Head office")
    # Distributors (business accounts): an account manager (业务员) works their own
    # accounts, a sales manager their team's. Neither sees a store's shoppers.
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    SALES_MANAGER = "sales_manager", _("Sales manager")


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLERK)
    store = models.ForeignKey(
        Store,
        verbose_name=_("store"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Required for clerks and store managers."),
    )
    region = models.CharField(
        _("region"), max_length=50, blank=True, help_text=_("Supervisors see every store of this region.")
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    sales_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        help_text=_("For account managers: the sales manager whose team they are in."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["clerk", "manager"]) | models.Q(store__isnull=False),
                name="staff_store_required_for_store_roles",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.username

    @property
    def is_head_office(self) -> bool:
        return self.role == Role.HEAD_OFFICE

    @property
    def only_store_id(self) -> int | None:
        """The one store whose data this member of staff reads (``Store.objects.visible_to``);
        None for head office and supervisors, who read several, and for staff without a store."""
        return None if self.role in (Role.HEAD_OFFICE, Role.SUPERVISOR) else self.store_id

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def works_accounts(self) -> bool:
        """Account managers, sales managers and head office work business accounts."""
        return self.role in (Role.ACCOUNT_MANAGER, Role.SALES_MANAGER, Role.HEAD_OFFICE)

    @property
    def can_write(self) -> bool:
        """Supervisors only read; everyone else works on the customers they see."""
        return self.role != Role.SUPERVISOR

    @property
    def can_export(self) -> bool:
        return self.role in (Role.MANAGER, Role.HEAD_OFFICE)


def staff_profile(user) -> StaffProfile | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def account_team(user) -> list[int] | None:
    """The users whose business accounts ``user`` works: an account manager themself, a
    sales manager themself and their team; None for head office (everyone); [] otherwise."""
    profile = staff_profile(user)
    if profile is None:
        return []
    if profile.role == Role.HEAD_OFFICE:
        return None
    if profile.role == Role.ACCOUNT_MANAGER:
        return [user.pk]
    if profile.role == Role.SALES_MANAGER:
        return [user.pk, *StaffProfile.objects.filter(sales_manager=user).values_list("user_id", flat=True)]
    return []


def staff_name(user) -> str:
    """How a person is named on lists and exports: the staff name, else the login's."""
    if user is None:
        return ""
    profile = getattr(user, "staff", None)  # the missing-profile error is an AttributeError too
    return profile.name if profile is not None else user.get_full_name() or user.username


class AuditEvent(models.Model):
    """Who did what to which object, for the things a chain must be able to trace."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    store = models.ForeignKey(Store, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Rate limits and the audit page count a person's events of a kind by time.
            models.Index(fields=["actor", "action", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class UserSession(models.Model):
    """A logged-in session of a user, so all of them can be ended at once.

    Django's session table cannot be searched by user without decoding every row;
    this index of it is written at login and removed at logout.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "started_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"


class DailyRun(models.Model):
    """One day's run of the daily jobs: when it was queued, last showed progress, finished.

    Beat queues the jobs at KEDANG_DAILY_JOBS_AT; a worker that dies mid-run leaves a day
    without ``finished_at``, which ``crm.jobs.catch_up`` queues again (see there)."""

    day = models.DateField(unique=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    worked_at = models.DateTimeField(null=True, blank=True)
    worked_by = models.CharField(max_length=200, blank=True, help_text="The Celery node running it.")
    finished_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day} {'done' if self.finished_at else 'not done'}"
