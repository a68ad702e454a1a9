"""
People, their memberships and the organisations they belong to.

Who may manage whom is one rule, ``assignments.roles``: a reviewer manages only accounts
without admin rights and never their own, and never sees the fields that hold rights or sets
a password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assignments import notifications, roles
from assignments.models import (
    Membership,
    Organisation,
    User,
)
from goals.models import Budget
from malmo_portal.params import to_int

from .imports import CityDataImportExportMixin
from .resources import (
    OrganisationResource,
)

if TYPE_CHECKING:
    # What the mixins below are mixed into, for the type checker only.
    from django.contrib.admin.options import InlineModelAdmin

    _InlineBase = InlineModelAdmin[Any, Any]
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _InlineBase = _ModelAdminBase = object

# People and organisations


class MembershipForm(forms.ModelForm):
    """
    A membership as the signed-in person may give it: only to an account whose rights they
    may manage (``roles.manageable_users``), never to themselves or to someone with admin
    rights. A membership of such an account is shown, and kept as it is.
    """

    actor: User | None = None

    class Meta:
        model = Membership
        fields = ["user", "organisation", "role"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        actor = self.actor
        if actor is None or actor.is_superuser:
            return
        held_by_other = self.instance.pk and not roles.may_manage_user(actor, self.instance.user)
        if held_by_other:
            # Another reviewer's or an administrator's membership: read it, never change it.
            for field in self.fields.values():
                field.disabled = True
        elif "user" in self.fields:
            user_field = cast(forms.ModelChoiceField, self.fields["user"])
            user_field.queryset = roles.manageable_users(actor)

    @classmethod
    def for_actor(cls, actor: User) -> type[MembershipForm]:
        return type(cls.__name__, (cls,), {"actor": actor})


class MembershipFormSet(forms.BaseInlineFormSet):
    """Refuse to delete a membership that the signed-in person may not manage."""

    def clean(self) -> None:
        super().clean()
        actor = getattr(self.form, "actor", None)
        if actor is None:
            return
        for form in self.deleted_forms:
            membership = form.instance
            if membership.pk and not roles.may_manage_user(actor, membership.user):
                raise ValidationError(
                    gettext("Only an administrator can remove %(user)s from an organisation.")
                    % {"user": membership.user},
                    code="not_manageable",
                )


class MembershipInlineMixin(_InlineBase):
    """Inlines of memberships give the form the signed-in person's rights."""

    form = MembershipForm
    formset = MembershipFormSet

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = MembershipForm.for_actor(request.user)
        return super().get_formset(request, obj, **kwargs)


class PeoplePermissionMixin(_ModelAdminBase):
    """
    Changing or deleting an account, or a membership, needs the right to manage the person
    it belongs to (``roles.may_manage_user``), on top of the model's permission.
    """

    def person_of(self, obj) -> User:
        return obj

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_manage_user(request.user, self.person_of(obj)))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.may_manage_user(request.user, self.person_of(obj)))


class UserMembershipInline(MembershipInlineMixin, admin.TabularInline):
    model = Membership
    fields = ["organisation", "role"]
    autocomplete_fields = ["organisation"]
    extra = 0


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):  # type: ignore[name-defined]  # Meta missing from the stubs
        model = User


class InvitationForm(forms.ModelForm):
    """
    A new account as a reviewer makes it: without a password, which the person chooses
    through the link that is e-mailed to them. So no one but its owner can sign in with it.
    """

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "The person receives a link at this address to choose their password."
        )

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):  # type: ignore[name-defined]  # Meta missing from the stubs
        model = User


class ProfileForm(UserChangeForm):
    """An account as someone who is no superuser changes it: no password and no rights."""

    password = None  # type: ignore[assignment]  # None removes the parent form's field; the stubs don't know that


@admin.register(User)
class UserAdmin(PeoplePermissionMixin, auth_admin.UserAdmin):
    """
    Accounts. Superusers manage everything; anyone else who may change users manages only
    the accounts that hold no right in the admin (reporters and readers), never their own,
    and never sees the fields that hold rights or sets a password (``assignments.roles``).
    """

    form = UserChangeForm
    add_form = UserCreationForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "organisation_list",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "memberships__role"]
    inlines = [UserMembershipInline]
    actions = ["send_invitation"]
    invitation_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "first_name", "last_name", "email"]})
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
            )
        )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return self.invitation_fieldsets
        fieldsets = []
        for title, options in super().get_fieldsets(request, obj):
            fields = [
                name
                for name in options["fields"]
                if name not in roles.RIGHTS_FIELDS and name != "password"
            ]
            if fields:
                fieldsets.append((title, {**options, "fields": fields}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if request.user.is_superuser:
            return super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            kwargs["form"] = InvitationForm
            kwargs["fields"] = None
            return admin.ModelAdmin.get_form(self, request, obj, change=change, **kwargs)
        kwargs["form"] = ProfileForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change and not obj.has_usable_password():
            transaction.on_commit(lambda: notifications.invitation(obj.pk))
            self.message_user(
                request,
                gettext("A link to choose a password was e-mailed to %(email)s.")
                % {"email": obj.email},
                messages.SUCCESS,
            )

    def user_change_password(self, request, id, form_url=""):
        # A password is its owner's: they choose it through a link sent to their address.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(
        description=_("E-mail a link to choose a password to the selected people"),
        permissions=["change"],
    )
    def send_invitation(self, request, queryset):
        sent = 0
        for user in roles.manageable_users(request.user, queryset).exclude(email=""):
            sent += notifications.invitation(user.pk)
        self.message_user(
            request,
            ngettext(
                "A link to choose a password was e-mailed to %(count)d person.",
                "A link to choose a password was e-mailed to %(count)d people.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )

    @admin.display(description=_("organisations"))
    def organisation_list(self, obj: User) -> str:
        return ", ".join(m.organisation.name for m in obj.memberships.all())


class ActiveFilter(admin.SimpleListFilter):
    """Organisations that exist today, or at some time of a budget year."""

    title = _("active")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        years = Budget.objects.order_by("-year").values_list("year", flat=True)
        return [
            ("now", _("Today")),
            *((str(year), _("During %(year)s") % {"year": year}) for year in years),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "now":
            return queryset.active_on(timezone.localdate())
        year = to_int(value, minimum=1, maximum=9998)
        if year is not None:
            return queryset.active_during(year)
        return queryset


class OrganisationMembershipInline(MembershipInlineMixin, admin.TabularInline):
    model = Membership
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(CityDataImportExportMixin, admin.ModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "kind", "parent", "valid_from", "valid_to", "is_active_today"]
    list_filter = ["kind", ActiveFilter, ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "email"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "email", "description", "valid_from", "valid_to"]
    inlines = [OrganisationMembershipInline]

    @admin.display(description=_("active today"), boolean=True)
    def is_active_today(self, obj: Organisation) -> bool:
        return obj.is_active_on(timezone.localdate())


@admin.register(Membership)
class MembershipAdmin(PeoplePermissionMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "organisation__name",
    ]
    ordering = ["organisation__name", "user__username"]
    autocomplete_fields = ["user", "organisation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MembershipForm.for_actor(request.user)
        return super().get_form(request, obj, change=change, **kwargs)

    def person_of(self, obj: Membership) -> User:
        return obj.user
