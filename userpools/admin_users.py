"""Pool users in Django admin: a user manager whose every change runs the service of the matching
Admin* operation through `console` (so triggers, codes, token revocation, the pool's rules and
the audit trail apply). No form here saves a User row itself.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.errors import ServiceError
from userpools import admin_panels, admin_search, console
from userpools.models import Group, GroupMembership, User, UserAttribute
from userpools.services import account, devices, memberships, mfa, recovery, users
from userpools.services.attributes import pool_schema, username_attribute_names

CONTACT_ATTRIBUTES = ("email", "phone_number")
MAX_SELECTED = 1000  # an action runs one service call per user; larger changes are for the API
_MFA_SETTING = {"SMS_MFA": "SMSMfaSettings", "SOFTWARE_TOKEN_MFA": "SoftwareTokenMfaSettings", "EMAIL_OTP": "EmailMfaSettings"}


def contacts(user: User) -> dict[str, str]:
    """The user's email and phone, from the rows `UserAdmin.get_queryset` prefetched."""
    return {row.name: row.value for row in getattr(user, "contact_rows", [])}


def shown_name(user: User) -> str:
    """How people know the user: in a pool whose usernames are emails or phones, that (not the UUID)."""
    values = contacts(user)
    for name in username_attribute_names(user.pool):
        if values.get(name):
            return values[name]
    return user.username


class GroupFilter(admin.SimpleListFilter):
    """Groups of the pool chosen in the pool filter (hidden until one is chosen)."""

    title = "group"
    parameter_name = "group"

    def lookups(self, request, model_admin):
        pool_id = request.GET.get("pool__id__exact")
        if not pool_id:
            return []
        return [(str(group.pk), group.name) for group in Group.objects.filter(pool_id=pool_id).order_by("name")[:200]]

    def queryset(self, request, queryset):
        if not self.value() or not self.value().isdigit():
            return queryset
        return queryset.filter(pk__in=GroupMembership.objects.filter(group_id=int(self.value())).values("user_id"))


class GroupChoiceForm(forms.Form):
    group = forms.ModelChoiceField(queryset=Group.objects.none(), empty_label=None)

    def __init__(self, pool_id: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(pool_id=pool_id).order_by("name")


class UserAttributesForm(forms.ModelForm):
    """The user's attributes, one field each, written through AdminUpdateUserAttributes (and
    AdminDeleteUserAttributes for emptied ones): a refusal by the pool's rules is a form error."""

    request: HttpRequest
    attribute_fields: dict[str, str] = {}  # form field -> attribute name

    class Meta:
        model = User
        fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        user = self.instance
        current = user.attribute_values()
        updates, removed = [], []
        for field_name, name in self.attribute_fields.items():
            if self.fields[field_name].disabled:
                continue
            value = cleaned.get(field_name) or ""
            if value == current.get(name, ""):
                continue
            if value:
                updates.append({"Name": name, "Value": value})
            else:
                removed.append(name)
        target = {"UserPoolId": user.pool_id, "Username": user.username}
        try:
            if updates:
                console.run(self.request, "AdminUpdateUserAttributes", {**target, "UserAttributes": updates},
                            lambda: users.update_attributes(user.pool_id, user.username, updates), user=user)
            if removed:
                console.run(self.request, "AdminDeleteUserAttributes", {**target, "UserAttributeNames": removed},
                            lambda: users.delete_attributes(user.pool_id, user.username, removed), user=user)
        except ServiceError as exc:
            raise forms.ValidationError(f"{exc.error_type}: {exc.message}") from exc
        return cleaned


def _attribute_form(request: HttpRequest, user: User) -> type[UserAttributesForm]:
    """A form class with one field per attribute of the user's pool schema (`sub` excepted)."""
    values = user.attribute_values()
    declared: dict[str, forms.Field] = {}
    names: dict[str, str] = {}
    for index, (name, definition) in enumerate(sorted(pool_schema(user.pool).items())):
        if name == "sub":
            continue
        field_name = f"attribute_{index}"
        immutable = definition.get("Mutable", True) is False
        declared[field_name] = forms.CharField(
            label=name, required=False, initial=values.get(name, ""), disabled=immutable,
            help_text="immutable" if immutable else definition.get("AttributeDataType", "String"),
            widget=forms.TextInput(attrs={"size": 50}),
        )
        names[field_name] = name
    return type("UserAttributesForm", (UserAttributesForm,), {**declared, "attribute_fields": names, "request": request})


class UserAdmin(admin.ModelAdmin):
    list_display = ("name_shown", "email", "phone", "status", "enabled", "created", "pool")
    list_display_links = ("name_shown",)
    list_filter = ("pool", "status", "enabled", GroupFilter)
    list_select_related = ("pool",)
    search_fields = ("username",)  # shows the search box; the search itself is admin_search's
    search_help_text = "Username, email or phone (their beginning), an exact email in any case, or a sub (UUID)."
    show_full_result_count = False  # no second COUNT(*) over a pool of millions
    show_facets = admin.ShowFacets.NEVER  # facet counts would COUNT every filter choice over every user
    sortable_by = ()  # every page walks the primary key; sorting a million rows by another column would not
    ordering = ("-pk",)
    readonly_fields = ("username", "pool", "sub", "status", "enabled", "has_password", "created", "modified",
                       "groups_list", "mfa", "devices_list", "recent_sign_ins", "recent_events")
    actions = ["disable_users", "enable_users", "reset_passwords", "confirm_users", "sign_out_users",
               "add_to_group", "remove_from_group", "delete_selected"]

    def has_add_permission(self, request) -> bool:
        return False  # AdminCreateUser (and its invitation) is the API's

    def get_queryset(self, request):
        rows = UserAttribute.objects.filter(name__in=CONTACT_ATTRIBUTES)
        return super().get_queryset(request).prefetch_related(Prefetch("attributes", queryset=rows, to_attr="contact_rows"))

    # --- the list ---------------------------------------------------------------------------

    @admin.display(description="Username")
    def name_shown(self, user: User) -> str:
        return shown_name(user)

    @admin.display(description="Email")
    def email(self, user: User) -> str:
        return contacts(user).get("email", "")

    @admin.display(description="Phone")
    def phone(self, user: User) -> str:
        return contacts(user).get("phone_number", "")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(pk__in=admin_search.matching_user_ids(term, request.GET.get("pool__id__exact"))), False

    # --- actions: each one the service (and audit event) of an Admin* operation --------------

    def _each(self, request, queryset, operation: str, change: Callable[[User], object], done: str, **extra) -> None:
        selected = list(queryset.select_related("pool")[: MAX_SELECTED + 1])
        if len(selected) > MAX_SELECTED:
            self.message_user(request, f"Select at most {MAX_SELECTED} users for one action.", messages.ERROR)
            return
        succeeded, failures = 0, []
        for user in selected:
            params = {"UserPoolId": user.pool_id, "Username": user.username, **extra}
            try:
                console.run(request, operation, params, functools.partial(change, user), user=user)
                succeeded += 1
            except ServiceError as exc:
                failures.append(f"{shown_name(user)}: {exc.message}")
        if succeeded:
            self.message_user(request, f"{done}: {succeeded} user(s).", messages.SUCCESS)
        if failures:
            self.message_user(request, f"{operation} refused for " + "; ".join(failures), messages.ERROR)

    @admin.action(description="Disable selected users (their tokens stop working)")
    def disable_users(self, request, queryset):
        self._each(request, queryset, "AdminDisableUser", lambda user: users.set_enabled(user.pool_id, user.username, False), "Disabled")

    @admin.action(description="Enable selected users")
    def enable_users(self, request, queryset):
        self._each(request, queryset, "AdminEnableUser", lambda user: users.set_enabled(user.pool_id, user.username, True), "Enabled")

    @admin.action(description="Reset password of selected users (sends a code)")
    def reset_passwords(self, request, queryset):
        self._each(request, queryset, "AdminResetUserPassword",
                   lambda user: recovery.admin_reset_user_password(user.pool_id, user.username), "Password reset")

    @admin.action(description="Confirm sign-up of selected users")
    def confirm_users(self, request, queryset):
        self._each(request, queryset, "AdminConfirmSignUp", lambda user: users.confirm_sign_up(user.pool_id, user.username), "Confirmed")

    @admin.action(description="Sign out selected users everywhere")
    def sign_out_users(self, request, queryset):
        self._each(request, queryset, "AdminUserGlobalSignOut",
                   lambda user: account.admin_global_sign_out(user.pool_id, user.username), "Signed out")

    @admin.action(description="Add selected users to a group…")
    def add_to_group(self, request, queryset):
        return self._group_action(request, queryset, "add_to_group", "AdminAddUserToGroup", memberships.add_user_to_group, "Added to")

    @admin.action(description="Remove selected users from a group…")
    def remove_from_group(self, request, queryset):
        return self._group_action(request, queryset, "remove_from_group", "AdminRemoveUserFromGroup",
                                  memberships.remove_user_from_group, "Removed from")

    def _group_action(self, request, queryset, action: str, operation: str, change, done: str):
        pool_ids = set(queryset.values_list("pool_id", flat=True).distinct()[:2])
        if len(pool_ids) != 1:
            self.message_user(request, "Select users of one pool to change their groups.", messages.ERROR)
            return None
        pool_id = pool_ids.pop()
        form = GroupChoiceForm(pool_id, request.POST if "apply" in request.POST else None)
        if form.is_valid():
            group = form.cleaned_data["group"]
            self._each(request, queryset, operation, lambda user: change(pool_id, user.username, group.name),
                       f"{done} {group.name}", GroupName=group.name)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Choose a group",
            "opts": self.model._meta,
            "form": form,
            "action": action,
            "operation": operation,
            "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)[:MAX_SELECTED]],
            "users": [shown_name(user) for user in queryset.select_related("pool")[:20]],
            "count": queryset.count(),
        }
        return TemplateResponse(request, "admin/userpools/user/choose_group.html", context)

    @admin.action(description="Delete selected users", permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's delete with its confirmation page, for a bounded selection (the page lists
        what goes with each user); the deletion itself is AdminDeleteUser (delete_queryset)."""
        if queryset[: MAX_SELECTED + 1].count() > MAX_SELECTED:
            self.message_user(request, f"Select at most {MAX_SELECTED} users for one action.", messages.ERROR)
            return None
        return delete_selected(self, request, queryset)

    # Django's delete (the change page's button and the bulk action) runs AdminDeleteUser instead.
    def delete_model(self, request, obj: User) -> None:
        console.run(request, "AdminDeleteUser", {"UserPoolId": obj.pool_id, "Username": obj.username},
                    lambda: users.delete_user(obj.pool_id, obj.username), user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset.select_related("pool")[:MAX_SELECTED]:
            self.delete_model(request, user)

    # --- the user's page ------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        attribute_fields = list(_attribute_form(request, obj).attribute_fields) if obj else []
        return [
            (None, {"fields": ("username", "pool", "sub", "status", "enabled", "has_password", "created", "modified"),
                    "description": "Status and enabled change only through the actions of the user list "
                                   "(confirm, reset password, disable, enable), as the API's Admin* operations do."}),
            ("Attributes", {"fields": attribute_fields,
                            "description": "Saved through AdminUpdateUserAttributes: the pool's schema rules apply, "
                                           "and changing a verified email or phone sends a code. Empty a field to delete it."}),
            ("Groups", {"fields": ("groups_list",)}),
            ("MFA and devices", {"fields": ("mfa", "devices_list")}),
            ("Recent activity", {"fields": ("recent_sign_ins", "recent_events")}),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        if user is not None:  # the page's heading: how people know the user
            extra_context = {**(extra_context or {}), "subtitle": shown_name(user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = _attribute_form(request, obj)
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        """Nothing to save: the form applied its changes through the services when it was validated."""

    @admin.display(boolean=True, description="Has password")
    def has_password(self, user: User) -> bool:
        return bool(user.password)

    @admin.display(description="Groups")
    def groups_list(self, user: User):
        return admin_panels.group_panel(user)

    @admin.display(description="MFA")
    def mfa(self, user: User):
        return admin_panels.mfa_panel(user, mfa.enabled_methods(user), lambda method: self._url("mfa_off", user, method))

    @admin.display(description="Devices")
    def devices_list(self, user: User):
        return admin_panels.device_panel(user, lambda key: self._url("forget_device", user, key))

    @admin.display(description="Recent sign-ins")
    def recent_sign_ins(self, user: User):
        return admin_panels.sign_in_panel(user)

    @admin.display(description="Recent audit events")
    def recent_events(self, user: User):
        return admin_panels.audit_panel(user)

    # --- the page's buttons ---------------------------------------------------------------

    def _url(self, view: str, user: User, key: str) -> str:
        return reverse(f"admin:userpools_user_{view}", args=[user.pk, key])

    def get_urls(self):
        own = [
            path("<int:user_id>/mfa/<str:key>/off/", self.admin_site.admin_view(self.mfa_off_view), name="userpools_user_mfa_off"),
            path("<int:user_id>/devices/<str:key>/forget/", self.admin_site.admin_view(self.forget_device_view),
                 name="userpools_user_forget_device"),
        ]
        return own + super().get_urls()

    def _button_action(self, request, user_id: int, operation: str, params: dict, change, done: str):
        user = get_object_or_404(User.objects.select_related("pool"), pk=user_id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        try:
            console.run(request, operation, {"UserPoolId": user.pool_id, "Username": user.username, **params},
                        lambda: change(user), user=user)
            self.message_user(request, done, messages.SUCCESS)
        except ServiceError as exc:
            self.message_user(request, f"{operation} refused: {exc.message}", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:userpools_user_change", args=[user.pk]))

    @staticmethod
    def _mfa_off_params(method: str) -> dict:
        return {_MFA_SETTING[method]: {"Enabled": False, "PreferredMfa": False}} if method in _MFA_SETTING else {}

    def mfa_off_view(self, request, user_id: int, key: str):
        params = self._mfa_off_params(key)
        if request.method != "POST" or not params:
            return HttpResponseNotAllowed(["POST"])
        return self._button_action(request, user_id, "AdminSetUserMFAPreference", params,
                                   lambda user: mfa.admin_set_user_preference(user.pool_id, user.username, params), f"{key} turned off.")

    def forget_device_view(self, request, user_id: int, key: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return self._button_action(request, user_id, "AdminForgetDevice", {"DeviceKey": key},
                                   lambda user: devices.admin_forget_device(user.pool_id, user.username, key), f"Device {key} removed.")
