"""
Import and export of the city's organisations, assignments and responsibilities, in CSV and
XLSX, with django-import-export (wired into the admin by ``assignments.review.imports``).

Every row is identified by natural keys, never by database ids, so a file exported from one
database imports into another: an organisation by its name, an assignment by its budget year
and code, a responsibility by those and the organisation's name. Related objects are named the
same way: a parent organisation by its name, a council goal by its code ("8.2") within the
assignment's budget, global goals by their Agenda 2030 numbers ("11;13") and targets by their
codes ("11.6;13.1").

A value that names nothing, or that the model does not accept, is an error of its row and
column, shown in the admin's preview; the admin then offers no confirmation, so nothing of a
file is imported until every row is right. The columns are described in
``docs/import-formats.md``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from assignments.models import (
    Assignment,
    Organisation,
    OrganisationKind,
    Responsibility,
    ResponsibilityRole,
)
from assignments.spreadsheets import formula_safe
from goals.models import Budget, CouncilGoal, Framework, GlobalGoal, GlobalTarget
from malmo_portal.params import to_int

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Separates several goals or targets in one cell: a comma would clash with CSV, and a
# decimal comma with Swedish spreadsheets.
LIST_SEPARATOR = ";"

# The words the city's own lists use for the kinds; exports write these.
ORGANISATION_KIND_WORDS: dict[str, str] = {
    OrganisationKind.KOMMUNSTYRELSE: "kommunstyrelse",
    OrganisationKind.NAMND: "nämnd",
    OrganisationKind.BOLAG: "bolag",
    OrganisationKind.KOMMUNALFORBUND: "kommunalförbund",
}


def cell_text(value) -> str:
    """A cell as text: spreadsheets give numbers and dates where CSV gives strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _quoted(value: str) -> str:
    return _("“%(value)s”") % {"value": value}


# Widgets: each turns a cell into a value and back, and raises ValueError with a message for
# the reviewer when the cell names nothing; import-export shows it beside the row and column.


class TextWidget(widgets.CharWidget):
    """Text without the spaces around it; an empty cell is an empty text."""

    def clean(self, value, row=None, **kwargs) -> str:
        return cell_text(value)


class IsoDateWidget(widgets.Widget):
    """A date as YYYY-MM-DD, the Swedish standard form; spreadsheet date cells work too."""

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2018-01-01.")
                % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat() if value else ""


class ChoiceWidget(widgets.Widget):
    """
    A choice by its stored value or its label in Swedish or English, in any case; exported
    as ``export_words[value]`` or else the stored value.
    """

    def __init__(
        self,
        choices: type[models.TextChoices],
        *,
        what: StrOrPromise,
        words: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.choices = choices
        self.what = what
        self.words = words or {}

    def aliases(self) -> dict[str, str]:
        aliases: dict[str, str] = {}
        for value, label in self.choices.choices:
            aliases[value.casefold()] = value
            for language in ("sv", "en"):
                with translation.override(language):
                    aliases[str(label).casefold()] = value
        for value, word in self.words.items():
            aliases[word.casefold()] = value
        return aliases

    def accepted(self) -> list[str]:
        return [self.words.get(value, value) for value in self.choices.values]

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text:
            return ""
        try:
            return self.aliases()[text.casefold()]
        except KeyError:
            raise ValueError(
                _("Unknown %(what)s “%(value)s”: use one of %(accepted)s.")
                % {
                    "what": self.what,
                    "value": text,
                    "accepted": ", ".join(map(_quoted, self.accepted())),
                }
            ) from None

    def render(self, value, obj=None, **kwargs) -> str:
        return self.words.get(value, value or "")


class OrganisationWidget(widgets.ForeignKeyWidget):
    """An organisation by its exact name."""

    def __init__(self) -> None:
        super().__init__(Organisation, field="name")

    def clean(self, value, row=None, **kwargs) -> Organisation | None:
        name = cell_text(value)
        if not name:
            return None
        try:
            return Organisation.objects.get(name=name)
        except Organisation.DoesNotExist:
            raise ValueError(_("No organisation is called “%(name)s”.") % {"name": name}) from None


class BudgetWidget(widgets.ForeignKeyWidget):
    """A budget by its year."""

    def __init__(self) -> None:
        super().__init__(Budget, field="year")

    def clean(self, value, row=None, **kwargs) -> Budget | None:
        text = cell_text(value)
        if not text:
            return None
        budget = None
        year = to_int(text, minimum=1, maximum=9999)
        if year is not None:
            budget = Budget.objects.filter(year=year).first()
        if budget is None:
            raise ValueError(_("There is no budget for the year “%(year)s”.") % {"year": text})
        return budget

    def render(self, value, obj=None, **kwargs) -> int | str:
        if value is None:
            return ""
        return value.year if kwargs.get("force_native_type") else str(value.year)


def _budget_year(row) -> str:
    return cell_text((row or {}).get("budget"))


class CouncilGoalWidget(widgets.ForeignKeyWidget):
    """A council goal by its code, goal area and number ("8.2"), in the row's budget."""

    def __init__(self) -> None:
        super().__init__(CouncilGoal, field="code")

    def clean(self, value, row=None, **kwargs) -> CouncilGoal | None:
        code = cell_text(value)
        if not code:
            return None
        year = _budget_year(row)
        match = re.fullmatch(r"([0-9]{1,9})\.([0-9]{1,9})", code)
        budget_year = to_int(year, minimum=1, maximum=9999)
        goal = None
        if match and budget_year is not None:
            goal = (
                CouncilGoal.objects.select_related("area")
                .filter(
                    area__budget__year=budget_year,
                    area__number=int(match[1]),
                    number=int(match[2]),
                )
                .first()
            )
        if goal is None:
            raise ValueError(
                _("The budget “%(year)s” has no council goal “%(code)s”.")
                % {"year": year, "code": code}
            )
        return goal

    def render(self, value, obj=None, **kwargs) -> str:
        return value.code if value else ""


class AssignmentWidget(widgets.ForeignKeyWidget):
    """An assignment by its code, in the budget of the row's "budget" column."""

    def __init__(self) -> None:
        super().__init__(Assignment, field="code")

    def clean(self, value, row=None, **kwargs) -> Assignment | None:
        code = cell_text(value)
        if not code:
            return None
        year = _budget_year(row)
        assignment = None
        budget_year = to_int(year, minimum=1, maximum=9999)
        if budget_year is not None:
            assignment = (
                Assignment.objects.select_related("budget")
                .filter(budget__year=budget_year, code=code)
                .first()
            )
        if assignment is None:
            raise ValueError(
                _("The budget “%(year)s” has no assignment “%(code)s”.")
                % {"year": year, "code": code}
            )
        return assignment


def _split(value) -> list[str]:
    return [part.strip() for part in cell_text(value).split(LIST_SEPARATOR) if part.strip()]


class SdgGoalsWidget(widgets.ManyToManyWidget):
    """Agenda 2030 goals by their numbers, "11;13"."""

    def __init__(self) -> None:
        super().__init__(GlobalGoal, separator=LIST_SEPARATOR, field="number")

    def clean(self, value, row=None, **kwargs) -> list[GlobalGoal]:
        wanted = _split(value)
        goals = {str(goal.number): goal for goal in GlobalGoal.objects.sdg()}
        unknown = [number for number in wanted if number not in goals]
        if unknown:
            raise ValueError(
                _("No Agenda 2030 goal has the number %(numbers)s: use 1–17.")
                % {"numbers": ", ".join(map(_quoted, unknown))}
            )
        return [goals[number] for number in wanted]

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return LIST_SEPARATOR.join(str(goal.number) for goal in value.all())


class SdgTargetsWidget(widgets.ManyToManyWidget):
    """Agenda 2030 targets by their codes, "11.6;13.1"; "7.A" finds "7.a"."""

    def __init__(self) -> None:
        super().__init__(GlobalTarget, separator=LIST_SEPARATOR, field="code")

    def clean(self, value, row=None, **kwargs) -> list[GlobalTarget]:
        wanted = _split(value)
        if not wanted:
            return []
        numbers = {code.split(".", 1)[0] for code in wanted}
        targets = {
            target.code.casefold(): target
            for target in GlobalTarget.objects.filter(
                goal__framework=Framework.SDG,
                goal__number__in=[
                    n for n in (to_int(n, maximum=99) for n in numbers) if n is not None
                ],
            )
        }
        unknown = [code for code in wanted if code.casefold() not in targets]
        if unknown:
            raise ValueError(
                _("No Agenda 2030 target has the code %(codes)s.")
                % {"codes": ", ".join(map(_quoted, unknown))}
            )
        return [targets[code.casefold()] for code in wanted]

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return LIST_SEPARATOR.join(target.code for target in value.all())


class SdgLinksField(fields.Field):
    """
    An assignment's links to Agenda 2030 goals or targets. Its links to the Millennium goals,
    which the column cannot name, are kept as they are.
    """

    def __init__(self, attribute: str, *, widget: widgets.ManyToManyWidget, framework: str):
        super().__init__(attribute, attribute, widget=widget)
        self.framework_lookup = framework

    def save(self, instance, row, is_m2m=False, **kwargs) -> None:
        manager = getattr(instance, self.attribute)
        kept = list(manager.exclude(**{self.framework_lookup: Framework.SDG}))
        manager.set([*kept, *self.clean(row, **kwargs)])


# Formats


class FormulaSafeFormat(base_formats.TablibFormat):
    """
    Exports every cell as text that no spreadsheet runs as a formula (``formula_safe``, the
    rule the public CSV files follow too), where import-export's own escaping only drops a
    leading "=". Import-export calls this with IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT on.
    """

    def _escape_formulae(self, dataset) -> None:
        for _row in range(len(dataset)):
            row = dataset.lpop()
            dataset.append([formula_safe(str(cell)) for cell in row])


class CSV(FormulaSafeFormat, base_formats.CSV):
    """
    CSV in UTF-8 (with or without a byte order mark), separated by commas or, as a Swedish
    Excel saves it, by semicolons. Exports are separated by commas.
    """

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        header = in_stream.lstrip("\ufeff").partition("\n")[0]
        if header.count(";") > header.count(","):
            kwargs.setdefault("delimiter", ";")
        return super().create_dataset(in_stream, **kwargs)


class XLSX(FormulaSafeFormat, base_formats.XLSX):
    pass


FORMATS = [CSV, XLSX]


# Resources


class NaturalKeyResource(resources.ModelResource):
    """
    What the three resources share: rows found by natural keys, every bad cell reported as
    an error of its row and column (also in the many-to-many columns, which import-export
    would only check while saving), and blank rows at the end of a sheet ignored.
    """

    def before_import(self, dataset, **kwargs) -> None:
        while len(dataset) and not any(cell_text(cell) for cell in dataset[-1]):
            del dataset[-1]
        super().before_import(dataset, **kwargs)

    def get_instance(self, instance_loader, row):
        # A key that names nothing (an unknown budget, say) means a new row; import_instance
        # then reports the key's column with its message.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls._meta.model._meta.verbose_name_plural)


class OrganisationResource(NaturalKeyResource):
    name = fields.Field("name", "name", widget=TextWidget())
    slug = fields.Field("slug", "slug", widget=TextWidget())
    kind = fields.Field(
        "kind",
        "kind",
        widget=ChoiceWidget(
            OrganisationKind,
            what=gettext_lazy("organisation kind"),
            words=ORGANISATION_KIND_WORDS,
        ),
    )
    parent = fields.Field("parent", "parent", widget=OrganisationWidget())
    valid_from = fields.Field("valid_from", "valid_from", widget=IsoDateWidget())
    valid_to = fields.Field("valid_to", "valid_to", widget=IsoDateWidget())
    description = fields.Field("description", "description", widget=TextWidget())
    email = fields.Field("email", "email", widget=TextWidget())

    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "description",
            "email",
        ]
        import_id_fields = ["name"]
        clean_model_instances = True
        skip_unchanged = True

    def import_instance(self, instance, row, **kwargs) -> None:
        slug = instance.slug
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # An empty slug keeps the one the organisation has, or is made from the name.
            if not instance.slug:
                instance.slug = slug or unique_slug(instance.name, exclude_pk=instance.pk)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent")


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name or "")[:190]
    if not base:
        return ""
    taken = set(
        Organisation.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class AssignmentResource(NaturalKeyResource):
    budget = fields.Field("budget", "budget", widget=BudgetWidget())
    code = fields.Field("code", "code", widget=TextWidget())
    title = fields.Field("title", "title", widget=TextWidget())
    text = fields.Field("text", "text", widget=TextWidget())
    council_goal = fields.Field("council_goal", "council_goal", widget=CouncilGoalWidget())
    global_goals = SdgLinksField("global_goals", widget=SdgGoalsWidget(), framework="framework")
    global_targets = SdgLinksField(
        "global_targets", widget=SdgTargetsWidget(), framework="goal__framework"
    )

    class Meta:
        model = Assignment
        fields = [
            "budget",
            "code",
            "title",
            "text",
            "council_goal",
            "global_goals",
            "global_targets",
        ]
        import_id_fields = ["budget", "code"]
        clean_model_instances = True
        skip_unchanged = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("budget", "council_goal__area").prefetch_related(
            models.Prefetch("global_goals", queryset=GlobalGoal.objects.sdg()),
            models.Prefetch(
                "global_targets",
                queryset=GlobalTarget.objects.filter(goal__framework=Framework.SDG),
            ),
        )


class ResponsibilityResource(NaturalKeyResource):
    # The budget year is read by the assignment column's widget; it is not a field of its own.
    budget = fields.Field(
        attribute="assignment__budget", column_name="budget", widget=BudgetWidget(), readonly=True
    )
    assignment = fields.Field("assignment", "assignment", widget=AssignmentWidget())
    organisation = fields.Field("organisation", "organisation", widget=OrganisationWidget())
    role = fields.Field(
        "role",
        "role",
        widget=ChoiceWidget(ResponsibilityRole, what=gettext_lazy("role")),
    )

    class Meta:
        model = Responsibility
        fields = ["budget", "assignment", "organisation", "role"]
        import_id_fields = ["assignment", "organisation"]
        clean_model_instances = True
        skip_unchanged = True

    def import_instance(self, instance, row, **kwargs) -> None:
        role = instance.role  # a new responsibility's is the model's default, lead
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            if not instance.role:
                instance.role = role

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("assignment__budget", "organisation")


RESOURCES: Iterable[type[NaturalKeyResource]] = (
    OrganisationResource,
    AssignmentResource,
    ResponsibilityResource,
)
