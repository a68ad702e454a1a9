"""
No input gives a server error, and a form always gives back what was typed.

Hypothesis generates the input (tests/strategies.py): long text, Unicode digits, control
characters and NUL, numbers far out of range, fields missing, repeated or unknown. Each test
sends 200 examples (the "portal" profile in conftest.py) to one endpoint:

- every changelist of the admin, with its own filters, date drill-down, search and ordering;
- every add form of the admin, and the change forms where rights are given;
- the admin's own pages: the decisions, publishing a period, who has reported, the imports;
- every public page and open-data download, with its filters, and their path arguments;
- every form and POST of the reporters' pages and the accounts.

The Django test client raises a view's exception, so a server error fails with its traceback
and the example that caused it; hypothesis prints how to reproduce it.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assignments.models import INDICATOR_CODE_PATTERN, IndicatorSource, ReportContent, ReportStatus
from assignments.public import indicators as public_indicators
from assignments.public import views as public_views
from assignments.reporting import forms as reporting_forms
from tests import factories
from tests.strategies import fields, typed

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def assert_answered(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict[str, list[str]]):
    return client.post(url, data)


# The admin


def changelist_parameters(model_admin, user) -> list[str]:
    """Every query parameter the changelist reads: its filters', drill-down's and its own."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = {"q", "o", "p", "all", "e", "_to_field", "_popup", "every"}
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return sorted(names)


def known_values(world) -> tuple:
    return (
        world.draft.pk,
        world.organisation.pk,
        world.period.pk,
        world.assignment.pk,
        ReportStatus.SUBMITTED,
        2018,
        11,
        "0",
        "1",
    )


@pytest.mark.parametrize(
    "model_admin", [m for _model, m in REGISTERED], ids=[m._meta.label for m, _a in REGISTERED]
)
def test_every_admin_changelist_answers_any_filter_and_search(world, model_admin):
    client = signed_in(world.superuser)
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    names = changelist_parameters(model_admin, world.superuser)
    valid = known_values(world)

    @given(data=fields(dict.fromkeys(names, valid)))
    def check(data):
        assert_answered(client.get(url, data), f"GET {url} {data!r}")

    check()


@pytest.mark.parametrize(
    "model_admin", [m for _model, m in REGISTERED], ids=[m._meta.label for m, _a in REGISTERED]
)
def test_a_pop_ups_field_must_be_a_column(world, model_admin):
    """``?_to_field=`` naming no column of the model (a hidden reverse relation is named
    "+", which hypothesis found) is refused, as any field the pop-up may not read is: 400."""
    client = signed_in(world.superuser)
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    for name in ("+", "no_such_field", *(f.name for f in model_admin.opts.related_objects)):
        assert client.get(url, {"_to_field": name}).status_code == 400, name
    assert client.get(url, {"_to_field": model_admin.opts.pk.attname}).status_code == 200


def form_field_names(form) -> dict[str, tuple]:
    """A form's field names as the browser sends them (a split widget sends one per part)."""
    names: dict[str, tuple] = {}
    for name, field in form.fields.items():
        html_name = form.add_prefix(name)
        widgets = getattr(field.widget, "widgets", None)
        choices = tuple(value for value, _label in getattr(field, "choices", ()) if value != "")
        if widgets:
            for index in range(len(widgets)):
                names[f"{html_name}_{index}"] = ("2018-01-01", "08:00")
        else:
            names[html_name] = choices[:5]
    return names


def admin_form_names(response) -> dict[str, tuple]:
    """The fields of an admin form page: the main form's and its inlines' management forms."""
    names = form_field_names(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        names.update(
            {
                formset.management_form.add_prefix(name): ("0", "1")
                for name in formset.management_form.fields
            }
        )
        names.update(form_field_names(formset.empty_form))
        names = {name.replace("__prefix__", "0"): valid for name, valid in names.items()}
    return names


def assert_typed_text_comes_back(response, data: dict[str, list[str]], what: str) -> None:
    """A form shown again after an error holds exactly what was typed in its text fields."""
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        sent = typed(data, form.add_prefix(name))
        if sent is None or type(field).__name__ not in ("CharField", "EmailField", "SlugField"):
            continue
        if field.disabled or "password" in name:
            continue
        assert form[name].value() == sent, f"{what}: {name} came back changed"


def post_generated_admin_form(client: Client, url: str, page) -> None:
    """Generated data for the admin form ``page`` shows, posted to ``url``."""

    @given(data=fields(admin_form_names(page)))
    def check(data):
        response = client.post(url, data)
        assert_answered(response, f"POST {url} {data!r}")
        if response.status_code == 200 and "adminform" in (response.context or {}):
            assert_typed_text_comes_back(response, data, f"POST {url}")

    check()


ADD_FORMS = [
    (model, model_admin, role)
    for model, model_admin in REGISTERED
    if model._meta.app_label in ("assignments", "goals", "auth")
    for role in ("superuser", "reviewer")
    # A reviewer gets forms of their own for people and memberships; elsewhere the same form.
    if role == "superuser" or model._meta.model_name in ("user", "membership", "organisation")
]


@pytest.mark.parametrize(
    ("model_admin", "role"),
    [(model_admin, role) for _model, model_admin, role in ADD_FORMS],
    ids=[f"{role}-{model._meta.label}" for model, _a, role in ADD_FORMS],
)
def test_every_admin_add_form_answers_any_input_and_keeps_what_was_typed(world, model_admin, role):
    user = getattr(world, role)
    client = signed_in(user)
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_add")
    page = client.get(url)
    request = RequestFactory().get(url)
    request.user = user
    if not model_admin.has_add_permission(request):
        assert page.status_code == 403, f"{role} may not add, yet the add page answered"
        return
    post_generated_admin_form(client, url, page)


# The change forms where rights are given: a person's account and an organisation's members.
CHANGE_FORMS = [
    ("superuser", "reporter"),
    ("superuser", "organisation"),
    ("reviewer", "reporter"),
    ("reviewer", "organisation"),
    ("reviewer", "reviewer"),
]


@pytest.mark.parametrize(("role", "target"), CHANGE_FORMS)
def test_admin_change_forms_answer_any_input(world, role, target):
    obj = getattr(world, target)
    client = signed_in(getattr(world, role))
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    if role == "reviewer" and target == "reviewer":
        # Their own account: shown, never changed, whatever is sent.
        assert page.status_code == 200 and not page.context["has_change_permission"]

        @given(data=fields(admin_form_names(page)))
        def refused(data):
            assert client.post(url, data).status_code == 403

        refused()
        obj.refresh_from_db()
        assert not obj.is_superuser
        return
    post_generated_admin_form(client, url, page)


def admin_pages(world) -> dict[str, tuple[str, str, dict]]:
    """The admin's own pages: (method, url, fields with their valid values)."""
    report = world.submitted
    decision = {"note": ("Bra.",), "version": (report.current_version_id,), "confirm": ("1",)}
    periods = (world.period.pk,)
    pages = {
        "publish_period GET": (
            "get",
            reverse("admin:assignments_report_publish_period"),
            {"period": periods},
        ),
        "publish_period POST": (
            "post",
            reverse("admin:assignments_report_publish_period"),
            {"period": periods, "report": (world.published.pk,), "confirm": ("yes",)},
        ),
        "reporting status": (
            "get",
            reverse("admin:assignments_reportingperiod_status"),
            {"period": periods},
        ),
        "reporting status CSV": (
            "get",
            reverse("admin:assignments_reportingperiod_status_csv"),
            {"period": periods},
        ),
        "report changelist actions": (
            "post",
            reverse("admin:assignments_report_changelist"),
            {
                "action": ("approve_selected", "send_back_selected", "delete_selected"),
                "_selected_action": (report.pk, world.draft.pk),
                "note": ("Bra.",),
                "apply": ("1",),
                "post": ("yes",),
            },
        ),
    }
    for name in ("approve", "send_back", "publish", "reopen"):
        url = reverse(f"admin:assignments_report_{name}", args=[report.pk])
        pages[f"decision {name}"] = ("post", url, decision)
    for model in ("organisation", "assignment", "responsibility"):
        pages[f"import {model}"] = (
            "post",
            reverse(f"admin:assignments_{model}_import"),
            {"format": ("0", "1"), "import_file": ()},
        )
        pages[f"export {model}"] = (
            "post",
            reverse(f"admin:assignments_{model}_export"),
            {"format": ("0", "1"), "export_items": ()},
        )
    return pages


ADMIN_PAGES = [
    "publish_period GET",
    "publish_period POST",
    "reporting status",
    "reporting status CSV",
    "report changelist actions",
    "decision approve",
    "decision send_back",
    "decision publish",
    "decision reopen",
    "import organisation",
    "import assignment",
    "import responsibility",
    "export organisation",
    "export assignment",
    "export responsibility",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_admins_own_pages_answer_any_input(world, page):
    client = signed_in(world.reviewer)
    method, url, names = admin_pages(world)[page]
    send = getattr(client, method)

    @given(data=fields(names))
    def check(data):
        assert_answered(send(url, data), f"{method.upper()} {url} {data!r}")

    check()


# The public pages


def indicator_code(world) -> str:
    """An indicator with values, linked to the world's assignment and goal 11's target 11.6."""
    from assignments.models import Indicator
    from goals.models import GlobalTarget
    from tests.factories import add_values, make_indicator

    if not Indicator.objects.filter(code="N00401").exists():
        indicator = make_indicator(code="N00401", targets={2030: 2}, assignments=[world.assignment])
        indicator.global_targets.add(GlobalTarget.objects.get(goal__framework="sdg", code="11.6"))
        add_values(indicator, {2016: 5, 2018: 4})
    return "N00401"


def public_urls(world) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "assignment list": reverse("public:assignment_list"),
        "assignment": reverse("public:assignment_detail", args=[world.assignment.pk]),
        "organisation list": reverse("public:organisation_list"),
        "organisation": reverse("public:organisation_detail", args=[world.organisation.slug]),
        "council goals": reverse("public:council_goals"),
        "indicator list": reverse("public:indicator_list"),
        "indicator": reverse("public:indicator_detail", args=[indicator_code(world)]),
        "report": reverse("public:report_detail", args=[world.published.pk]),
        "period compilation": reverse(
            "public:period_compilation", args=[world.published.period_id]
        ),
        "accessibility": reverse("public:accessibility"),
        "sdg list": reverse("goals_public:sdg_list"),
        "sdg goal": reverse("goals_public:sdg_detail", args=[11]),
        "mdg list": reverse("goals_public:mdg_list"),
        "mdg goal": reverse("goals_public:mdg_detail", args=[7]),
        "sdg target": reverse("goals_public:sdg_target", args=[11, "11.6"]),
        "mdg target": reverse("goals_public:mdg_target", args=[7, "7.A"]),
        "open data": reverse("opendata:index"),
        "published reports csv": reverse(
            "opendata:download", kwargs={"dataset": "published-reports", "fmt": "csv"}
        ),
        "data package": reverse("opendata:datapackage"),
        "feed": reverse("opendata:feed"),
        "sdg feed": reverse("opendata:feed_sdg", args=[11]),
        "indicator values feed": reverse("opendata:feed_indicator_values"),
        "sitemap": reverse("sitemap"),
        "robots": reverse("robots_txt"),
        "login page": reverse("login"),
    }


PUBLIC_PARAMETERS = sorted(
    {
        *public_views.AssignmentFilterForm.base_fields,
        *public_views.YearForm.base_fields,
        *public_indicators.IndicatorFilterForm.base_fields,
        "page",
        "q",
        "year",
        "next",
        "language",
    }
)


PUBLIC_PAGES = [
    "home",
    "assignment list",
    "assignment",
    "organisation list",
    "organisation",
    "council goals",
    "indicator list",
    "indicator",
    "report",
    "period compilation",
    "accessibility",
    "sdg list",
    "sdg goal",
    "mdg list",
    "mdg goal",
    "open data",
    "published reports csv",
    "data package",
    "feed",
    "sdg feed",
    "indicator values feed",
    "sitemap",
    "robots",
    "login page",
]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_answers_any_filter_and_search(world, page):
    client = Client()
    urls = {}
    for language in ("sv", "en"):
        with translation.override(language):
            urls[language] = public_urls(world)[page]
    valid = (
        2018,
        world.organisation.pk,
        world.organisation.slug,
        11,
        "on_track",
        "2",
        "kolada",
        "limited",
    )

    @given(
        language=st.sampled_from(["sv", "en"]), data=fields(dict.fromkeys(PUBLIC_PARAMETERS, valid))
    )
    def check(language, data):
        url = urls[language]
        assert_answered(client.get(url, data), f"GET {url} {data!r}")

    check()


PATHS = {
    "public:assignment_detail": st.integers(min_value=0, max_value=2**80),
    "public:report_detail": st.integers(min_value=0, max_value=2**80),
    "public:period_compilation": st.integers(min_value=0, max_value=2**80),
    "goals_public:sdg_detail": st.integers(min_value=0, max_value=2**80),
    "goals_public:mdg_detail": st.integers(min_value=0, max_value=2**80),
    "opendata:feed_sdg": st.integers(min_value=0, max_value=2**80),
    "public:organisation_detail": st.from_regex(r"[-a-zA-Z0-9_]{1,300}", fullmatch=True),
    "opendata:feed_indicator": st.from_regex(INDICATOR_CODE_PATTERN, fullmatch=True),
    "public:indicator_detail": st.from_regex(INDICATOR_CODE_PATTERN, fullmatch=True),
    "public:indicator_values": st.from_regex(INDICATOR_CODE_PATTERN, fullmatch=True),
}


@pytest.mark.parametrize("name", sorted(PATHS))
def test_public_path_arguments_out_of_range_are_not_found(world, name):
    client = Client()

    @given(argument=PATHS[name])
    def check(argument):
        url = reverse(name, args=[argument])
        assert_answered(client.get(url), f"GET {url}")

    check()


@pytest.mark.parametrize("name", ["goals_public:sdg_target", "goals_public:mdg_target"])
def test_any_target_address_is_answered(world, name):
    """A target's address with any goal number and anything where its code goes, as a
    visitor could type it: the page, or not found."""
    client = Client()

    @given(number=st.integers(min_value=0, max_value=2**80), code=st.text(min_size=1))
    def check(number, code):
        url = reverse(name, args=[number, "1.1"]).replace("/1.1/", f"/{quote(code, safe='')}/")
        assert_answered(client.get(url), f"GET {url}")

    check()


# The reporters' pages and the accounts


def test_starting_a_report_answers_any_input(world):
    client = signed_in(world.reporter)
    url = reverse("assignments:report_start")
    names = {
        "organisation": (world.organisation.pk, world.other_organisation.pk),
        "assignment": (world.assignment.pk,),
        "period": (world.period.pk,),
    }

    @given(data=fields(names))
    def check(data):
        assert_answered(client.post(url, data), f"POST {url} {data!r}")

    check()


REPORT_FORM_FIELDS = [
    name for name in reporting_forms.ReportForm.base_fields if name != "new_attachments"
]


@pytest.fixture
def measured(world):
    """An indicator the draft's organisation measures for its assignment, split by gender:
    the report form asks for its values."""
    return factories.make_indicator(
        source=IndicatorSource.ORGANISATION,
        measured_by=world.organisation,
        assignments=[world.assignment],
        has_gender_split=True,
    )


@pytest.mark.parametrize("role", ["reporter", "reader", "outsider", "reviewer"])
def test_the_report_form_answers_any_input_and_keeps_what_was_typed(world, measured, role):
    client = signed_in(getattr(world, role))
    url = reverse("assignments:report_edit", args=[world.draft.pk])
    names = dict.fromkeys(REPORT_FORM_FIELDS, ())
    names["progress"] = ("on_track", "at_risk", "")
    names["edit_version"] = (world.draft.edit_version,)
    names["save_and_submit"] = ("1",)
    values = [
        f"value-{measured.pk}",
        *(f"value-{measured.pk}-gender-{c}" for c in ("women", "men")),
    ]
    names.update(dict.fromkeys(values, ("12,5", "12.5", "-3", "")))
    names[f"value-{measured.pk}-note"] = ("Mätt i december.",)

    @given(data=fields(names))
    def check(data):
        response = client.post(url, data)
        assert_answered(response, f"POST {url} {data!r}")
        if response.status_code == 200:
            form = response.context["form"]
            for name in [*ReportContent.CONTENT_FIELDS, *values, f"value-{measured.pk}-note"]:
                sent = typed(data, name)
                if sent is not None:
                    assert form[name].value() == sent, f"{name} came back changed"

    check()


@pytest.mark.parametrize(
    "endpoint", ["report_submit", "attachment_remove", "report_detail", "report_version"]
)
def test_the_reporters_other_posts_answer_any_input(world, endpoint):
    client = signed_in(world.reporter)
    args = {
        "report_submit": [world.draft.pk],
        "attachment_remove": [world.draft.pk, world.attachment.pk],
        "report_detail": [world.draft.pk],
        "report_version": [world.published.pk, 1],
    }[endpoint]
    url = reverse(f"assignments:{endpoint}", args=args)

    @given(data=fields({"edit_version": (world.draft.edit_version,), "confirm": ("1",)}))
    def check(data):
        assert_answered(client.post(url, data), f"POST {url} {data!r}")

    check()


ACCOUNT_FORMS = {
    "login": ({"username": ("rita",), "password": ("x",), "next": ("/rapportering/",)}, None),
    "password_reset": ({"email": ("rita@malmo.example",)}, None),
    "password_change": (
        {"old_password": (), "new_password1": (), "new_password2": ()},
        "reporter",
    ),
    "set_language": ({"language": ("sv", "en"), "next": ("/", "/en/uppdrag/")}, None),
    "logout": ({"next": ("/",)}, "reporter"),
}


@pytest.mark.parametrize("name", sorted(ACCOUNT_FORMS))
def test_the_account_forms_answer_any_input_and_keep_what_was_typed(world, name):
    names, role = ACCOUNT_FORMS[name]
    url = reverse(name)

    @given(data=fields(names))
    def check(data):
        client = signed_in(getattr(world, role)) if role else Client()
        response = client.post(url, data)
        assert_answered(response, f"POST {url} {data!r}")
        form = (response.context or {}).get("form") if response.status_code != 302 else None
        if form is not None and name in ("login", "password_reset"):
            field = "username" if name == "login" else "email"
            sent = typed(data, field)
            if sent is not None:
                assert form[field].value() == sent, f"{field} came back changed"

    check()


ACTION_ADMINS = ["user", "report", "reportingperiod", "budget"]


@pytest.mark.parametrize("model_name", ACTION_ADMINS)
def test_admin_actions_answer_any_selection(world, model_name):
    model, model_admin = next(
        (model, model_admin)
        for model, model_admin in REGISTERED
        if model._meta.model_name == model_name
    )
    client = signed_in(world.superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model_name}_changelist")
    request = RequestFactory().get(url)
    request.user = world.superuser
    actions = tuple(model_admin.get_actions(request))
    keys = tuple(model._default_manager.values_list("pk", flat=True)[:5])
    names = {
        "action": actions,
        "_selected_action": keys,
        "select_across": ("0", "1"),
        "index": ("0",),
        "note": ("Bra.",),
        "apply": ("1",),
        "post": ("yes",),
        "confirm": ("yes",),
    }

    @given(data=fields(names))
    def check(data):
        assert_answered(client.post(url, data), f"POST {url} {data!r}")

    check()


def test_choosing_a_new_password_answers_any_input(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.reporter
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    client = Client()
    form_page = client.get(link, follow=True).redirect_chain[-1][0]
    names = {
        "new_password1": ("Ett-bra-lösenord-2018",),
        "new_password2": ("Ett-bra-lösenord-2018",),
    }

    @given(data=fields(names))
    def check(data):
        assert_answered(client.post(form_page, data), f"POST {form_page} {data!r}")

    check()
