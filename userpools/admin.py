"""Django admin for user pools: pools and clients to inspect, users to manage (admin_users).

Objects are created through the API, whose services apply Cognito's rules (ids, defaults,
password hashing, secrets); here configuration is shown read-only and secrets never at all.
Changes to users run the same services as the API's Admin* operations (see `console`).
"""
from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from core.errors import ServiceError
from userpools import admin_panels, console
from userpools.admin_users import UserAdmin
from userpools.models import Group, ResourceServer, User, UserPool, UserPoolClient
from userpools.services import groups, pools


def pretty_json(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, default=str))


class CreatedThroughApiAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False


def _section(keys: tuple[str, ...]):
    @admin.display(description="Settings")
    def show(self, pool: UserPool) -> str:
        return admin_panels.settings_table(pool.config, keys)
    return show


@admin.register(UserPool)
class UserPoolAdmin(CreatedThroughApiAdmin):
    """A pool's settings in sections (read-only: UpdateUserPool applies the rules), with user counts."""

    list_display = ("id", "name", "user_count", "created")
    search_fields = ("=id", "name")
    readonly_fields = ("id", "name", "created", "modified", "users_by_status", "schema", "other_settings", "pool_tags",
                       *(f"section_{index}" for index, _ in enumerate(admin_panels.POOL_SECTIONS)))
    fieldsets = [
        (None, {"fields": ("id", "name", "created", "modified", "users_by_status", "pool_tags")}),
        *((title, {"fields": (f"section_{index}",)}) for index, (title, _) in enumerate(admin_panels.POOL_SECTIONS)),
        ("Attributes", {"fields": ("schema",)}),
        ("Other settings", {"fields": ("other_settings",), "classes": ("collapse",)}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_total=Count("users"))  # one aggregate query per page

    def delete_view(self, request, object_id, extra_context=None):
        """Django's confirmation page, then DeleteUserPool (refused while deletion protection is on)."""
        pool = self.get_object(request, unquote(object_id))  # the admin's URLs quote keys ("_" is "_5F")
        if request.method != "POST" or pool is None:
            return super().delete_view(request, object_id, extra_context)
        if not self.has_delete_permission(request, pool):
            raise PermissionDenied
        try:
            console.run(request, "DeleteUserPool", {"UserPoolId": pool.id}, lambda: pools.delete_pool(pool.id))
        except ServiceError as exc:
            self.message_user(request, f"DeleteUserPool refused: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:userpools_userpool_change", args=[quote(pool.id)]))
        self.message_user(request, f"Deleted the pool {pool}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:userpools_userpool_changelist"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one pool at a time, each through DeleteUserPool
        return actions

    @admin.display(description="Users", ordering="user_total")
    def user_count(self, pool: UserPool) -> int:
        return pool.user_total

    @admin.display(description="Users")
    def users_by_status(self, pool: UserPool) -> str:
        return admin_panels.user_counts(pool)

    @admin.display(description="Schema")
    def schema(self, pool: UserPool) -> str:
        return admin_panels.schema_table(pool.config)

    @admin.display(description="Other settings")
    def other_settings(self, pool: UserPool) -> str:
        return admin_panels.settings_table(pool.config, sorted(set(pool.config) - admin_panels.SECTIONED))

    @admin.display(description="Tags")
    def pool_tags(self, pool: UserPool) -> str:
        return pretty_json(pool.tags)


for _index, (_title, _keys) in enumerate(admin_panels.POOL_SECTIONS):
    setattr(UserPoolAdmin, f"section_{_index}", _section(_keys))


@admin.register(UserPoolClient)
class UserPoolClientAdmin(CreatedThroughApiAdmin):
    list_display = ("client_id", "name", "pool", "has_secret", "created")
    list_select_related = ("pool",)
    search_fields = ("=client_id", "name")
    # secret_encrypted is deliberately absent: the secret is shown once, by the API that makes it.
    fields = ("client_id", "pool", "name", "has_secret", "created", "modified", "configuration")
    readonly_fields = ("client_id", "pool", "has_secret", "created", "modified", "configuration")

    @admin.display(boolean=True, description="Has secret")
    def has_secret(self, client: UserPoolClient) -> bool:
        return bool(client.secret_encrypted)

    @admin.display(description="Configuration")
    def configuration(self, client: UserPoolClient) -> str:
        return pretty_json(client.config)


admin.site.register(User, UserAdmin)


@admin.register(Group)
class GroupAdmin(CreatedThroughApiAdmin):
    list_display = ("name", "pool", "precedence", "created")
    list_select_related = ("pool",)
    search_fields = ("name",)
    fields = ("name", "pool", "description", "role_arn", "precedence", "created", "modified")
    readonly_fields = ("name", "pool", "created", "modified")

    def save_model(self, request, obj: Group, form, change) -> None:
        """UpdateGroup with the edited members (audited as the admin)."""
        params = {"UserPoolId": obj.pool_id, "GroupName": obj.name, "Description": obj.description,
                  "RoleArn": obj.role_arn, "Precedence": obj.precedence}
        console.run(request, "UpdateGroup", {key: value for key, value in params.items() if value is not None},
                    lambda: groups.update_group(obj.pool_id, obj.name, params))

    def delete_model(self, request, obj: Group) -> None:
        console.run(request, "DeleteGroup", {"UserPoolId": obj.pool_id, "GroupName": obj.name},
                    lambda: groups.delete_group(obj.pool_id, obj.name))

    def delete_queryset(self, request, queryset) -> None:
        for group in queryset:
            self.delete_model(request, group)


@admin.register(ResourceServer)
class ResourceServerAdmin(CreatedThroughApiAdmin):
    list_display = ("identifier", "name", "pool")
    list_select_related = ("pool",)
    search_fields = ("identifier", "name")
    fields = ("identifier", "pool", "name", "scope_list")
    readonly_fields = ("identifier", "pool", "scope_list")

    @admin.display(description="Scopes")
    def scope_list(self, server: ResourceServer) -> str:
        return pretty_json(server.scopes)
