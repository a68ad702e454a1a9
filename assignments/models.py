"""
The WHO/WHAT/WHEN of the portal: the city's organisations and their members, the assignments
(uppdrag) the council gives them, the reporting periods, and the reports with their review
workflow, immutable submitted versions and event log.

State changes go through ``assignments.services``; the models hold data, invariants (as
database constraints) and read-only query helpers.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from goals.models import (
    Budget,
    CouncilGoal,
    GlobalGoal,
    GlobalTarget,
    LocalizedText,
    localized,
)


def _permissions_sql() -> str:
    """A user's own permissions and their groups', as (app label, codename): what Django's
    ModelBackend reads in two queries, in one. Written as SQL: on every signed-in page,
    building the same query with the ORM took five times as long as running it
    (docs/performance.md). The tables and columns are the models' own."""
    quote = connection.ops.quote_name
    own = User._meta.get_field("user_permissions")
    groups = User._meta.get_field("groups")
    granted = Group._meta.get_field("permissions")
    own_table = quote(User.user_permissions.through._meta.db_table)
    groups_table = quote(User.groups.through._meta.db_table)
    granted_table = quote(Group.permissions.through._meta.db_table)
    return f"""
        SELECT ct.app_label, p.codename
        FROM {quote(Permission._meta.db_table)} p
        INNER JOIN {quote(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id
        WHERE p.id IN (
            SELECT {quote(own.m2m_reverse_name())} FROM {own_table}
            WHERE {quote(own.m2m_column_name())} = %s
            UNION
            SELECT g.{quote(granted.m2m_reverse_name())} FROM {granted_table} g
            INNER JOIN {groups_table} u
                ON u.{quote(groups.m2m_reverse_name())} = g.{quote(granted.m2m_column_name())}
            WHERE u.{quote(groups.m2m_column_name())} = %s
        )
    """


class User(AbstractUser):
    """A person who signs in: a reporter of an organisation, a reviewer, or an administrator."""

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # the stubs leave it out
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_reviewer(self) -> bool:
        return self.has_perm("assignments.review_report")

    def has_perm(self, perm, obj=None) -> bool:
        # Django's ModelBackend reads an active user's permissions in two queries (their own,
        # then their groups') and keeps the set on the user as ``_perm_cache``; every
        # signed-in page asks whether the user reviews. The same set, read in one query
        # (_permissions_sql).
        if (
            obj is None
            and self.is_active
            and not self.is_superuser
            and not hasattr(self, "_perm_cache")
        ):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [self.pk, self.pk])
                rows = cursor.fetchall()
            self._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return super().has_perm(perm, obj)

    def writes_reports_as(self, role: str) -> bool:
        """
        Who writes an organisation's reports, for a membership already at hand: its
        reporters, unless they review (or administer), since a reviewer never changes a
        reporter's text. ``Organisation.objects.reported_by`` is the same rule in a query.
        """
        return role == MembershipRole.REPORTER and not self.is_reviewer


class OrganisationKind(models.TextChoices):
    KOMMUNSTYRELSE = "kommunstyrelse", _("City executive board")
    NAMND = "namnd", _("Committee")
    BOLAG = "bolag", _("Company")
    KOMMUNALFORBUND = "kommunalforbund", _("Municipal association")


class OrganisationQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> OrganisationQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def active_during(self, year: int) -> OrganisationQuerySet:
        """Organisations that existed at some point of ``year``."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
        )

    def for_user(self, user) -> OrganisationQuerySet:
        """The organisations ``user`` is a member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def reported_by(self, user) -> OrganisationQuerySet:
        """The organisations whose reports ``user`` writes (``User.writes_reports_as``)."""
        if not user.is_authenticated or user.is_reviewer:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=MembershipRole.REPORTER)


class Organisation(models.Model):
    """A committee (nämnd), company (bolag), the city executive board or an association."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("E.g. the parent company of a subsidiary."),
    )
    description = models.TextField(_("description"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("The organisation's functional mailbox.")
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="organisation_valid_range",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class MembershipRole(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    READER = "reader", _("Reader")


class Membership(models.Model):
    """A user's place in an organisation: reporters write and submit, readers only read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.REPORTER
    )

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class AssignmentQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> AssignmentQuerySet:
        return self.filter(responsibilities__organisation=organisation)


class Assignment(models.Model):
    """An assignment (uppdrag) the council gives one or more organisations in a budget."""

    # Set for the templates by public_views._sort_responsibilities.
    leads: list[Organisation]
    participants: list[Organisation]
    named_leads: list[Organisation]
    unnamed_count: int

    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("budget")
    )
    council_goal = models.ForeignKey(
        CouncilGoal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("council goal"),
    )
    code = models.CharField(
        _("code"), max_length=30, help_text=_("A short reference, unique within the budget.")
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("full text"), help_text=_("The assignment word for word."))
    # Annotated (here and below): django-stubs cannot infer an M2M to a model named by a string.
    organisations: models.ManyToManyField[Organisation, Responsibility] = models.ManyToManyField(
        Organisation,
        through="Responsibility",
        related_name="assignments",
        verbose_name=_("responsible organisations"),
    )
    global_goals = models.ManyToManyField(
        GlobalGoal, blank=True, related_name="assignments", verbose_name=_("global goals")
    )
    global_targets = models.ManyToManyField(
        GlobalTarget, blank=True, related_name="assignments", verbose_name=_("global targets")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["budget", "code"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="assignment_unique_code"),
        ]
        indexes = [
            # The lists' order (selectors.assignments.LIST_ORDER): a page's keys are read from
            # the index alone, budget by budget.
            models.Index(fields=["budget", "code", "id"], name="assignment_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")


class Responsibility(models.Model):
    """An organisation's part in an assignment: it leads it, or takes part in it."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name=_("assignment"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="responsibilities",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ResponsibilityRole.choices,
        default=ResponsibilityRole.LEAD,
    )

    class Meta:
        ordering = ["assignment", "role", "organisation__name"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "organisation"], name="responsibility_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=ResponsibilityRole.values), name="responsibility_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) – {self.assignment.code}"


class ReportingPeriodQuerySet(models.QuerySet):
    def open(self, today: datetime.date | None = None) -> ReportingPeriodQuerySet:
        """Periods that have opened and are not closed: reports can be written and submitted."""
        today = today or timezone.localdate()
        return self.filter(opens_on__lte=today, closed=False)


class ReportingPeriod(models.Model):
    """A reporting round of a budget year, such as "Tertial 1" or "Årsanalys"."""

    _deadline_changed: bool  # noted by signals._period_saving before a save

    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="periods", verbose_name=_("budget")
    )
    name = models.CharField(_("name"), max_length=100)
    opens_on = models.DateField(_("opens"))
    deadline = models.DateField(_("deadline"))
    closed = models.BooleanField(
        _("closed"), default=False, help_text=_("A closed period accepts no new submissions.")
    )
    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["budget", "deadline"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["budget", "name"], name="period_unique_name"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")), name="period_deadline_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.label(self.name, self.budget.year)

    @staticmethod
    def label(name: str, year: int) -> str:
        """What a period is called, its name and its budget's year ("Tertial 1 2018"), for
        pages that read the two as columns rather than as a period and its budget."""
        return f"{name} {year}"

    def is_open(self, today: datetime.date | None = None) -> bool:
        return not self.closed and self.opens_on <= (today or timezone.localdate())


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Sent back")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class Transition(models.TextChoices):
    """What can happen to a report; ``TRANSITIONS`` says from which states, and to which."""

    EDIT = "edit", _("change")
    SUBMIT = "submit", _("submit")
    SEND_BACK = "send_back", _("send back")
    APPROVE = "approve", _("approve")
    PUBLISH = "publish", _("publish")
    REOPEN = "reopen", _("reopen")


# The report workflow, the one table of it: the services refuse a transition from any other
# state, the admin offers its decisions where they are allowed, and the templates ask the
# report (``Report.allows``) instead of comparing states. EDIT changes the content (and the
# attachments) and keeps the state.
#
#     draft --submit--> submitted --approve--> approved --publish--> published
#       ^                   |                     |                      |
#       +--- returned <-----+ (send back)         +------ reopen --------+
#            (sent back)  <------------------------------------------------+
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Transition.EDIT: (frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED}), None),
    Transition.SUBMIT: (
        frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED}),
        ReportStatus.SUBMITTED,
    ),
    Transition.SEND_BACK: (frozenset({ReportStatus.SUBMITTED}), ReportStatus.RETURNED),
    Transition.APPROVE: (frozenset({ReportStatus.SUBMITTED}), ReportStatus.APPROVED),
    Transition.PUBLISH: (frozenset({ReportStatus.APPROVED}), ReportStatus.PUBLISHED),
    Transition.REOPEN: (
        frozenset({ReportStatus.APPROVED, ReportStatus.PUBLISHED}),
        ReportStatus.RETURNED,
    ),
}
# The states in which the reporters still owe a submission.
EDITABLE_STATUSES = TRANSITIONS[Transition.EDIT][0]


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    COMPLETED = "completed", _("Completed")


def progress_label(value: str) -> str:
    """A progress value in words, as ``get_progress_display()`` gives it: Django's method
    builds a dict of every choice on each call, which costs several times as much as this
    lookup (docs/performance.md, "Templates")."""
    try:
        return str(Progress(value).label)
    except ValueError:  # not one of the choices: shown as it is, as Django does
        return value


SUMMARY_MAX_LENGTH = 600
# The longest text a reporter may write in one of the report's long fields (about 40 pages).
# The five long fields at this length fit well inside DATA_UPLOAD_MAX_MEMORY_SIZE, so a text
# that is too long gets the form back with a message, never a bare "Bad request".
TEXT_MAX_LENGTH = 100_000


class ReportContent(models.Model):
    """The fields a reporter writes; shared by the working report and its frozen versions."""

    progress = models.CharField(
        _("progress"), max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Optional, 0–100."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=SUMMARY_MAX_LENGTH,
        blank=True,
        help_text=format_lazy(
            _("A short summary of the progress, at most {max} characters."),
            max=SUMMARY_MAX_LENGTH,
        ),
    )
    narrative = models.TextField(_("narrative"), blank=True)
    global_goals_integration = models.TextField(
        _("integration of the global goals"),
        blank=True,
        help_text=_(
            "How the organisation integrates the global goals in its work, with concrete "
            "examples, together with other committees and external actors."
        ),
    )
    next_steps = models.TextField(_("next steps"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)

    CONTENT_FIELDS = (
        "progress",
        "percent_complete",
        "summary",
        "narrative",
        "global_goals_integration",
        "next_steps",
        "obstacles",
    )

    class Meta:
        abstract = True

    @property
    def progress_label(self) -> str:
        """The progress in words, for the public pages' lists (``progress_label``)."""
        return progress_label(self.progress)


# What the public never reads of a report: its working content, which may hold a draft or an
# unpublished correction, and the reviewer's note to the reporters. The public reads the
# published version's content (``report.published_version``) instead.
PRIVATE_REPORT_FIELDS = frozenset({*ReportContent.CONTENT_FIELDS, "review_note"})


class PrivateReportFieldError(LookupError):
    """A public query or a public report was asked for a report's private fields."""


class _PublicReports(ModelIterable):
    """Reports of ``Report.objects.public()``: marked, so that reading a private field (which
    the query never loaded) raises instead of fetching it."""

    def __iter__(self):
        for report in super().__iter__():
            report._public_only = True
            yield report


def _refuse_private(names) -> None:
    asked = {name.split("__", 1)[0] for name in names if name is not None}
    private = sorted(asked & PRIVATE_REPORT_FIELDS)
    if private:
        raise PrivateReportFieldError(
            f"The public reports' queryset cannot read {', '.join(private)}: read the "
            "published version's fields (published_version__…) instead."
        )


class ReportQuerySet(models.QuerySet):
    def for_user(self, user) -> ReportQuerySet:
        """Reports ``user`` may read: their organisations' reports, or all for reviewers."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_perm("assignments.review_report"):
            return self
        return self.filter(organisation__memberships__user=user)

    def with_user_writes(self, user) -> ReportQuerySet:
        """These reports, each with ``user_writes``: whether ``user`` writes its
        organisation's reports (``Organisation.objects.reported_by``), read in the same query
        instead of one more."""
        return self.annotate(
            user_writes=Exists(
                Organisation.objects.reported_by(user).filter(pk=OuterRef("organisation"))
            )
        )

    def public(self) -> PublicReportQuerySet:
        """
        The one way the public pages, the open data and the feeds read reports: those with a
        public version (published now, or reopened after publishing), without their private
        fields. The content they show is ``published_version``'s. Asking this queryset or its
        reports for a private field raises ``PrivateReportFieldError``, so a working draft
        cannot reach a public page by a template or a query that forgets the rule.
        """
        queryset = self.filter(published_version__isnull=False).defer(*PRIVATE_REPORT_FIELDS)
        queryset.__class__ = PublicReportQuerySet
        queryset._iterable_class = _PublicReports
        return cast(PublicReportQuerySet, queryset)

    def latest_published(self) -> ReportQuerySet:
        """Of these, the reports that are their organisation's latest published report on
        their assignment (stored, see ``refresh_publication``)."""
        return self.filter(is_latest_published=True)

    def refresh_publication(self) -> None:
        """
        Work out again what is stored about the publication of these reports:
        ``published_at`` from the event log, ``is_latest_published`` from the periods, and
        their ``PublishedContribution`` rows from their published versions.

        Pass whole pairs of assignment and organisation (every report, or every report of
        one pair), as which report is the latest depends on the others of its pair. A few
        set-based updates, however many reports.
        """
        refresh_publication(self, ReportEvent)
        goals = _goals_contributed_to(self)
        refresh_contributions(self, PublishedContribution)
        refresh_report_counts(
            self.order_by().values_list("period_id", flat=True).distinct(),
            Report,
            PublishedReportCount,
        )
        refresh_goal_counts(
            goals | _goals_contributed_to(self),
            PublishedContribution,
            GoalProgressCount,
            TargetReportCount,
        )


class PublicReportQuerySet(ReportQuerySet):
    """``Report.objects.public()``: refuses to load the private fields in any way."""

    def only(self, *fields):
        _refuse_private(fields)
        return super().only(*fields)

    def defer(self, *fields):
        if fields == (None,):  # defer(None) would load every field again
            _refuse_private(PRIVATE_REPORT_FIELDS)
        return super().defer(*fields)

    def values(self, *fields, **expressions):
        _refuse_private(fields or PRIVATE_REPORT_FIELDS)
        return super().values(*fields, **expressions)

    def values_list(self, *fields, flat=False, named=False):
        _refuse_private(fields or PRIVATE_REPORT_FIELDS)
        return super().values_list(*fields, flat=flat, named=named)


def refresh_publication(reports, events) -> None:
    """
    Store when the public version of each of ``reports`` was published (from ``events``, the
    event log) and whether it is its organisation's latest published report on its
    assignment: the one of the latest period, by deadline and then by creation.

    A function of querysets and models, not of this module's classes, so that the migration
    that introduced these fields fills them in with exactly this code.
    """
    published_at = (
        events.objects.filter(
            report=OuterRef("pk"),
            action=ReportAction.PUBLISHED,
            version=OuterRef("published_version"),
        )
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    reports.filter(published_version__isnull=True).update(
        published_at=None, is_latest_published=False
    )
    published = reports.filter(published_version__isnull=False)
    published.update(published_at=Subquery(published_at), is_latest_published=False)
    newer = reports.model.objects.filter(
        Q(period__deadline__gt=OuterRef("period__deadline"))
        | Q(period__deadline=OuterRef("period__deadline"), period__pk__gt=OuterRef("period")),
        published_version__isnull=False,
        assignment=OuterRef("assignment"),
        organisation=OuterRef("organisation"),
    )
    published.filter(~Exists(newer)).update(is_latest_published=True)


def published_report_count() -> int:
    """How many reports are public (``Report.objects.public().count()``), from the
    periods' stored counts (``PublishedReportCount``): a sum over a few rows per period, not
    a count of every report."""
    return PublishedReportCount.objects.aggregate(n=Coalesce(Sum("published"), 0))["n"]


def refresh_contributions(reports, contributions) -> None:
    """
    Write again the published contributions (``contributions``, the model
    ``PublishedContribution``) of ``reports``: a row for each target the public version of a
    report contributes to, none for a report that has no public version.

    A function of querysets and models, like ``refresh_publication``, so that the migration
    that introduced the model fills it in with exactly this code.
    """
    contributions.objects.filter(report__in=reports.values("pk")).delete()
    rows = (
        reports.filter(published_version__contributed_targets__isnull=False)
        .order_by()
        .values_list(
            "pk",
            "published_version__contributed_targets",
            "period_id",
            "assignment_id",
            "organisation_id",
            "published_version__progress",
            "period__deadline",
        )
    )
    contributions.objects.bulk_create(
        (
            contributions(
                report_id=report,
                target_id=target,
                period_id=period,
                assignment_id=assignment,
                organisation_id=organisation,
                progress=progress,
                deadline=deadline,
            )
            for report, target, period, assignment, organisation, progress, deadline in rows
        ),
        batch_size=1000,
    )


def _goals_contributed_to(reports) -> set[int]:
    return set(
        PublishedContribution.objects.filter(report__in=reports.values("pk"))
        .order_by()
        .values_list("target__goal_id", flat=True)
        .distinct()
    )


def refresh_goal_counts(goals, contributions, progress_counts, target_counts) -> None:
    """
    Count again, for each of ``goals`` (ids; ``None``: every goal), from the published
    contributions (``contributions``): its published reports per period and progress, each
    report once per goal (``progress_counts``, the model ``GoalProgressCount``), and the
    published reports that contribute to each of its targets (``target_counts``, the model
    ``TargetReportCount``).

    A function of models, like ``refresh_contributions``, so that the migration that
    introduced the models fills them in with exactly this code.
    """
    stale_progress = progress_counts.objects.all()
    stale_targets = target_counts.objects.all()
    rows = contributions.objects.order_by()
    if goals is not None:
        stale_progress = stale_progress.filter(goal_id__in=goals)
        stale_targets = stale_targets.filter(target__goal_id__in=goals)
        rows = rows.filter(target__goal_id__in=goals)
    stale_progress.delete()
    stale_targets.delete()
    progress_counts.objects.bulk_create(
        (
            progress_counts(goal_id=goal, period_id=period, progress=progress, reports=reports)
            for goal, period, progress, reports in rows.values_list(
                "target__goal_id", "period_id", "progress"
            ).annotate(reports=Count("report_id", distinct=True))
        ),
        batch_size=1000,
    )
    # A report contributes to a target once (``publishedcontribution_unique``).
    target_counts.objects.bulk_create(
        (
            target_counts(target_id=target, reports=reports)
            for target, reports in rows.values_list("target_id").annotate(reports=Count("pk"))
        ),
        batch_size=1000,
    )


def refresh_report_counts(periods, reports, counts) -> None:
    """
    Count again the published reports (``reports``, the model ``Report``) of ``periods`` (ids
    of reporting periods) by the progress of their public version: ``counts`` (the model
    ``PublishedReportCount``) gets a row per period and progress with how many reports of the
    period are published, and how many of those are their organisation's latest published
    report on their assignment. No row where there is no such report.

    A function of querysets and models, like ``refresh_publication``, so that the migration
    that introduced the model fills it in with exactly this code.
    """
    periods = sorted(set(periods))
    counts.objects.filter(period__in=periods).delete()
    rows = (
        reports.objects.filter(period__in=periods, published_version__isnull=False)
        .order_by()
        .values("period_id", "published_version__progress")
        .annotate(published=Count("pk"), latest=Count("pk", filter=Q(is_latest_published=True)))
        .values_list("period_id", "published_version__progress", "published", "latest")
    )
    counts.objects.bulk_create(
        counts(period_id=period, progress=progress, published=published, latest=latest)
        for period, progress, published, latest in rows
    )


class Report(ReportContent):
    """An organisation's report on one assignment for one reporting period."""

    _contributed_goals: set[int]  # noted by signals._report_deleting before a delete

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("assignment")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("reporting period"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    contributed_targets = models.ManyToManyField(
        GlobalTarget,
        blank=True,
        related_name="reports",
        verbose_name=_("targets contributed to"),
    )
    edit_version = models.PositiveIntegerField(
        _("edit version"),
        default=1,
        help_text=_("Raised on every save, so that a concurrent edit is detected."),
    )
    review_note = models.TextField(
        _("note from the reviewer"),
        blank=True,
        help_text=_("Why the report was sent back; shown to the reporters."),
    )
    current_version = models.ForeignKey(
        "ReportVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("latest submitted version"),
    )
    published_version = models.ForeignKey(
        "ReportVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version"),
        help_text=_("What the public sees; kept while a correction is under way."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    # Stored facts about the publication, kept by the publish service (refresh_publication):
    # the public pages sort and count on them without going through the event log and the
    # other periods' reports on every request.
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the public version was published."),
    )
    is_latest_published = models.BooleanField(
        _("latest published"),
        default=False,
        editable=False,
        help_text=_(
            "Whether this is the organisation's latest published report on the assignment."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["period", "assignment", "organisation"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [
            ("review_report", _("Can approve and send back reports")),
            ("publish_report", _("Can publish reports")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "organisation", "period"], name="report_unique_per_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__in=Progress.values), name="report_progress_valid"
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True)
                | Q(percent_complete__gte=0, percent_complete__lte=100),
                name="report_percent_0_100",
            ),
        ]
        indexes = [
            # The review queue in order of arrival, its page's keys from the index alone.
            models.Index(
                fields=["status", "submitted_at", "id"],
                include=["period"],
                name="report_queue_idx",
            ),
            models.Index(fields=["published_at", "id"], name="report_published_at_idx"),
            # The published reports newest first (Report.objects.public()), without passing
            # by every report never published, whose published_at is empty.
            models.Index(
                fields=["published_at", "id"],
                condition=Q(published_version__isnull=False),
                name="report_public_idx",
            ),
            models.Index(
                fields=["assignment"],
                condition=Q(is_latest_published=True),
                name="report_latest_published_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.code} – {self.organisation} – {self.period}"

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        # Reading a deferred field refreshes it; a public report must not load private ones.
        if getattr(self, "_public_only", False):
            _refuse_private(fields if fields is not None else PRIVATE_REPORT_FIELDS)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

    def can(self, transition: str) -> bool:
        """Whether the workflow allows ``transition`` from the report's state."""
        return self.status in TRANSITIONS[transition][0]

    @property
    def allows(self) -> frozenset[str]:
        """The transitions the workflow allows now, for templates: ``"submit" in
        report.allows``."""
        return frozenset(
            name for name, (sources, _to) in TRANSITIONS.items() if self.status in sources
        )

    @property
    def is_editable(self) -> bool:
        return self.can(Transition.EDIT)

    @property
    def is_sent_back(self) -> bool:
        """Sent back to the reporters (or reopened for a correction), with the reviewer's note."""
        return self.status == ReportStatus.RETURNED

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class ReportVersion(ReportContent):
    """The content of a report as it was submitted: never changed after it is written."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="versions", verbose_name=_("report")
    )
    number = models.PositiveIntegerField(_("version"))
    contributed_targets = models.ManyToManyField(
        GlobalTarget, blank=True, related_name="+", verbose_name=_("targets contributed to")
    )
    attachments: models.ManyToManyField[Attachment, Any] = models.ManyToManyField(
        "Attachment", blank=True, related_name="versions", verbose_name=_("attachments")
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reportversion_unique"),
            models.CheckConstraint(
                condition=Q(progress__in=Progress.values), name="reportversion_progress_valid"
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True)
                | Q(percent_complete__gte=0, percent_complete__lte=100),
                name="reportversion_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("A report version is immutable once written.")
        super().save(*args, **kwargs)


class PublishedContribution(models.Model):
    """
    A target that the public version of a report contributes to, with what the goal pages
    sort and count it by: the public read model of the contributions.

    Written by ``Report.objects.refresh_publication()`` (``refresh_contributions``) whenever
    a report is published, never edited. The goal pages read their newest reports per target
    and their progress counts from it, without following every published report through its
    published version to the version's targets, which cost several times as much (figures in
    docs/performance.md, "Stored facts and read models"). What it
    copies cannot change while the version is public: a report keeps its assignment,
    organisation and period, and a version never changes.
    """

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="published_contributions"
    )
    target = models.ForeignKey(
        GlobalTarget, on_delete=models.CASCADE, related_name="published_contributions"
    )
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    progress = models.CharField(max_length=20, choices=Progress.choices)
    # The period's deadline, which the goal pages sort by: a period's deadline may change,
    # and the signals then refresh its reports (``signals._period_saved``).
    deadline = models.DateField()

    class Meta:
        verbose_name = _("published contribution")
        verbose_name_plural = _("published contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "report"], name="publishedcontribution_unique"
            ),
        ]
        indexes = [
            # A target's newest contributions, read from the index a few at a time by the
            # goal pages (``public.goals._with_newest_reports``).
            models.Index(
                fields=["target", "-deadline", "-report"], name="publishedcontribution_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.target_id}"


class PublishedReportCount(models.Model):
    """
    How many reports of a reporting period are published with a progress, and how many of
    those are their organisation's latest published report on their assignment: the public
    read model of the progress counts.

    Written by ``Report.objects.refresh_publication()`` (``refresh_report_counts``) whenever
    a report is published or its publication facts change, never edited. The start page
    reads its budget's progress and its periods' published reports from these few rows
    instead of counting every published report of the budget on each request, which grows
    with the data (figures in docs/performance.md, "Stored facts and read models").
    """

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="published_report_counts"
    )
    progress = models.CharField(max_length=20, choices=Progress.choices)
    published = models.PositiveIntegerField()
    latest = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("published report count")
        verbose_name_plural = _("published report counts")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "progress"], name="publishedreportcount_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.progress}: {self.published} ({self.latest} latest)"


class GoalProgressCount(models.Model):
    """
    How many published reports contribute to a global goal's targets in a reporting period,
    by the progress of their public version: each report once, however many of the goal's
    targets it contributes to.

    Counted from ``PublishedContribution`` by ``refresh_goal_counts`` whenever the
    contributions of a goal change, so that a goal page reads a few stored rows (at most one
    per period and progress) instead of counting all of the goal's contributions.
    """

    goal = models.ForeignKey(GlobalGoal, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    progress = models.CharField(max_length=20, choices=Progress.choices)
    reports = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("goal progress count")
        verbose_name_plural = _("goal progress counts")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "period", "progress"], name="goalprogresscount_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.period_id} {self.progress}: {self.reports}"


class TargetReportCount(models.Model):
    """
    How many published reports contribute to a global target, counted with the goal's
    progress (``refresh_goal_counts``): a goal page reads a stored number per target
    instead of counting every contribution.
    """

    target = models.OneToOneField(
        GlobalTarget, on_delete=models.CASCADE, related_name="published_report_count"
    )
    reports = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("target report count")
        verbose_name_plural = _("target report counts")

    def __str__(self) -> str:
        return f"{self.target_id}: {self.reports}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """Store uploads under a random name: the original name is kept in the database only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A document attached to a report."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("report")
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    detached = models.BooleanField(
        _("removed from the draft"),
        default=False,
        help_text=_("Kept because an earlier submitted version includes it."),
    )

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ReportAction(models.TextChoices):
    CREATED = "created", _("Created")
    SAVED = "saved", _("Saved")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Sent back")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REOPENED = "reopened", _("Reopened")


class ReportEvent(models.Model):
    """One entry of a report's log: every transition, who made it, when, and why."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    action = models.CharField(_("action"), max_length=20, choices=ReportAction.choices)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="report_events",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    version = models.ForeignKey(
        ReportVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("version"),
    )

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ReportAction.values), name="reportevent_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(to_status__in=ReportStatus.values), name="reportevent_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_action_display()}"


class DeadlineReminder(models.Model):
    """A deadline reminder sent to an organisation for a period: at most one a day."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="deadline_reminders",
        verbose_name=_("organisation"),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="deadline_reminders",
        verbose_name=_("reporting period"),
    )
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_on", "organisation"]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "sent_on"], name="deadlinereminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.period} ({self.sent_on})"


# Indicators: the numbers behind the goals (nyckeltal). An indicator's public series lives in
# ``IndicatorValue``; what reporters type lives in ``ReportedValue`` (on the working report and
# frozen on each submitted version) and becomes an ``IndicatorValue`` only when the version
# is published (``services.indicators``).

# Kolada's municipality code for Malmö, and the shape of a KPI id (one letter, five digits).
KOLADA_MALMO = "1280"
KOLADA_KPI_PATTERN = r"^[A-Z][0-9]{5}$"
INDICATOR_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$"
# Room for a yearly figure in any unit the city uses (kronor, tonnes, per cent, counts).
VALUE_MAX_DIGITS = 20
VALUE_DECIMAL_PLACES = 6
VALUE_LIMIT = Decimal(10) ** (VALUE_MAX_DIGITS - VALUE_DECIMAL_PLACES)
INDICATOR_YEAR_MIN, INDICATOR_YEAR_MAX = 1950, 2100


class IndicatorSource(models.TextChoices):
    """Where an indicator's values come from."""

    KOLADA = "kolada", _("Kolada")
    ORGANISATION = "organisation", _("Measured by an organisation")
    OTHER = "other", _("Another source")


class ValueOrigin(models.TextChoices):
    """How one value reached the portal."""

    KOLADA = "kolada", _("Kolada import")
    REPORT = "report", _("Published report")
    IMPORT = "import", _("File import")


class ProgressLevel(models.TextChoices):
    """How far an indicator has come towards its target (``assignments.indicators``)."""

    REACHED = "reached", _("Target reached")
    SUBSTANTIAL = "substantial", _("Substantial progress")
    MODERATE = "moderate", _("Moderate progress")
    LIMITED = "limited", _("Limited progress")
    MOVING_AWAY = "moving_away", _("Moving away from the target")
    NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data")


# The breakdowns values may be split by: a dimension and its categories. The headline series
# has neither (dimension and category both ""). Kolada's gender split (T/K/M) is the first;
# another dimension is one more entry here and in the translations, not a schema change.
BREAKDOWNS: dict[str, tuple[Any, dict[str, Any]]] = {
    "gender": (_("Gender"), {"women": _("Women"), "men": _("Men")}),
}


def breakdown_label(dimension: str, category: str) -> str:
    """A breakdown's category in words: "Women", or "Total" for the headline series."""
    if not dimension:
        return str(_("Total"))
    categories = BREAKDOWNS.get(dimension, (dimension, {}))[1]
    return str(categories.get(category, category))


class IndicatorQuerySet(models.QuerySet):
    def reported_by(self, organisation: Organisation, assignment: Assignment) -> IndicatorQuerySet:
        """The indicators an organisation measures itself for an assignment: those its reports
        on the assignment ask values for."""
        return self.filter(
            source=IndicatorSource.ORGANISATION,
            measured_by=organisation,
            assignments=assignment,
        ).distinct()


class Indicator(models.Model):
    """A key figure (nyckeltal) that follows up council goals, assignments and global targets."""

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(INDICATOR_CODE_PATTERN)],
        help_text=_("Short and stable: it is part of the indicator's address, e.g. N00401."),
    )
    title_sv = models.CharField(_("title (Swedish)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    definition_sv = models.TextField(_("definition (Swedish)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    unit = models.CharField(
        _("unit"), max_length=60, blank=True, help_text=_("E.g. %, tonnes CO₂e per inhabitant.")
    )
    higher_is_better = models.BooleanField(
        _("higher is better"),
        default=True,
        help_text=_("Untick where a falling value is the improvement, as with emissions."),
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals"),
        default=1,
        validators=[MaxValueValidator(VALUE_DECIMAL_PLACES)],
        help_text=_("How many decimals values are shown with."),
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(INDICATOR_YEAR_MIN), MaxValueValidator(INDICATOR_YEAR_MAX)],
    )
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    baseline_note = models.CharField(_("baseline note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=IndicatorSource.choices)
    kolada_kpi = models.CharField(
        _("Kolada KPI"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(KOLADA_KPI_PATTERN)],
        help_text=_("The key figure's id in Kolada, e.g. N00401; its values are imported."),
    )
    measured_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measured_indicators",
        verbose_name=_("measured by"),
        help_text=_(
            "The organisation that measures it; its reports on the linked assignments ask for "
            "the period's values."
        ),
    )
    source_name = models.CharField(
        _("name of the source"),
        max_length=200,
        blank=True,
        help_text=_("For another source: who publishes the figures, e.g. SCB."),
    )
    source_url = models.URLField(_("address of the source"), blank=True)
    has_gender_split = models.BooleanField(
        _("split by gender"), default=False, help_text=_("Values are also given for women and men.")
    )
    council_goals = models.ManyToManyField(
        CouncilGoal, blank=True, related_name="indicators", verbose_name=_("council goals")
    )
    assignments = models.ManyToManyField(
        Assignment, blank=True, related_name="indicators", verbose_name=_("assignments")
    )
    global_targets = models.ManyToManyField(
        GlobalTarget, blank=True, related_name="indicators", verbose_name=_("global targets")
    )
    progress_override = models.CharField(
        _("progress set by the office"),
        max_length=20,
        choices=ProgressLevel.choices,
        blank=True,
        help_text=_("Leave empty to show the computed progress."),
    )
    progress_override_note = models.TextField(
        _("why the progress is set by hand"),
        blank=True,
        help_text=_("Shown to the public beside the progress; required with an override."),
    )
    kolada_synced_at = models.DateTimeField(
        _("last imported from Kolada"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=IndicatorSource.values), name="indicator_source_valid"
            ),
            models.CheckConstraint(
                condition=~Q(source=IndicatorSource.KOLADA) | ~Q(kolada_kpi=""),
                name="indicator_kolada_has_kpi",
            ),
            models.CheckConstraint(
                condition=~Q(source=IndicatorSource.ORGANISATION) | Q(measured_by__isnull=False),
                name="indicator_organisation_measures",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True, baseline_value__isnull=True)
                | Q(baseline_year__isnull=False, baseline_value__isnull=False),
                name="indicator_baseline_complete",
            ),
            models.CheckConstraint(
                condition=Q(progress_override="")
                | Q(progress_override__in=ProgressLevel.values) & ~Q(progress_override_note=""),
                name="indicator_override_explained",
            ),
            models.CheckConstraint(
                condition=Q(decimals__lte=VALUE_DECIMAL_PLACES), name="indicator_decimals_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_sv}"

    def get_absolute_url(self) -> str:
        return reverse("public:indicator_detail", kwargs={"code": self.code})

    @property
    def title(self) -> LocalizedText:
        return self._localized("title")

    @property
    def definition(self) -> LocalizedText:
        return self._localized("definition")

    def _localized(self, field: str) -> LocalizedText:
        # The city writes in Swedish first: where English is missing, the Swedish stands in
        # (``localized`` alone falls back to English, the complete language of the global
        # goals, and would give an English page an empty title).
        text = localized(self, field)
        if text.text:
            return text
        return LocalizedText(getattr(self, f"{field}_sv"), "sv", is_fallback=True)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.source == IndicatorSource.KOLADA and not self.kolada_kpi:
            errors["kolada_kpi"] = ValidationError(
                _("Give the Kolada KPI the values are imported from."), code="kpi_required"
            )
        if self.source == IndicatorSource.ORGANISATION and not self.measured_by_id:
            errors["measured_by"] = ValidationError(
                _("Choose the organisation that measures the indicator."),
                code="measurer_required",
            )
        if (self.baseline_year is None) != (self.baseline_value is None):
            field = "baseline_value" if self.baseline_value is None else "baseline_year"
            errors[field] = ValidationError(
                _("Give both the baseline's year and its value, or neither."),
                code="baseline_incomplete",
            )
        if self.progress_override and not self.progress_override_note.strip():
            errors["progress_override_note"] = ValidationError(
                _("Say why the progress is set by hand; the public sees the note."),
                code="override_note_required",
            )
        if errors:
            raise ValidationError(errors)

    def format_value(self, value: Decimal | None) -> str:
        """A value with the indicator's decimals, in the active language's number format,
        rounded half up (Django's number_format cuts the decimals off: 0.96 would be "0")."""
        if value is None:
            return ""
        rounded = value.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        if rounded.is_zero():
            rounded = abs(rounded)  # -0.04 shown with one decimal is 0,0, not -0,0
        return number_format(rounded, decimal_pos=self.decimals, use_l10n=True, force_grouping=True)


class IndicatorTarget(models.Model):
    """A value an indicator should reach by a year (e.g. 2025 and 2030)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(INDICATOR_YEAR_MIN), MaxValueValidator(INDICATOR_YEAR_MAX)],
    )
    value = models.DecimalField(
        _("target value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicatortarget_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


def value_time_order(*, descending: bool = False) -> list[OrderBy]:
    """
    The order of an indicator's times, the one order every page, list, summary and file
    reads its values in: the year, then the reporting period's deadline (a yearly value,
    without a period, before the year's periods), then the period (two periods of a year may
    share a deadline). In a series (the headline, or one category) no two values share a
    time, so the order is total. ``descending`` gives the same order reversed. The queries
    written as SQL order by ``value_time_order_sql``, the same order in SQL.
    """
    if descending:
        return [
            F("year").desc(),
            F("period__deadline").desc(nulls_last=True),
            F("period_id").desc(nulls_last=True),
        ]
    return [
        F("year").asc(),
        F("period__deadline").asc(nulls_first=True),
        F("period_id").asc(nulls_first=True),
    ]


def value_time_order_sql(value: str, period: str, *, descending: bool = False) -> str:
    """``value_time_order`` written as SQL (the same on SQLite and PostgreSQL), for the
    queries written as SQL: ``value`` and ``period`` are the aliases of the value's table and
    of its period's, joined on it."""
    if descending:
        return (
            f"{value}.year DESC, {period}.deadline DESC NULLS LAST, "
            f"{value}.period_id DESC NULLS LAST"
        )
    return f"{value}.year ASC, {period}.deadline ASC NULLS FIRST, {value}.period_id ASC NULLS FIRST"


class IndicatorValueQuerySet(models.QuerySet):
    def headline(self) -> IndicatorValueQuerySet:
        """The headline series: the totals, without a breakdown."""
        return self.filter(dimension="")

    def in_order(self) -> IndicatorValueQuerySet:
        """Each indicator's values by time (``value_time_order``), each time's values by their
        breakdown (the headline first)."""
        return self.order_by("indicator_id", *value_time_order(), "dimension", "category")


class IndicatorValue(models.Model):
    """
    One public value of an indicator: for a year (Kolada, imports) or a reporting period (a
    published report), for the total or one category of a breakdown.

    Everything here is public. Reporters' values become values only when their report's
    version is published; Kolada's and the office's imports are public as they are saved.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(INDICATOR_YEAR_MIN), MaxValueValidator(INDICATOR_YEAR_MAX)],
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("reporting period"),
    )
    dimension = models.CharField(_("breakdown"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=30, blank=True)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    origin = models.CharField(_("origin"), max_length=20, choices=ValueOrigin.choices)
    report = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("report"),
        help_text=_("The published report the value was reported in."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year", "dimension", "category"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        # Values are never changed by hand: the office imports a file of them (the admin).
        permissions = [("import_indicator_values", _("Can import indicator values from a file"))]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "dimension", "category"],
                condition=Q(period__isnull=True),
                name="indicatorvalue_unique_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "dimension", "category"],
                condition=Q(period__isnull=False),
                name="indicatorvalue_unique_per_period",
            ),
            models.CheckConstraint(
                condition=Q(dimension="", category="") | (~Q(dimension="") & ~Q(category="")),
                name="indicatorvalue_breakdown_complete",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=ValueOrigin.values), name="indicatorvalue_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=INDICATOR_YEAR_MIN, year__lte=INDICATOR_YEAR_MAX),
                name="indicatorvalue_year_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "dimension", "year"], name="indicatorvalue_series_idx"
            ),
            models.Index(fields=["published_at", "id"], name="indicatorvalue_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.breakdown_label}: {self.value}"

    @property
    def breakdown_label(self) -> str:
        return breakdown_label(self.dimension, self.category)


class ReportedValue(models.Model):
    """
    A value a reporter gives for an indicator their organisation measures: on the working
    report while it is written, copied onto the version when it is submitted (and never
    changed there), made public as an ``IndicatorValue`` when that version is published.
    """

    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reported_values",
        verbose_name=_("report"),
    )
    version = models.ForeignKey(
        ReportVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reported_values",
        verbose_name=_("report version"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    dimension = models.CharField(_("breakdown"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=30, blank=True)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["indicator", "dimension", "category"]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, version__isnull=True)
                | Q(report__isnull=True, version__isnull=False),
                name="reportedvalue_report_or_version",
            ),
            models.UniqueConstraint(
                fields=["report", "indicator", "dimension", "category"],
                condition=Q(report__isnull=False),
                name="reportedvalue_unique_on_report",
            ),
            models.UniqueConstraint(
                fields=["version", "indicator", "dimension", "category"],
                condition=Q(version__isnull=False),
                name="reportedvalue_unique_on_version",
            ),
            models.CheckConstraint(
                condition=Q(dimension="", category="") | (~Q(dimension="") & ~Q(category="")),
                name="reportedvalue_breakdown_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {breakdown_label(self.dimension, self.category)}: {self.value}"

    @property
    def breakdown_label(self) -> str:
        return breakdown_label(self.dimension, self.category)
