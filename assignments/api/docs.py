"""
The API's documentation page, at ``/api/`` (Swedish) and ``/en/api/`` (English): its OpenAPI
description rendered on the server.

The page is made from the very dict ``/api/v1/openapi.json`` serves, made once per process,
so what it says about the operations, their parameters and the schemas of the answers cannot
disagree with the API. Only the introduction is written in the template.

The description's summaries and descriptions are English; they are marked for translation
where they are written (``N_`` in ``endpoints.py`` and ``schemas.py``) and translated here, at
render time. A text without a translation in the page's language is shown in English, marked
``lang="en"``, as are the names and paths (code) on the Swedish page.

No JavaScript and nothing from another site: a plain page, as the Content-Security-Policy
wants it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from assignments.caching import public_page
from assignments.models import Assignment, Indicator, Organisation, Report, ReportingPeriod
from goals.models import Budget, CouncilGoal, Framework, GlobalGoal, GlobalTarget

from .endpoints import api

Schema = dict[str, Any]

REF_PREFIX = "#/components/schemas/"

# The headings of the groups of operations, by the operations' tag (the first part of their
# path). A tag not named here is shown as it is.
TAG_TITLES = {
    "": _("The starting point"),
    "budgets": _("Budgets"),
    "council-goals": _("Council goals"),
    "organisations": _("Committees and companies"),
    "assignments": _("Assignments"),
    "periods": _("Reporting periods"),
    "reports": _("Published reports"),
    "sdg": _("Agenda 2030: goals and targets"),
    "mdg": _("The Millennium Development Goals"),
    "indicators": _("Indicators"),
    "indicator-values": _("Indicator values"),
}

# What the statuses of the answers mean; another is shown with the description's own words.
STATUSES = {
    "200": _("OK: the object, or a page of the list."),
    "304": _("Not modified: the copy you have is still current."),
    "400": _("Bad request: an unknown parameter, or a value of the wrong type or out of range."),
    "404": _(
        "Not found: no such object, a filter value that names nothing, or no page at that offset."
    ),
}

LOCATIONS = {
    "query": _("query string"),
    "path": _("path"),
    "header": _("header"),
}

# A real value of each single object's address, by the operation's id, so that its example
# is a link that answers: the first object of the list the operation belongs to. Where there
# is none (an empty database) the example is the list instead.
EXAMPLE_VALUES: dict[str, Callable[[], object]] = {
    "budget": lambda: Budget.objects.order_by("-year").values_list("year", flat=True).first(),
    "council_goal": lambda: (
        CouncilGoal.objects.order_by("-area__budget__year", "area__number", "number", "pk")
        .values_list("pk", flat=True)
        .first()
    ),
    "organisation": lambda: (
        Organisation.objects.order_by("name").values_list("slug", flat=True).first()
    ),
    "assignment": lambda: (
        Assignment.objects.order_by("-budget__year", "code", "pk")
        .values_list("pk", flat=True)
        .first()
    ),
    "period": lambda: (
        ReportingPeriod.objects.order_by("-budget__year", "deadline", "pk")
        .values_list("pk", flat=True)
        .first()
    ),
    "report": lambda: (
        Report.objects.public()
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    ),
    "indicator": lambda: Indicator.objects.order_by("code").values_list("code", flat=True).first(),
    "sdg_goal": lambda: _goal_number(Framework.SDG),
    "sdg_target": lambda: _target_code(Framework.SDG),
    "mdg_goal": lambda: _goal_number(Framework.MDG),
    "mdg_target": lambda: _target_code(Framework.MDG),
}


def _goal_number(framework: str) -> int | None:
    goals = GlobalGoal.objects.filter(framework=framework).order_by("number")
    return goals.values_list("number", flat=True).first()


def _target_code(framework: str) -> str | None:
    targets = GlobalTarget.objects.filter(goal__framework=framework)
    return targets.order_by("goal__number", "position", "pk").values_list("code", flat=True).first()


@functools.cache
def openapi(script_prefix: str) -> Schema:
    """The OpenAPI description as ``/api/v1/openapi.json`` serves it (ninja's ``openapi_json``
    view makes it the same way), made once per process and script prefix."""
    return api.get_openapi_schema(path_params={})


# What the template shows


@dataclass(frozen=True)
class Parameter:
    name: SafeString
    location: str
    type: SafeString
    required: bool
    constraints: list[SafeString]
    description: SafeString


@dataclass(frozen=True)
class Response:
    status: str
    meaning: SafeString
    body: SafeString


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: SafeString
    description: SafeString
    parameters: list[Parameter]
    responses: list[Response]
    example: str | None
    example_is_list: bool


@dataclass(frozen=True)
class Group:
    anchor: str
    title: SafeString
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True)
class Property:
    name: SafeString
    type: SafeString
    nullable: bool
    required: bool
    description: SafeString


@dataclass(frozen=True)
class Component:
    name: str
    anchor: str
    code: SafeString
    description: SafeString
    properties: list[Property]
    values: list[SafeString]
    answer_of: list[SafeString]
    inside: list[SafeString]


def schema_anchor(name: str) -> str:
    return f"schema-{name}"


class Page:
    """The OpenAPI description, made readable in the active language."""

    def __init__(self, description: Schema, *, english: bool) -> None:
        self.description = description
        self.english = english
        self.schemas: dict[str, Schema] = description.get("components", {}).get("schemas", {})

    # Texts and code

    def text(self, text: str | None) -> SafeString:
        """A text of the description, translated; in English, marked so, where it has no
        translation (WCAG 3.1.2)."""
        if not text:
            return SafeString("")
        translated = gettext(text)
        if translated == text and not self.english:
            return format_html('<span lang="en">{}</span>', text)
        return format_html("{}", translated)

    def code(self, value: object) -> SafeString:
        """A name, path or value as code; English (or no language at all) on any page."""
        if self.english:
            return format_html("<code>{}</code>", value)
        return format_html('<code lang="en">{}</code>', value)

    def value(self, value: object) -> SafeString:
        """A value as code, as it is written in an address: ``20``, ``true``, ``sdg``. A
        number has no language."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_html("<code>{}</code>", value)
        return self.code(value if isinstance(value, str) else json.dumps(value))

    def join(self, parts: Iterable[SafeString]) -> SafeString:
        return format_html_join(", ", "{}", ((part,) for part in parts))

    def fill(self, template: str, **parts: SafeString) -> SafeString:
        """A translated phrase with ``%(name)s`` placeholders filled with HTML parts."""
        escaped = format_html("{}", template)
        return mark_safe(escaped % parts)  # the phrase is escaped, the parts are safe HTML

    # Types

    def resolve(self, schema: Schema) -> Schema:
        ref = schema.get("$ref", "")
        if ref.startswith(REF_PREFIX):
            return self.schemas.get(ref.removeprefix(REF_PREFIX), {})
        return schema

    def options(self, schema: Schema) -> tuple[list[Schema], bool]:
        """The alternatives a schema allows besides null, and whether it allows null."""
        alternatives = schema.get("anyOf") or schema.get("oneOf")
        if alternatives:
            others = [option for option in alternatives if option.get("type") != "null"]
            return others, len(others) < len(alternatives)
        types = schema.get("type")
        if isinstance(types, list) and "null" in types:
            rest = [kind for kind in types if kind != "null"]
            return [{**schema, "type": rest[0] if len(rest) == 1 else rest}], True
        return [schema], False

    def type(self, schema: Schema) -> SafeString:
        """A JSON schema in words: a link to a named schema, "list of X", "X or null"…"""
        options, nullable = self.options(schema)
        words = format_html_join(
            format_html(" {} ", gettext("or")), "{}", ((self.single(o),) for o in options)
        )
        if nullable:
            return self.fill(gettext("%(type)s or %(null)s"), type=words, null=self.code("null"))
        return words

    def single(self, schema: Schema) -> SafeString:
        ref = schema.get("$ref", "")
        if ref.startswith(REF_PREFIX):
            name = ref.removeprefix(REF_PREFIX)
            return format_html('<a href="#{}">{}</a>', schema_anchor(name), self.code(name))
        if "anyOf" in schema or "oneOf" in schema:
            return self.type(schema)
        if "enum" in schema:
            values = self.join(self.value(value) for value in schema["enum"])
            return self.fill(gettext("one of %(values)s"), values=values)
        kind = schema.get("type")
        if kind == "array":
            return self.fill(gettext("list of %(type)s"), type=self.type(schema.get("items", {})))
        if kind == "object":
            members = schema.get("additionalProperties")
            if isinstance(members, dict) and members:
                return self.fill(gettext("object: name → %(type)s"), type=self.type(members))
            return format_html("{}", pgettext("JSON type", "object"))
        if kind == "string":
            formats = {
                "date": gettext("date (YYYY-MM-DD)"),
                "date-time": gettext("date and time (ISO 8601)"),
            }
            if schema.get("format") in formats:
                return format_html("{}", formats[schema["format"]])
            if schema.get("format"):
                return self.fill(gettext("string (%(format)s)"), format=self.code(schema["format"]))
            return format_html("{}", pgettext("JSON type", "string"))
        if kind == "null":
            return self.code("null")
        names = {
            "integer": pgettext("JSON type", "integer"),
            "number": pgettext("JSON type", "number"),
            "boolean": pgettext("JSON type", "boolean"),
        }
        return format_html("{}", names.get(str(kind), gettext("any value")))

    def constraints(self, schema: Schema) -> list[SafeString]:
        """What a parameter's value must be, beyond its type."""
        found: list[SafeString] = []
        options, _nullable = self.options(schema)
        for each in [schema, *options]:
            option = {**each, **self.resolve(each)}
            low, high = option.get("minimum"), option.get("maximum")
            if low is not None and high is not None:
                found.append(
                    self.fill(
                        gettext("from %(minimum)s to %(maximum)s"),
                        minimum=self.value(low),
                        maximum=self.value(high),
                    )
                )
            elif low is not None:
                found.append(self.fill(gettext("at least %(minimum)s"), minimum=self.value(low)))
            elif high is not None:
                found.append(self.fill(gettext("at most %(maximum)s"), maximum=self.value(high)))
            if "pattern" in option:
                found.append(
                    self.fill(gettext("pattern %(pattern)s"), pattern=self.code(option["pattern"]))
                )
            if "enum" in option or option.get("type") == "boolean":
                values = self.join(self.value(value) for value in option.get("enum", [True, False]))
                found.append(self.fill(gettext("one of %(values)s"), values=values))
        if "default" in schema:
            found.append(
                self.fill(gettext("default %(value)s"), value=self.value(schema["default"]))
            )
        return list(dict.fromkeys(found))

    # The operations

    def groups(self, examples: dict[str, object]) -> list[Group]:
        groups: dict[str, Group] = {}
        for path, methods in self.description.get("paths", {}).items():
            for method, operation in methods.items():
                tag = (operation.get("tags") or [""])[0]
                if tag not in groups:
                    title = TAG_TITLES.get(tag)
                    groups[tag] = Group(
                        anchor=f"operations-{tag or 'start'}",
                        title=format_html("{}", title) if title else self.code(tag),
                    )
                groups[tag].operations.append(self.operation(path, method, operation, examples))
        return list(groups.values())

    def operation(
        self, path: str, method: str, operation: Schema, examples: dict[str, object]
    ) -> Operation:
        operation_id = operation.get("operationId") or f"{method}-{path}"
        parameters = operation.get("parameters", [])
        example = self.example(path, parameters, examples.get(operation_id))
        return Operation(
            anchor=f"operation-{operation_id}",
            method=method.upper(),
            path=path,
            summary=self.text(operation.get("summary")) or self.code(path),
            description=self.text(operation.get("description")),
            parameters=[self.parameter(parameter) for parameter in parameters],
            responses=[
                self.response(status, response)
                for status, response in operation.get("responses", {}).items()
            ],
            example=example,
            example_is_list=example is not None and "{" in path and "?" in example,
        )

    def parameter(self, parameter: Schema) -> Parameter:
        schema = parameter.get("schema", {})
        location = parameter.get("in", "")
        return Parameter(
            name=self.code(parameter["name"]),
            location=str(LOCATIONS.get(location, location)),
            type=self.type(schema),
            required=bool(parameter.get("required")),
            constraints=self.constraints(schema),
            description=self.text(parameter.get("description") or schema.get("description")),
        )

    def response(self, status: str, response: Schema) -> Response:
        content = response.get("content", {}).get("application/json", {})
        meaning = STATUSES.get(str(status))
        return Response(
            status=str(status),
            meaning=format_html("{}", meaning)
            if meaning
            else self.text(response.get("description")),
            body=self.type(content["schema"]) if "schema" in content else SafeString(""),
        )

    def example(self, path: str, parameters: list[Schema], value: object) -> str | None:
        """An address that shows what the operation answers: a short page of a list, or one
        real object. Without one (an empty database), the list the object is in; None if
        there is none."""
        in_path = [parameter["name"] for parameter in parameters if parameter.get("in") == "path"]
        if not in_path:
            takes_limit = any(parameter.get("name") == "limit" for parameter in parameters)
            return f"{path}?limit=2" if takes_limit else path
        if value is not None and len(in_path) == 1:
            return path.replace(f"{{{in_path[0]}}}", quote(str(value), safe=""))
        parent = path[: path.index("{")].rstrip("/")
        if "get" in self.description.get("paths", {}).get(parent, {}):
            return f"{parent}?limit=2"
        return None

    # The schemas

    def components(self) -> list[Component]:
        answers: dict[str, list[SafeString]] = {}
        for path, methods in self.description.get("paths", {}).items():
            for method, operation in methods.items():
                responses = operation.get("responses", {})
                answer = [body for status, body in responses.items() if str(status) == "200"]
                anchor = f"operation-{operation.get('operationId') or f'{method}-{path}'}"
                link = format_html(
                    '<a href="#{}">{}</a>', anchor, self.code(f"{method.upper()} {path}")
                )
                for name in sorted(references(answer)):
                    answers.setdefault(name, []).append(link)
        inside: dict[str, list[SafeString]] = {}
        for name, schema in sorted(self.schemas.items()):
            link = format_html('<a href="#{}">{}</a>', schema_anchor(name), self.code(name))
            for used in sorted(references(schema) - {name}):
                inside.setdefault(used, []).append(link)
        return [
            self.component(name, schema, answers.get(name, []), inside.get(name, []))
            for name, schema in sorted(self.schemas.items())
        ]

    def component(
        self, name: str, schema: Schema, answer_of: list[SafeString], inside: list[SafeString]
    ) -> Component:
        required = set(schema.get("required", []))
        properties = []
        for key, prop in schema.get("properties", {}).items():
            _options, nullable = self.options(prop)
            properties.append(
                Property(
                    name=self.code(key),
                    type=self.type(prop),
                    nullable=nullable,
                    required=key in required,
                    description=self.text(prop.get("description")),
                )
            )
        return Component(
            name=name,
            anchor=schema_anchor(name),
            code=self.code(name),
            description=self.text(schema.get("description")),
            properties=properties,
            values=[self.value(value) for value in schema.get("enum", [])],
            answer_of=answer_of,
            inside=inside,
        )


def references(schema: object) -> set[str]:
    """The names of the schemas a part of the description refers to (not further down)."""
    if isinstance(schema, dict):
        found = set()
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            found.add(ref.removeprefix(REF_PREFIX))
        for value in schema.values():
            found |= references(value)
        return found
    if isinstance(schema, list):
        return set().union(*(references(value) for value in schema))
    return set()


def _examples(description: Schema) -> dict[str, object]:
    """A real value for the path of each operation that shows one object."""
    ids = {
        operation.get("operationId")
        for methods in description.get("paths", {}).values()
        for operation in methods.values()
    }
    return {name: find() for name, find in EXAMPLE_VALUES.items() if name in ids}


@public_page
def documentation(request: HttpRequest) -> HttpResponse:
    """The API described for people: the operations, their parameters and the schemas."""
    description = openapi(get_script_prefix())
    page = Page(description, english=(get_language() or "").startswith("en"))
    info = description.get("info", {})
    return render(
        request,
        "api/documentation.html",
        {
            "version": info.get("version", ""),
            "openapi_version": description.get("openapi", ""),
            "root": reverse("api:api-root"),
            "openapi_url": reverse("api:openapi-json"),
            "groups": page.groups(_examples(description)),
            "components": page.components(),
            "code_lang": "" if page.english else "en",
        },
    )
