"""
The WHY of the portal: the city council's budget years with their goal areas, council goals
(kommunfullmäktigemål) and direction (inriktning), and the global frameworks the city's work
is linked to (UN Agenda 2030 and, earlier, the Millennium Development Goals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Languages the bilingual reference texts are stored in; English is the complete one.
FALLBACK_LANGUAGE = "en"
TEXT_LANGUAGES = ("sv", "en")


@dataclass(frozen=True)
class LocalizedText:
    """A text in the active language, or in English where no translation exists yet."""

    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def text_language() -> str:
    """The language to show the reference texts in: the active one where they are stored in
    it, English otherwise."""
    language = (get_language() or "sv").split("-")[0]
    return language if language in TEXT_LANGUAGES else FALLBACK_LANGUAGE


def pick_text(text: str, english: str, language: str) -> LocalizedText:
    """``text`` in ``language`` (``text_language()``), or ``english`` where it is empty: for
    texts read as columns (``values_list``) rather than as a model's fields."""
    if text:
        return LocalizedText(text, language, is_fallback=False)
    return LocalizedText(english, FALLBACK_LANGUAGE, True)


def localized(obj: models.Model, field: str) -> LocalizedText:
    """Return ``obj.<field>_<language>`` for the active language, falling back to English."""
    language = text_language()
    text = getattr(obj, f"{field}_{language}", "")
    if text:
        return LocalizedText(text, language, is_fallback=False)
    return LocalizedText(getattr(obj, f"{field}_{FALLBACK_LANGUAGE}", ""), FALLBACK_LANGUAGE, True)


class BudgetQuerySet(models.QuerySet):
    def current(self) -> Budget | None:
        """The newest budget year: the one the home page and the reporting follow."""
        return self.order_by("-year").first()


class Budget(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=200,
        blank=True,
        help_text=_("The council's decision, e.g. the date and paragraph of the minutes."),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    direction = models.TextField(
        _("direction"),
        blank=True,
        help_text=_("The budget's general direction (inriktning) for the year."),
    )

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="budget_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.year)


class GoalArea(models.Model):
    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="goal_areas", verbose_name=_("budget")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    direction = models.TextField(
        _("direction"),
        blank=True,
        help_text=_("The year's direction (inriktning) for this goal area."),
    )

    class Meta:
        ordering = ["budget", "number"]
        verbose_name = _("goal area")
        verbose_name_plural = _("goal areas")
        constraints = [
            models.UniqueConstraint(fields=["budget", "number"], name="goalarea_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class CouncilGoal(models.Model):
    """A goal adopted by the city council (kommunfullmäktigemål) within a goal area."""

    area = models.ForeignKey(
        GoalArea,
        on_delete=models.CASCADE,
        related_name="council_goals",
        verbose_name=_("goal area"),
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("The goal's order within its goal area.")
    )
    text = models.TextField(_("text"))
    # Annotated: django-stubs cannot infer a many-to-many field to a model named by a string.
    global_goals: models.ManyToManyField[GlobalGoal, Any] = models.ManyToManyField(
        "GlobalGoal",
        blank=True,
        related_name="council_goals",
        verbose_name=_("global goals"),
    )

    class Meta:
        ordering = ["area__budget", "area__number", "number"]
        verbose_name = _("council goal")
        verbose_name_plural = _("council goals")
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="councilgoal_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:80]}"

    @property
    def code(self) -> str:
        return f"{self.area.number}.{self.number}"


class Framework(models.TextChoices):
    SDG = "sdg", _("Agenda 2030")
    MDG = "mdg", _("Millennium Development Goals")


class GlobalGoalQuerySet(models.QuerySet):
    def sdg(self) -> GlobalGoalQuerySet:
        return self.filter(framework=Framework.SDG)

    def mdg(self) -> GlobalGoalQuerySet:
        return self.filter(framework=Framework.MDG)


class GlobalGoal(models.Model):
    """One of the 17 Agenda 2030 goals or one of the 8 Millennium goals."""

    framework = models.CharField(_("framework"), max_length=3, choices=Framework.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    title_sv = models.CharField(_("title (Swedish)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_sv = models.TextField(_("full title (Swedish)"), blank=True)
    text_en = models.TextField(_("full title (English)"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Enter a colour such as #E5243B."))],
        help_text=_("The goal's official colour as a hex value."),
    )

    objects = GlobalGoalQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("global goal")
        verbose_name_plural = _("global goals")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="globalgoal_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(framework__in=Framework.values), name="globalgoal_framework_valid"
            ),
            models.CheckConstraint(
                condition=(Q(framework=Framework.SDG) & Q(number__gte=1) & Q(number__lte=17))
                | (Q(framework=Framework.MDG) & Q(number__gte=1) & Q(number__lte=8)),
                name="globalgoal_number_in_framework",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.number}: {self.title}"

    @property
    def label(self) -> str:
        return str(_("Goal")) if self.framework == Framework.SDG else str(_("MDG"))

    @property
    def title(self) -> LocalizedText:
        return localized(self, "title")

    @property
    def text(self) -> LocalizedText:
        return localized(self, "text")


# A target's code as the UN writes it: "11.6", "17.19", "7.a", "8.F" (a regular expression).
# It is how a target stands in its page's address and in the API's filters.
TARGET_CODE = r"[0-9]{1,2}\.[0-9A-Za-z]{1,2}"


class GlobalTarget(models.Model):
    """A target (delmål) of a global goal, coded like "11.6", "7.a" or "8.F"."""

    goal = models.ForeignKey(
        GlobalGoal, on_delete=models.CASCADE, related_name="targets", verbose_name=_("goal")
    )
    code = models.CharField(_("code"), max_length=8)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Sort order within the goal: numbered targets first, then lettered ones."),
    )
    text_sv = models.TextField(
        _("text (Swedish)"),
        blank=True,
        help_text=_("Left empty where no Swedish translation is known; English is shown then."),
    )
    text_en = models.TextField(_("text (English)"))
    short_title_sv = models.CharField(_("short title (Swedish)"), max_length=200, blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    class Meta:
        ordering = ["goal__framework", "goal__number", "position"]
        verbose_name = _("global target")
        verbose_name_plural = _("global targets")
        constraints = [
            models.UniqueConstraint(fields=["goal", "code"], name="globaltarget_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text.text[:90]}"

    @property
    def text(self) -> LocalizedText:
        return localized(self, "text")
